/**
 * The layers below a layer, as the engine sees them: one function that fills a buffer with the
 * virtual bytes at an offset.
 * @module
 */

/** Reads `buffer.length` bytes at virtual `offset` from the layers below. */
export type LowerReader = (buffer: Uint8Array, offset: number) => Promise<void>;

/**
 * Fills `buffer` with the bytes at virtual `offset` that a layer does not hold: from `lower`
 * for a differencing layer that has one, else zeros (a dynamic layer's unallocated blocks, or a
 * differencing layer opened alone).
 */
export function readLower(
  buffer: Uint8Array,
  offset: number,
  lower: LowerReader | undefined,
  differencing: boolean,
): Promise<void> {
  if (lower && differencing) return lower(buffer, offset);
  buffer.fill(0);
  return Promise.resolve();
}
