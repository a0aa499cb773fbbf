import { constants, read, readSync, type Stats, stat, write, writeSync } from 'node:fs';
import { HostError, type HostFile, type OpenMode, type ShareMode } from '@vskit/host';
import { defaultShare } from '@vskit/host/kit';
import {
  admitOpened,
  BLOCK_DEVICE_ACCESS,
  type BlockDeviceAccess,
  probeSize,
} from './file-kinds.js';
import { type FsCalls, fsCalls } from './fs-calls.js';
import { nodeErrorCode, toHostError } from './node-errors.js';
import { fileKey, PROCESS_HANDLES } from './share-table.js';
import { acquireWriterLock, type WriterLock } from './writer-lock.js';

/**
 * Open flags per mode. O_NONBLOCK keeps `open` from waiting on a FIFO or a device; it changes
 * nothing for the regular files and block devices that are all this adapter accepts (checked
 * right after opening).
 */
const FLAGS: Readonly<Record<OpenMode, number>> = {
  read: constants.O_RDONLY | constants.O_NONBLOCK,
  readWrite: constants.O_RDWR | constants.O_NONBLOCK,
  createNew: constants.O_RDWR | constants.O_CREAT | constants.O_EXCL | constants.O_NONBLOCK,
};

/** Options of {@link openNodeFile}. */
export interface NodeFileOptions {
  /**
   * How reads and writes reach the kernel.
   * - `'async'` (default): node's callback `fs.read`/`fs.write` on the libuv thread pool, so
   *   the event loop never waits on the disk. The right choice for servers and anything that
   *   serves other work while it does I/O.
   * - `'sync'`: blocking calls (`openSync`, `readSync`, `writeSync`...), the promises resolving
   *   with the result. Faster per call (no thread-pool hop), but each call blocks the thread
   *   until the kernel is done: for CLIs and batch tools that own their thread, not for servers.
   *   The open blocks too (not the wait for another process's writer lock).
   */
  io?: 'async' | 'sync';
  /**
   * What to do when the path is a block device (a disk, a partition or a loop device holding an
   * image, as a VHD on a logical volume):
   * - `'readOnly'` (default): open it in `read` mode; `readWrite` is `EACCES`, so nothing writes
   *   to a disk unless asked to;
   * - `'readWrite'`: open it in either mode (`createNew` still fails with `EEXIST`);
   * - `'refuse'`: `EINVAL` in every mode, as for a FIFO, a socket or a character device.
   *
   * A block device's `size()` is found by reading (its `fstat` size is 0), and its `truncate`
   * is `EINVAL`: its size is fixed.
   */
  blockDevice?: BlockDeviceAccess;
  /**
   * What other handles may do while this one is open (Windows' share mode; see `ShareMode` in
   * `@vskit/host`): default `readWrite` in `read` mode, `read` otherwise. Enforced among every
   * handle of this process (keyed by device and inode); a refused open is `EBUSY`.
   */
  share?: ShareMode;
  /**
   * Whether a `readWrite` open of a regular file (and an open with `share: 'none'`) also takes
   * the file's writer lock, so that writers in other processes are refused (`EBUSY`); default
   * `true`. The lock is a `<file>.lock` folder beside the file while it is held; see the README
   * for what a killed process leaves. A `createNew` file is known only to its creator and takes
   * no lock.
   */
  interProcessLock?: boolean;
}

/** Whether the mode bits say read-only: no one may write (Windows' read-only attribute). */
export function isReadOnlyMode(mode: number): boolean {
  return (mode & 0o222) === 0;
}

/**
 * Opens a real file as a {@link HostFile} (the same shape as `@vskit/vhd-format`'s
 * `RandomAccessFile`), over a file descriptor.
 *
 * - `read`: an existing file, read-only; `readWrite`: an existing file; `createNew`: a new file,
 *   `EEXIST` if anything is there.
 * - `read` loops over short reads, so it returns fewer bytes than asked only at the end of the file.
 * - `write` loops over short writes until every byte is written.
 * - Buffers go straight to the kernel: nothing is copied.
 * - `options.io` picks non-blocking (`'async'`, the default) or blocking (`'sync'`) calls; see
 *   {@link NodeFileOptions}.
 * - A folder is `EISDIR`; a FIFO, socket or character device `EINVAL` (at once: `open` never
 *   waits). A block device opens read-only unless `options.blockDevice` says otherwise.
 * - Failures reject with `HostError` (the errno from Node, `EIO` for unknown ones); after
 *   `close`, every call rejects with `EBADF`, and so do `write` and `truncate` in `read` mode.
 * - `readWrite` on a read-only file (no write permission bit, even for root) is `EPERM`.
 * - Share modes hold among this process's handles, and a writer takes the file's writer lock
 *   against other processes (`options.share`, `options.interProcessLock`): `EBUSY` when refused.
 *
 * @example
 * ```ts
 * const file = await openNodeFile('/tmp/disk.vhd', 'createNew');
 * await file.write(new Uint8Array(512), 0);
 * await file.close();
 * // A command-line tool that owns its thread:
 * const image = await openNodeFile('/tmp/disk.vhd', 'read', { io: 'sync' });
 * ```
 */
