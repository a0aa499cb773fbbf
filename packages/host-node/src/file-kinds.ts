/**
 * What `openNodeFile` accepts once a path is open: the decision on the descriptor's `fstat`
 * record, apart from the I/O so that it can be tested on any record.
 * @module
 */
import { HostError, type OpenMode } from '@vskit/host';

/** How `openNodeFile` treats a block device (a disk, a partition, a loop device). */
export type BlockDeviceAccess = 'readOnly' | 'readWrite' | 'refuse';

/** Every {@link BlockDeviceAccess}, for validation. */
export const BLOCK_DEVICE_ACCESS: readonly BlockDeviceAccess[] = [
  'readOnly',
  'readWrite',
  'refuse',
];

/** The parts of a `fs.Stats` record the decision reads. */
export interface KindFacts {
  isFile(): boolean;
  isDirectory(): boolean;
  isBlockDevice(): boolean;
}

/** What was opened, when it may be used: a regular file or a block device. */
export type OpenedKind = 'file' | 'blockDevice';

/**
 * Decides whether what `path` opened to may be used in `mode`:
 * - a regular file: yes;
 * - a folder: `EISDIR`;
 * - a block device: in `read` mode unless `blockDevice` is `'refuse'`; in `readWrite` (or
 *   `createNew`) mode only when `blockDevice` is `'readWrite'`, `EACCES` otherwise; `EINVAL` for
 *   every mode when `'refuse'`;
 * - anything else (a FIFO, a socket, a character device), or no record: `EINVAL`.
 */
export function admitOpened(
  facts: KindFacts | undefined,
  mode: OpenMode,
  blockDevice: BlockDeviceAccess,
  path: string,
): OpenedKind {
  if (facts?.isFile()) return 'file';
  if (facts?.isDirectory()) throw new HostError('EISDIR', 'open', path);
  if (facts?.isBlockDevice()) {
    if (blockDevice === 'refuse') {
      throw new HostError('EINVAL', 'open', path, 'a block device, and block devices are refused');
    }
    if (mode !== 'read' && blockDevice !== 'readWrite') {
      throw new HostError(
        'EACCES',
        'open',
        path,
        "a block device opens read-only unless { blockDevice: 'readWrite' } is given",
      );
    }
    return 'blockDevice';
  }
  throw new HostError('EINVAL', 'open', path, 'not a regular file (a FIFO, socket or device)');
}

/**
 * The size of something whose `fstat` size says nothing (a block device: 0), found by reading:
 * the first position where a one-byte read gets nothing. `hasByteAt(p)` says whether a byte can
 * be read at `p`. Doubling finds a position past the end, then bisection finds the end itself:
 * about 2 x log2(size) reads (80 for 1 TiB), exact to the byte, with no `ioctl`.
 */
export async function probeSize(
  hasByteAt: (position: number) => Promise<boolean>,
): Promise<number> {
  if (!(await hasByteAt(0))) return 0;
  let below = 0; // a byte is there
  let above = 1; // candidate end
  while (await hasByteAt(above)) {
    below = above;
    if (above > Number.MAX_SAFE_INTEGER / 2) throw new RangeError('no end found below 2^53');
    above *= 2;
  }
  while (above - below > 1) {
    const middle = below + Math.floor((above - below) / 2);
    if (await hasByteAt(middle)) below = middle;
    else above = middle;
  }
  return above;
}
