/**
 * vhd-lib 0.7.2 (Xen Orchestra) as a peer: reads a dynamic VHD's content through
 * `createContentStream` over a minimal remote handler backed by node:fs.
 */
import { close, createWriteStream, fstat, open, read } from 'node:fs';
import { createRequire } from 'node:module';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';

/** The slice of vhd-lib 0.7.2's handler interface that its readers call. */
interface VhdLibHandler {
  openFile(path: string, flags: string): Promise<number>;
  closeFile(fd: number): Promise<void>;
  read(
    fd: number,
    buffer: Buffer,
    position: number,
  ): Promise<{ bytesRead: number; buffer: Buffer }>;
  getSize(fd: number): Promise<number>;
}

interface VhdLib {
  createContentStream(handler: VhdLibHandler, path: string): NodeJS.ReadableStream;
  createSyntheticStream(
    handler: VhdLibHandler,
    paths: readonly string[],
  ): Promise<NodeJS.ReadableStream>;
}

const openAsync = promisify(open);
const closeAsync = promisify(close);
const fstatAsync = promisify(fstat);

/** A handler over plain paths and file descriptors. */
export const nodeHandler: VhdLibHandler = {
  openFile: (path, flags) => openAsync(path, flags),
  closeFile: (fd) => closeAsync(fd),
  read: (fd, buffer, position) =>
    new Promise((resolve, reject) => {
      read(fd, buffer, 0, buffer.length, position, (error, bytesRead) => {
        if (error) reject(error);
        else resolve({ bytesRead, buffer });
      });
    }),
  getSize: async (fd) => (await fstatAsync(fd)).size,
};

/** vhd-lib's module (CommonJS, no types of its own). */
export function loadVhdLib(): VhdLib {
  return createRequire(import.meta.url)('vhd-lib') as VhdLib;
}

/**
 * Streams a dynamic VHD's content (current size bytes) through vhd-lib; `onChunk` sees each
 * piece in order. Resolves with the number of bytes seen.
 */
export async function vhdLibStreamContent(
  path: string,
  onChunk: (chunk: Uint8Array) => void,
): Promise<number> {
  const stream = loadVhdLib().createContentStream(nodeHandler, path);
  let total = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    onChunk(chunk);
    total += chunk.length;
  }
  return total;
}

/** A dynamic VHD's whole content through vhd-lib (for images small enough to hold). */
export async function vhdLibReadAll(path: string): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const total = await vhdLibStreamContent(path, (chunk) => chunks.push(chunk));
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

/**
 * A chain's content through vhd-lib: `createSyntheticStream` (top layer first) merges the chain
 * into one dynamic VHD at `scratchPath`, whose content `createContentStream` then reads. In
 * 0.7.2 the merge walks each child block's sector bitmap, taking clean sectors from below.
 */
export async function vhdLibReadChain(
  paths: readonly string[],
  scratchPath: string,
): Promise<Uint8Array> {
  const stream = await loadVhdLib().createSyntheticStream(nodeHandler, paths);
  await pipeline(stream, createWriteStream(scratchPath));
  return vhdLibReadAll(scratchPath);
}
