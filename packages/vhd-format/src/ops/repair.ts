/**
 * Repair: mends what the structural pass finds and can be mended without guessing at data
 * (`vhd-util repair`, `VBoxManage repair`). Every change is reported; a dry run only reports.
 * @module
 */
import {
  BLOCK_UNUSED,
  DISK_TYPE_CODES,
  FOOTER_SIZE,
  HEADER_SIZE,
  SECTOR_SIZE,
} from '../constants.js';
import { VhdFormatError } from '../errors.js';
import { type RandomAccessFile, readExactly } from '../io.js';
import { roundUpToSector } from '../layout.js';
import { encodeDynamicHeader } from '../structs/dynamic-header.js';
import { decodeFooter, encodeFooter } from '../structs/footer.js';
import { bitmapByteSize } from '../structs/sector-bitmap.js';
import { blockProblems, metadataExtents } from '../validate/extents.js';
import type { CheckProblem } from '../validate/findings.js';
import { checkSink } from '../validate/sinks.js';
import { validateStructure } from '../validate/structure.js';
import { advance, type OperationOptions } from './options.js';
import { metadataRanges } from './used-space.js';

/** Options of {@link repair}. */
export interface RepairOptions extends OperationOptions {
  /** Only report what would change; write nothing (default false). */
  dryRun?: boolean;
}

/** The kinds of change {@link repair} makes. */
export type RepairChangeKind =
  /** A BAT entry whose block lies past the end of the data, set unused. */
  | 'bat-entry-cleared'
  /** The dynamic header rewritten with its checksum right (nothing else differed). */
  | 'header-checksum-fixed'
  /** The trailing footer rewritten from the footer in use (the copy at 0, or itself re-summed). */
  | 'footer-rewritten'
  /** The footer copy at offset 0 rewritten from the footer in use. */
  | 'footer-copy-rewritten'
  /** Bytes between the end of the data and the footer given back: footer moved, file cut. */
  | 'trailing-bytes-truncated';

/** One change, as made (or, in a dry run, as it would be made). */
export interface RepairChange {
  /** What changed. */
  kind: RepairChangeKind;
  /** Byte offset in the file of what was written or cut. */
  offset: number;
  /** In plain words, with the values concerned. */
  detail: string;
}

/** What {@link repair} did. */
export interface RepairResult {
  /** Every change, in the order made. */
  changes: RepairChange[];
  /** Whether they were only reported (`dryRun`). */
  dryRun: boolean;
  /** What `check` finds that repair does not mend (overlapping blocks, bad fields, ...): after the repair, or before it in a dry run. */
  remaining: CheckProblem[];
}

/**
 * Repairs the image in `file`, deciding from the structural pass's findings (the rules `check`
 * and `openImage` use): it mends only what it can without guessing at data, in this order, each
 * step synced before the next:
 *
 * 1. BAT entries placing a block past the end of the data (`BAT_ENTRY_OUT_OF_RANGE`): set unused
 *    (the block's bytes are not in the file; the sectors read as zeros or from the parent).
 * 2. A header whose checksum alone is stale (`BAD_CHECKSUM` of the header): rewritten.
 * 3. The trailing footer, when it is not the footer in use (a damaged or zeroed one, rebuilt
 *    from the copy at 0) or its checksum is stale; and bytes between the end of the data (last
 *    block or metadata) and the footer, or zeros after a fixed disk's footer (a grow cut short):
 *    the footer is written after the data, then the file cut after it.
 * 4. The copy at 0 (dynamic and differencing), when it differs from the footer in use.
 *
 * The footer in use is the one `openImage` reads (the trailing one, else the copy at 0). Nothing
 * else is touched: overlapping blocks or metadata, bad fields and parent problems stay, listed in
 * `remaining`. A file with no readable footer at either end, or a header that cannot be read,
 * cannot be repaired: `UNREPAIRABLE`, naming the pass's first error. With `dryRun`, the changes are computed
 * and nothing is written.
 *
 * @example
 * ```ts
 * const { changes } = await repair(file, { dryRun: true });
 * for (const c of changes) console.log(c.kind, c.offset, c.detail);
 * ```
 */