export async function openNodeFile(
  path: string,
  mode: OpenMode,
  options: NodeFileOptions = {},
): Promise<HostFile> {
  const flags = FLAGS[mode];
  if (flags === undefined)
    throw new HostError('EINVAL', 'open', path, `unknown mode ${String(mode)}`);
  const io = options.io ?? 'async';
  if (io !== 'async' && io !== 'sync')
    throw new HostError('EINVAL', 'open', path, `unknown io ${String(io)}`);
  const blockDevice = options.blockDevice ?? 'readOnly';
  if (!BLOCK_DEVICE_ACCESS.includes(blockDevice)) {
    throw new HostError('EINVAL', 'open', path, `unknown blockDevice ${String(blockDevice)}`);
  }
  const share = options.share ?? defaultShare(mode);
  if (share !== 'read' && share !== 'readWrite' && share !== 'none') {
    throw new HostError('EINVAL', 'open', path, `unknown share ${String(share)}`);
  }
  const calls = fsCalls(io);
  let fd: number;
  try {
    fd = await calls.open(path, flags);
  } catch (error) {
    if (nodeErrorCode(error) === 'EACCES' && mode === 'readWrite' && (await readOnlyFile(path))) {
      throw new HostError('EPERM', 'open', path, 'the file is read-only');
    }
    throw toHostError(error, 'open', path);
  }
  const facts = await calls.fstat(fd).catch(() => undefined);
  const releases: Array<() => Promise<void> | void> = [];
  const undo = async () => {
    for (const release of releases.reverse()) await release();
    await calls.close(fd).catch(() => undefined);
  };
  let kind: ReturnType<typeof admitOpened>;
  let lock: WriterLock | undefined;
  try {
    kind = admitOpened(facts, mode, blockDevice, path);
    const stats = facts as Stats;
    if (kind === 'file' && mode === 'readWrite' && isReadOnlyMode(stats.mode)) {
      throw new HostError('EPERM', 'open', path, 'the file is read-only');
    }
    releases.push(PROCESS_HANDLES.add(fileKey(stats), { writable: mode !== 'read', share }, path));
    const locks = options.interProcessLock ?? true;
    if (
      locks &&
      kind === 'file' &&
      mode !== 'createNew' &&
      (mode === 'readWrite' || share === 'none')
    ) {
      const held = await acquireWriterLock(path);
      lock = held;
      releases.push(() => held.release());
    }
  } catch (error) {
    await undo();
    throw error;
  }
  const release = async () => {
    for (const step of releases.reverse()) await step();
  };
  const state = { release, lock };
  return new NodeFile(fd, path, mode !== 'read', calls, kind === 'blockDevice', state);
}

/** Whether `path` is a regular file whose mode bits make it read-only. */
function readOnlyFile(path: string): Promise<boolean> {
  return new Promise((resolve) =>
    stat(path, (error, stats) => resolve(!error && stats.isFile() && isReadOnlyMode(stats.mode))),
  );
}

function readAsync(fd: number, b: Uint8Array, at: number, n: number, p: number): Promise<number> {
  return new Promise((resolve, reject) =>
    read(fd, b, at, n, p, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))),
  );
}

function writeAsync(fd: number, b: Uint8Array, at: number, n: number, p: number): Promise<number> {
  return new Promise((resolve, reject) =>
    write(fd, b, at, n, p, (error, written) => (error ? reject(error) : resolve(written))),
  );
}

class NodeFile implements HostFile {
  #fd: number | undefined;
  readonly #path: string;
  readonly #writable: boolean;
  /** How the descriptor's calls other than reads and writes are made (`io`). */
  readonly #calls: FsCalls;
  /** Whether reads and writes block (`io: 'sync'`). */
  readonly #sync: boolean;
  /** Whether this is a block device: its size is found by reading, once, and it is fixed. */
  readonly #device: boolean;
  #deviceSize: Promise<number> | undefined;
  /** Gives up the share-mode entry and the writer lock, once. */
  readonly #held: { release: () => Promise<void>; lock: WriterLock | undefined };

