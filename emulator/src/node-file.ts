import { type FileHandle, open } from 'node:fs/promises';
import { HostError, type HostFile, type OpenMode } from '@vskit/host';
import { toHostError } from './node-errors.js';

const FLAGS: Readonly<Record<OpenMode, string>> = {
  read: 'r',
  readWrite: 'r+',
  createNew: 'wx+',
};

/**
 * Opens a real file as a {@link HostFile} (the same shape as `@vskit/vhd-format`'s
 * `RandomAccessFile`), over a `node:fs/promises` file handle.
 *
 * - `read`: an existing file, read-only; `readWrite`: an existing file; `createNew`: a new file,
 *   `EEXIST` if anything is there.
 * - `read` loops over short reads, so it returns fewer bytes than asked only at the end of the file.
 * - `write` loops over short writes until every byte is written.
 * - Buffers go straight to the kernel: nothing is copied.
 * - Failures reject with `HostError` (the errno from Node, `EIO` for unknown ones); after
 *   `close`, every call rejects with `EBADF`, and so do `write` and `truncate` in `read` mode.
 *
 * @example
 * ```ts
 * const file = await openNodeFile('/tmp/disk.vhd', 'createNew');
 * await file.write(new Uint8Array(512), 0);
 * await file.close();
 * ```
 */
export async function openNodeFile(path: string, mode: OpenMode): Promise<HostFile> {
  const flags = FLAGS[mode];
  if (flags === undefined)
    throw new HostError('EINVAL', 'open', path, `unknown mode ${String(mode)}`);
  let handle: FileHandle;
  try {
    handle = await open(path, flags, 0o666);
  } catch (error) {
    throw toHostError(error, 'open', path);
  }
  return new NodeFile(handle, path, mode !== 'read');
}

class NodeFile implements HostFile {
  #handle: FileHandle | undefined;
  readonly #path: string;
  readonly #writable: boolean;

  constructor(handle: FileHandle, path: string, writable: boolean) {
    this.#handle = handle;
    this.#path = path;
    this.#writable = writable;
  }

  #openForWriting(syscall: string): FileHandle {
    const handle = this.#open(syscall);
    if (!this.#writable)
      throw new HostError('EBADF', syscall, this.#path, 'file is open read-only');
    return handle;
  }

  #open(syscall: string): FileHandle {
    if (this.#handle === undefined)
      throw new HostError('EBADF', syscall, this.#path, 'file is closed');
    return this.#handle;
  }

  async read(buffer: Uint8Array, position: number): Promise<number> {
    const handle = this.#open('read');
    checkPosition(position, 'read', this.#path);
    let done = 0;
    try {
      while (done < buffer.length) {
        const { bytesRead } = await handle.read(
          buffer,
          done,
          buffer.length - done,
          position + done,
        );
        if (bytesRead === 0) break;
        done += bytesRead;
      }
    } catch (error) {
      throw toHostError(error, 'read', this.#path);
    }
    return done;
  }

  async write(buffer: Uint8Array, position: number): Promise<void> {
    const handle = this.#openForWriting('write');
    checkPosition(position, 'write', this.#path);
    let done = 0;
    try {
      while (done < buffer.length) {
        const { bytesWritten } = await handle.write(
          buffer,
          done,
          buffer.length - done,
          position + done,
        );
        if (bytesWritten === 0) throw new HostError('EIO', 'write', this.#path, 'no progress');
        done += bytesWritten;
      }
    } catch (error) {
      throw toHostError(error, 'write', this.#path);
    }
  }

  async size(): Promise<number> {
    const handle = this.#open('stat');
    try {
      return (await handle.stat()).size;
    } catch (error) {
      throw toHostError(error, 'stat', this.#path);
    }
  }

  async truncate(length: number): Promise<void> {
    const handle = this.#openForWriting('truncate');
    checkPosition(length, 'truncate', this.#path);
    try {
      await handle.truncate(length);
    } catch (error) {
      throw toHostError(error, 'truncate', this.#path);
    }
  }

  async sync(): Promise<void> {
    const handle = this.#open('sync');
    try {
      await handle.sync();
    } catch (error) {
      throw toHostError(error, 'sync', this.#path);
    }
  }

  async close(): Promise<void> {
    const handle = this.#open('close');
    this.#handle = undefined;
    try {
      await handle.close();
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