export async function repair(file: RandomAccessFile, o: RepairOptions = {}): Promise<RepairResult> {
  const dryRun = o.dryRun === true;
  const problems: CheckProblem[] = [];
  const found = await validateStructure(file, checkSink(problems));
  if (found === undefined) {
    const first = problems.find((p) => p.severity === 'error');
    throw new VhdFormatError(
      'UNREPAIRABLE',
      `nothing to repair from: ${first === undefined ? 'no footer can be read' : `${first.code}: ${first.message}`}`,
      { ...(first?.field === undefined ? {} : { field: first.field }), value: first?.code },
    );
  }
  const changes: RepairChange[] = [];
  const write = async (bytes: Uint8Array, at: number) => {
    if (!dryRun) await file.write(bytes, at);
  };
  const sync = async () => {
    if (!dryRun) await file.sync();
  };
  advance(o, 0, 4);

  // 1. Entries past the end of the data.
  let dataEnd = 0;
  if (found.type !== 'fixed') {
    const { header, table, footer } = found;
    const stride = bitmapByteSize(header.blockSize) + header.blockSize;
    const differencing = footer.diskType === DISK_TYPE_CODES.differencing;
    const extents = metadataExtents(
      footer.dataOffset,
      header,
      found.footerPos,
      found.fileSize,
      differencing,
    );
    const cleared = new Set<number>();
    for (const p of await blockProblems(
      table,
      stride,
      found.footerPos,
      extents,
      header.tableOffset,
      Number.POSITIVE_INFINITY,
    )) {
      if (p.code !== 'BAT_ENTRY_OUT_OF_RANGE' || p.offset === undefined) continue;
      const index = (p.offset - header.tableOffset) / 4;
      cleared.add(index);
      changes.push({ kind: 'bat-entry-cleared', offset: p.offset, detail: p.message });
      if (!dryRun) await table.set(index, BLOCK_UNUSED);
    }
    if (cleared.size > 0) await sync();
    for (const [, end] of metadataRanges(found)) dataEnd = Math.max(dataEnd, end);
    await table.forEachAllocated((index, sector) => {
      if (!cleared.has(index)) dataEnd = Math.max(dataEnd, sector * SECTOR_SIZE + stride);
    });
    advance(o, 1, 4);

    // 2. The header's checksum.
    const stored = new Uint8Array(HEADER_SIZE);
    await readExactly(file, stored, footer.dataOffset, 'header');
    const sound = encodeDynamicHeader(header);
    if (!sameBytes(stored, sound)) {
      changes.push({
        kind: 'header-checksum-fixed',
        offset: footer.dataOffset,
        detail: `header checksum ${hex(header.checksum)} rewritten as ${hex(new DataView(sound.buffer).getUint32(36))}`,
      });
      await write(sound, footer.dataOffset);
      await sync();
    }
  } else {
    dataEnd = found.footer.currentSize;
  }
  advance(o, 2, 4);

  // 3. The trailing footer, after the data.
  const footerBytes = encodeFooter(found.footer);
  // Never past the footer: data reaching beyond it (a fixed disk cut short) is left as it is.
  const at = Math.min(roundUpToSector(dataEnd), found.footerPos);
  const trailing = new Uint8Array(FOOTER_SIZE);
  const n = await file.read(trailing, found.footerPos);
  const trailingSound = n === FOOTER_SIZE && sameBytes(trailing, footerBytes);
  // Zeros after a fixed disk's footer (a grow cut short) go the same way.
  if (at < found.footerPos || found.fileSize > found.footerPos + FOOTER_SIZE) {
    changes.push({
      kind: 'trailing-bytes-truncated',
      offset: at,
      detail: `${found.fileSize - at - FOOTER_SIZE} bytes between the end of the data at ${at} and the end of the file given back; the footer written at ${at}`,
    });
    await write(footerBytes, at);
    await sync();
    if (!dryRun) await file.truncate(at + FOOTER_SIZE);
    await sync();
  } else if (!trailingSound) {
    changes.push({
      kind: 'footer-rewritten',
      offset: found.footerPos,
      detail: footerFix('footer', trailing.subarray(0, n), 'the copy at 0'),
    });
    await write(footerBytes, found.footerPos);
    await sync();
  }
  advance(o, 3, 4);

  // 4. The copy at 0.
  if (found.type !== 'fixed') {
    const copy = new Uint8Array(FOOTER_SIZE);
    await readExactly(file, copy, 0, 'footer copy');
    if (!sameBytes(copy, footerBytes)) {
      changes.push({
        kind: 'footer-copy-rewritten',
        offset: 0,
        detail: footerFix('footer copy at 0', copy, 'the footer at the end'),
      });
      await write(footerBytes, 0);
      await sync();
    }
  }
  o.onProgress?.(4, 4);

  const after: CheckProblem[] = [];
  if (dryRun) after.push(...problems);
  else await validateStructure(file, checkSink(after));
  const mended = new Set([
    'BAT_ENTRY_OUT_OF_RANGE',
    'BAD_CHECKSUM',
    'FOOTER_COPY_MISMATCH',
    'BAD_COOKIE',
    'BYTES_BEFORE_FOOTER',
    'SHORT_FOOTER',
  ]);
  const remaining = dryRun && changes.length > 0 ? after.filter((p) => !mended.has(p.code)) : after;
  return { changes, dryRun, remaining };
}

/**
 * Why the footer bytes `stored` (`what`: the trailing footer or the copy) are rewritten as the
 * footer in use: damaged past decoding (rebuilt from the other), a stale checksum only, or
 * another footer than the one in use.
 */
function footerFix(what: string, stored: Uint8Array, other: string): string {
  let why: string;
  try {
    decodeFooter(stored, { verifyChecksum: false });
    try {
      decodeFooter(stored);
      why = `it differed from ${other}; made equal to it`;
    } catch {
      why = 'its checksum was stale; re-summed';
    }
  } catch (e) {
    why = `${e instanceof Error ? e.message : String(e)}; rebuilt from ${other}`;
  }
  return `${what}: ${why}`;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}
