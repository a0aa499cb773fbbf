import { Buffer } from 'node:buffer';

/** One read-only chunk per byte value met so far (at most 256). */
const byValue = new Map<number, Uint8Array>();

/**
 * The shared chunk holding what the whole chunk `piece` holds, when every byte of it is the same
 * value (as a table of unused BAT entries, all 0xFF, is); `undefined` otherwise. A shared chunk
 * is never written to: its holder copies it before any change.
 */
export function sharedUniformChunk(piece: Uint8Array): Uint8Array | undefined {
  const n = piece.length;
  if (n === 0) return undefined;
  const value = piece[0] as number;
  if (piece[n - 1] !== value || piece[n >>> 1] !== value) return undefined;
  let chunk = byValue.get(value);
  if (chunk === undefined || chunk.length !== n) {
    chunk = new Uint8Array(n).fill(value);
    byValue.set(value, chunk);
  }
  // One native comparison with the chunk of that value.
  const bytes = Buffer.from(piece.buffer, piece.byteOffset, n);
  return bytes.equals(chunk) ? chunk : undefined;
}
