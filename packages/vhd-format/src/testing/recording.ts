/**
 * A file that records the writes and truncates made through it, for tests that pin the order
 * of writes.
 * @module
 */
import type { RandomAccessFile } from '../io.js';

/** One recorded call: a write (with a copy of its bytes) or a truncate. */
export type RecordedCall =
  | { op: 'write'; position: number; bytes: Uint8Array }
  | { op: 'truncate'; length: number };

/** `file`, recording every write and truncate (with a copy of the bytes) into `calls`. */
export function recording(file: RandomAccessFile, calls: RecordedCall[]): RandomAccessFile {
  return {
    read: (b, p) => file.read(b, p),
    write: (b, p) => {
      calls.push({ op: 'write', position: p, bytes: b.slice() });
      return file.write(b, p);
    },
    size: () => file.size(),
    truncate: (n) => {
      calls.push({ op: 'truncate', length: n });
      return file.truncate(n);
    },
    sync: () => file.sync(),
    close: () => file.close(),
  };
}
