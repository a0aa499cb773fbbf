import {
  close,
  closeSync,
  constants,
  fstat,
  fstatSync,
  fsync,
  fsyncSync,
  ftruncate,
  ftruncateSync,
  open,
  read,
  readSync,
  write,
  writeSync,
} from 'node:fs';
import { HostError, type HostFile, type OpenMode } from '@vskit/host';
import { toHostError } from './node-errors.js';

/**
 * Open flags per mode. O_NONBLOCK keeps `open` from waiting on a FIFO or a device; it changes
 * nothing for the regular files that are all this adapter accepts (checked right after opening).
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
   * - `'sync'`: `readSync`/`writeSync` on the descriptor, the promises resolving with the
   *   result. Faster per call (no thread-pool hop), but each call blocks the thread until the
   *   kernel is done: for CLIs and batch tools that own their thread, not for servers.
   */
  io?: 'async' | 'sync';
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
 * - Failures reject with `HostError` (the errno from Node, `EIO` for unknown ones); after
 *   `close`, every call rejects with `EBADF`, and so do `write` and `truncate` in `read` mode.
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
  let fd: number;
  try {
    fd = await new Promise<number>((resolve, reject) =>
      open(path, flags, 0o666, (error, opened) => (error ? reject(error) : resolve(opened))),
    );
  } catch (error) {
    throw toHostError(error, 'open', path);
  }
  const kind = await new Promise<'file' | 'directory' | 'other'>((resolve) =>
    fstat(fd, (error, facts) =>
      resolve(
        error ? 'other' : facts.isFile() ? 'file' : facts.isDirectory() ? 'directory' : 'other',
      ),
    ),
  );
  if (kind !== 'file') {
    await new Promise<void>((resolve) => close(fd, () => resolve()));
    if (kind === 'directory') throw new HostError('EISDIR', 'open', path);
    throw new HostError('EINVAL', 'open', path, 'not a regular file (a FIFO, socket or device)');
  }
  return new NodeFile(fd, path, mode !== 'read', io === 'sync');
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

function done(
  error: NodeJS.ErrnoException | null,
  resolve: () => void,
  reject: (e: unknown) => void,
) {
  if (error) reject(error);
  else resolve();
}

class NodeFile implements HostFile {
  #fd: number | undefined;
  readonly #path: string;
  readonly #writable: boolean;
  readonly #sync: boolean;

  constructor(fd: number, path: string, writable: boolean, sync: boolean) {
    this.#fd = fd;
    this.#path = path;
    this.#writable = writable;
    this.#sync = sync;
  }

  #openForWriting(syscall: string): number {
    const fd = this.#open(syscall);
    if (!this.#writable)
      throw new HostError('EBADF', syscall, this.#path, 'file is open read-only');
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
    try {
      if (this.#sync) return fstatSync(fd).size;
      return await new Promise<number>((resolve, reject) =>
        fstat(fd, (error, stats) => (error ? reject(error) : resolve(stats.size))),
      );
    } catch (error) {
      throw toHostError(error, 'stat', this.#path);
    }
  }

  async truncate(length: number): Promise<void> {
    const fd = this.#openForWriting('truncate');
    checkPosition(length, 'truncate', this.#path);
    try {
      if (this.#sync) ftruncateSync(fd, length);
      else
        await new Promise<void>((resolve, reject) =>
          ftruncate(fd, length, (error) => done(error, resolve, reject)),
        );
    } catch (error) {
      throw toHostError(error, 'truncate', this.#path);
    }
  }

  async sync(): Promise<void> {
    const fd = this.#open('sync');
    try {
      if (this.#sync) fsyncSync(fd);
      else
        await new Promise<void>((resolve, reject) =>
          fsync(fd, (error) => done(error, resolve, reject)),
        );
    } catch (error) {
      throw toHostError(error, 'sync', this.#path);
    }
  }

  async close(): Promise<void> {
    const fd = this.#open('close');
    this.#fd = undefined;
    try {
      if (this.#sync) closeSync(fd);
      else
        await new Promise<void>((resolve, reject) =>
          close(fd, (error) => done(error, resolve, reject)),
        );
    } catch (error) {
      throw toHostError(error, 'close', this.#path);
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