  constructor(
    fd: number,
    path: string,
    writable: boolean,
    calls: FsCalls,
    device: boolean,
    held: { release: () => Promise<void>; lock: WriterLock | undefined },
  ) {
    this.#fd = fd;
    this.#path = path;
    this.#writable = writable;
    this.#calls = calls;
    this.#sync = calls.io === 'sync';
    this.#device = device;
    this.#held = held;
  }

  #openForWriting(syscall: string): number {
    const fd = this.#open(syscall);
    if (!this.#writable)
      throw new HostError('EBADF', syscall, this.#path, 'file is open read-only');
    if (this.#held.lock?.compromised) {
      throw new HostError('EBUSY', syscall, this.#path, 'the writer lock was lost');
    }
    return fd;
  }

  #open(syscall: string): number {
    if (this.#fd === undefined) throw new HostError('EBADF', syscall, this.#path, 'file is closed');
    return this.#fd;
  }

  async read(buffer: Uint8Array, position: number): Promise<number> {
    const fd = this.#open('read');
    checkBuffer(buffer, 'read', this.#path);
    checkPosition(position, 'read', this.#path);
    let total = 0;
    try {
      while (total < buffer.length) {
        const n = buffer.length - total;
        const bytesRead = this.#sync
          ? readSync(fd, buffer, total, n, position + total)
          : await readAsync(fd, buffer, total, n, position + total);
        if (bytesRead === 0) break;
        total += bytesRead;
      }
    } catch (error) {
      throw toHostError(error, 'read', this.#path);
    }
    return total;
  }

  async write(buffer: Uint8Array, position: number): Promise<void> {
    const fd = this.#openForWriting('write');
    checkBuffer(buffer, 'write', this.#path);
    checkPosition(position, 'write', this.#path);
    let total = 0;
    try {
      while (total < buffer.length) {
        const n = buffer.length - total;
        const written = this.#sync
          ? writeSync(fd, buffer, total, n, position + total)
          : await writeAsync(fd, buffer, total, n, position + total);
        if (written === 0) throw new HostError('EIO', 'write', this.#path, 'no progress');
        total += written;
      }
    } catch (error) {
      throw toHostError(error, 'write', this.#path);
    }
  }

  async size(): Promise<number> {
    const fd = this.#open('stat');
    if (this.#device) {
      this.#deviceSize ??= probeSize((position) => this.#hasByteAt(fd, position)).catch(
        (error: unknown) => {
          this.#deviceSize = undefined;
          throw toHostError(error, 'stat', this.#path);
        },
      );
      return this.#deviceSize;
    }
    try {
      return (await this.#calls.fstat(fd)).size;
    } catch (error) {
      throw toHostError(error, 'stat', this.#path);
    }
  }

  /** Whether a byte can be read at `position` (a one-byte read). */
  async #hasByteAt(fd: number, position: number): Promise<boolean> {
    const byte = new Uint8Array(1);
    const count = this.#sync
      ? readSync(fd, byte, 0, 1, position)
      : await readAsync(fd, byte, 0, 1, position);
    return count === 1;
  }

  async truncate(length: number): Promise<void> {
    const fd = this.#openForWriting('truncate');
    checkPosition(length, 'truncate', this.#path);
    if (this.#device) {
      throw new HostError('EINVAL', 'truncate', this.#path, 'a block device has a fixed size');
    }
    try {
      await this.#calls.ftruncate(fd, length);
    } catch (error) {
      throw toHostError(error, 'truncate', this.#path);
    }
  }

  async sync(): Promise<void> {
    const fd = this.#open('sync');
    try {
      await this.#calls.fsync(fd);
    } catch (error) {
      throw toHostError(error, 'sync', this.#path);
    }
  }

  async close(): Promise<void> {
    const fd = this.#open('close');
    this.#fd = undefined;
    try {
      await this.#calls.close(fd);
    } catch (error) {
      throw toHostError(error, 'close', this.#path);
    } finally {
      // Other writers are let in only once this descriptor is gone.
      await this.#held.release();
    }
  }
}

function checkPosition(value: number, syscall: string, path: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new HostError('EINVAL', syscall, path, `bad position ${value}`);
  }
}

function checkBuffer(buffer: unknown, syscall: string, path: string): void {
  if (!(buffer instanceof Uint8Array)) {
    throw new HostError('EINVAL', syscall, path, 'buffer must be a Uint8Array');
  }
}
