/** The raw baselines: node:fs reads and writes of the same bytes, in the same chunk size. */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** Reads the whole file with `FileHandle.read` in `chunk`-byte pieces; returns bytes read. */
export async function rawRead(path: string, chunk: number): Promise<number> {
  const handle = await open(path, 'r');
  const buffer = new Uint8Array(chunk);
  let position = 0;
  try {
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, chunk, position);
      if (bytesRead === 0) break;
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return position;
}

/** Reads the whole file with `readSync` in `chunk`-byte pieces; returns bytes read. */
export function rawReadSync(path: string, chunk: number): number {
  const fd = openSync(path, 'r');
  const buffer = new Uint8Array(chunk);
  let position = 0;
  try {
    for (;;) {
      const bytesRead = readSync(fd, buffer, 0, chunk, position);
      if (bytesRead === 0) break;
      position += bytesRead;
    }
  } finally {
    closeSync(fd);
  }
  return position;
}

/** Writes `total` bytes into a new file with `writeSync`, `chunk.length` bytes at a time. */
export function rawWriteSync(path: string, total: number, chunk: Uint8Array): void {
  const fd = openSync(path, 'wx');
  try {
    for (let position = 0; position < total; position += chunk.length) {
      const n = Math.min(chunk.length, total - position);
      let done = 0;
      while (done < n) done += writeSync(fd, chunk, done, n - done, position + done);
    }
  } finally {
    closeSync(fd);
  }
}
