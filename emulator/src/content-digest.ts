import { createHash } from 'node:crypto';
import { contentDigest as digestWith } from '@vskit/host/kit';

/**
 * Hashes a file's content given as its size and its non-zero 64 KiB pieces (see `@vskit/host/kit`'s
 * `contentDigest`), with `node:crypto`'s SHA-256. Equal bytes give equal digests however they are
 * stored: a sparse emulated file and a real file read piece by piece agree.
 */
export function contentDigest(
  size: number,
  pieces: Iterable<readonly [index: number, bytes: Uint8Array]>,
): string {
  return digestWith(size, pieces, () => createHash('sha256'));
}
