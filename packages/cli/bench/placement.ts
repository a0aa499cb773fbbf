/**
 * Where files' pages sit in memory, made the same for files a comparison reads on both sides.
 *
 * On a virtual machine, reading a file that is in memory is not equally fast everywhere: how fast
 * depends on which physical pages hold it (how the host backs them), so files written at different
 * times can read at different speeds. Measured on the bench machine (tmpfs, 2 MiB reads): 66 to
 * 155 µs/MiB between regions of one file, and plain `node:fs` reads of exactly the ranges
 * `vskit cat chain-8.vhd` reads took 1.11x to 1.26x those of `chain-8-flat.vhd` when the files
 * were written one after the other, 1.02x once written side by side. A chain-against-flat ratio
 * would then measure where the files landed, not the chain.
 *
 * {@link placeSideBySide} writes the files again, a slice of each in turn (each file at the same
 * fraction of its length), so every file's pages come from the same stretch of memory.
 * @module
 */
import {
  closeSync,
  fstatSync,
  ftruncateSync,
  openSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeSync,
} from 'node:fs';

/** Bytes copied per turn. */
export const SLICE_BYTES = 2 ** 20;
/** Pages of zeros are left as holes, so a sparse file stays as sparse. */
const PAGE = 4096;

interface Copy {
  readonly path: string;
  readonly temp: string;
  readonly size: number;
  readonly blocks: number;
  readonly atime: Date;
  readonly mtime: Date;
  readonly from: number;
  readonly to: number;
  done: number;
}

function isZeroPage(bytes: Uint8Array): boolean {
  const words = new BigUint64Array(bytes.buffer, bytes.byteOffset, bytes.length / 8);
  for (const word of words) if (word !== 0n) return false;
  return true;
}

/**
 * Rewrites `paths` side by side, a {@link SLICE_BYTES} slice of one at a time, always of the file
 * least far through its length. Each keeps its bytes, size, times to the millisecond (a
 * differencing child checks its parent's) and allocated blocks: pages of zeros stay holes (a copy
 * that allocates more or fewer blocks than the original throws, so neither side can gain holes
 * the other lacks).
 * @throws Error when a copy does not allocate what its original did.
 */
export function placeSideBySide(paths: readonly string[]): void {
  const copies: Copy[] = [];
  try {
    for (const [i, path] of paths.entries()) copies.push(startCopy(path, `${path}.placing-${i}`));
    copySideBySide(copies);
    for (const c of copies) {
      ftruncateSync(c.to, c.size);
      const blocks = fstatSync(c.to).blocks;
      if (blocks !== c.blocks) {
        throw new Error(`${c.path}: its copy allocates ${blocks} blocks, not ${c.blocks}`);
      }
    }
  } catch (error) {
    for (const c of copies) rmSync(c.temp, { force: true });
    throw error;
  } finally {
    for (const c of copies) {
      closeSync(c.from);
      closeSync(c.to);
    }
  }
  for (const c of copies) {
    renameSync(c.temp, c.path);
    utimesSync(c.path, c.atime, c.mtime);
  }
}

/** Opens `path` to read and `temp`, new, to write. */
function startCopy(path: string, temp: string): Copy {
  const stats = statSync(path);
  const from = openSync(path, 'r');
  try {
    const to = openSync(temp, 'wx');
    const { size, blocks, atime, mtime } = stats;
    return { path, temp, size, blocks, atime, mtime, from, to, done: 0 };
  } catch (error) {
    closeSync(from);
    throw error;
  }
}

/** Copies a slice at a time, always of the copy least far through its file. */
function copySideBySide(copies: readonly Copy[]): void {
  const slice = new Uint8Array(SLICE_BYTES);
  for (;;) {
    let next: Copy | undefined;
    for (const c of copies) {
      if (c.done >= c.size) continue;
      if (next === undefined || c.done / c.size < next.done / next.size) next = c;
    }
    if (next === undefined) return;
    const want = Math.min(SLICE_BYTES, next.size - next.done);
    const n = readSync(next.from, slice, 0, want, next.done);
    if (n === 0) throw new Error(`${next.path} ended at ${next.done} of ${next.size} bytes`);
    for (let at = 0; at < n; at += PAGE) {
      const page = slice.subarray(at, Math.min(at + PAGE, n));
      if (page.length < PAGE || !isZeroPage(page)) {
        writeSync(next.to, page, 0, page.length, next.done + at);
      }
    }
    next.done += n;
  }
}
