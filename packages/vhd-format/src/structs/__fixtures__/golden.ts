/**
 * Golden structures written by `qemu-img create -f vpc -o subformat=dynamic g.vhd 8M`
 * (QEMU 8.x): its footer and dynamic header, byte for byte (trailing zeros elided); and the
 * helpers the structure tests break them with, one field at a time.
 */

import { viewOf } from '../../codec/bytes.js';
import { vhdChecksum } from '../../codec/checksum.js';
import { isVhdFormatError, type VhdFormatErrorCode } from '../../errors.js';

function fromHex(hex: string, size: number): Uint8Array {
  const out = new Uint8Array(size);
  for (let i = 0; i < hex.length / 2; i++)
    out[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** QEMU's 512-byte footer: dynamic, 8390656 bytes (CHS 241/4/17), creator `qemu` 5.3, Wi2k. */
export function goldenFooter(): Uint8Array {
  return fromHex(
    '636f6e6563746978000000020001000000000000000002003299573071656d75000500035769326b' +
      '0000000000800800000000000080080000f1041100000003ffffed05cdd3ed4f065b4ba2a7e56da6e2348fa2',
    512,
  );
}

/** QEMU's 1024-byte dynamic header: BAT at 1536, 5 entries, 2 MiB blocks, no parent. */
export function goldenHeader(): Uint8Array {
  return fromHex(
    '6378737061727365ffffffffffffffff0000000000000600000100000000000500200000fffff472',
    1024,
  );
}

/**
 * `golden` after `edit`, with the checksum at `checksumOffset` then made right again unless
 * `fixChecksum` is false (so that a test reaches the check after the checksum).
 */
export function brokenCopy(
  golden: Uint8Array,
  checksumOffset: number,
  edit: (view: DataView, b: Uint8Array) => void,
  fixChecksum: boolean,
): Uint8Array {
  edit(viewOf(golden), golden);
  if (fixChecksum) viewOf(golden).setUint32(checksumOffset, vhdChecksum(golden, checksumOffset));
  return golden;
}

/** The `VhdFormatError` code `f` throws: `'none'` when it returns, `'other'` for any other throw. */
export function codeOf(f: () => unknown): VhdFormatErrorCode | 'none' | 'other' {
  try {
    f();
    return 'none';
  } catch (e) {
    return isVhdFormatError(e) ? e.code : 'other';
  }
}
