/** Our engine's side of the benches: sequential reads and writes through a chain on real files. */
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type NodeFileOptions, openNodeFile } from '@vskit/host-node';
import { openChain, type VhdChain } from '../src/index.js';
import { createBaseImage, openChainAt } from '../src/interop/__fixtures__/images.js';

/** How `openNodeFile` does its I/O: non-blocking (the default) or blocking calls. */
export type Io = NonNullable<NodeFileOptions['io']>;

/** Opens the chain at `path` (parents by name in its folder) with every file on `io`. */
async function openChainWith(path: string, io: Io, writable = false): Promise<VhdChain> {
  const folder = dirname(path);
  const file = await openNodeFile(path, writable ? 'readWrite' : 'read', { io });
  try {
    return await openChain(file, {
      writable,
      openParent: (ref) => openNodeFile(join(folder, ref.unicodeName), 'read', { io }),
    });
  } catch (error) {
    await file.close().catch(() => undefined);
    throw error;
  }
}

/**
 * Reads the whole virtual disk of the chain at `path` in `chunk`-byte pieces, its files opened
 * with `io`; returns bytes.
 */
export async function chainRead(path: string, chunk: number, io: Io = 'async'): Promise<number> {
  const chain = await openChainWith(path, io);
  const buffer = new Uint8Array(chunk);
  const size = chain.virtualSize;
  try {
    for (let offset = 0; offset < size; offset += chunk) {
      const n = Math.min(chunk, size - offset);
      await chain.read(n === chunk ? buffer : buffer.subarray(0, n), offset);
    }
  } finally {
    await chain.close();
  }
  return size;
}

/**
 * Reads the chain at `imagePath` and the raw file at `rawPath` side by side and throws at the
 * first chunk that differs, so every timed figure is of a correct read.
 */
export async function verifyChain(
  imagePath: string,
  rawPath: string,
  chunk: number,
): Promise<void> {
  const chain = await openChainAt(imagePath);
  const raw = await open(rawPath, 'r');
  const ours = new Uint8Array(chunk);
  const theirs = new Uint8Array(chunk);
  try {
    const size = chain.virtualSize;
    const rawSize = (await raw.stat()).size;
    if (rawSize !== size) throw new Error(`${imagePath}: virtual size ${size}, raw ${rawSize}`);
    for (let offset = 0; offset < size; offset += chunk) {
      const n = Math.min(chunk, size - offset);
      await chain.read(ours.subarray(0, n), offset);
      await raw.read(theirs, 0, n, offset);
      for (let i = 0; i < n; i++) {
        if (ours[i] !== theirs[i]) {
          throw new Error(`${imagePath} differs from ${rawPath} at byte ${offset + i}`);
        }
      }
    }
  } finally {
    await chain.close();
    await raw.close();
  }
}

/**
 * Writes `total` bytes sequentially from offset 0, `chunk.length` at a time, into the image at
 * `path` (made by `prepareWriteTarget`), its file opened with `io`.
 */
export async function chainWrite(
  path: string,
  total: number,
  chunk: Uint8Array,
  io: Io = 'async',
): Promise<void> {
  const chain = await openChainWith(path, io, true);
  try {
    for (let offset = 0; offset < total; offset += chunk.length) {
      const n = Math.min(chunk.length, total - offset);
      await chain.write(n === chunk.length ? chunk : chunk.subarray(0, n), offset);
    }
  } finally {
    await chain.close();
  }
}

/** Creates the empty dynamic image `chainWrite` fills. */
export function prepareWriteTarget(path: string, virtualSize: number): Promise<void> {
  return createBaseImage(path, { type: 'dynamic', sizeBytes: virtualSize });
}
