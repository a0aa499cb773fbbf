/**
 * Damage of the kinds `repair` mends, done to an image in memory: for repair's tests and
 * power-cut matrix.
 * @module
 */
import { FOOTER_SIZE } from '../constants.js';
import type { RandomAccessFile } from '../io.js';
import { HEADER_OFFSETS } from '../structs/dynamic-header.js';
import { FOOTER_OFFSETS } from '../structs/footer.js';

/** The kinds of damage. */
export const DAMAGE_KINDS = [
  'trailing-footer-zeroed',
  'footer-checksum-stale',
  'header-checksum-stale',
  'copy-damaged',
  'bytes-before-footer',
  'entry-past-end',
] as const;

/** One kind of damage. */
export type DamageKind = (typeof DAMAGE_KINDS)[number];

/** The kinds a fixed image can have (no copy, header or BAT). */
export const FIXED_DAMAGE_KINDS: readonly DamageKind[] = [
  'footer-checksum-stale',
  'bytes-before-footer',
];

async function readAt(file: RandomAccessFile, at: number, n: number): Promise<Uint8Array> {
  const out = new Uint8Array(n);
  await file.read(out, at);
  return out;
}

/** Adds 1 to the 32-bit big-endian value at `at`. */
async function bump(file: RandomAccessFile, at: number): Promise<void> {
  const b = await readAt(file, at, 4);
  const view = new DataView(b.buffer);
  view.setUint32(0, (view.getUint32(0) + 1) >>> 0);
  await file.write(b, at);
}

/**
 * Damages the image in `file` (dynamic or differencing, with a header at 512 and its BAT where
 * the header says; fixed for {@link FIXED_DAMAGE_KINDS}) as `kind` says. Resolves to false when
 * the damage could not be done (`entry-past-end` with every entry in use).
 */
export async function damage(file: RandomAccessFile, kind: DamageKind): Promise<boolean> {
  const size = await file.size();
  const footerPos = size - FOOTER_SIZE;
  switch (kind) {
    case 'trailing-footer-zeroed':
      await file.write(new Uint8Array(FOOTER_SIZE), footerPos);
      return true;
    case 'footer-checksum-stale':
      await bump(file, footerPos + FOOTER_OFFSETS.checksum);
      return true;
    case 'header-checksum-stale':
      await bump(file, FOOTER_SIZE + HEADER_OFFSETS.checksum);
      return true;
    case 'copy-damaged':
      await file.write(
        Uint8Array.from('garbage!', (c) => c.charCodeAt(0)),
        0,
      );
      return true;
    case 'bytes-before-footer': {
      const footer = await readAt(file, footerPos, FOOTER_SIZE);
      await file.write(new Uint8Array(3 * 512).fill(0xe5), footerPos);
      await file.write(footer, footerPos + 3 * 512);
      return true;
    }
    case 'entry-past-end': {
      const header = await readAt(file, FOOTER_SIZE, 1024);
      const view = new DataView(header.buffer);
      const tableOffset = view.getUint32(HEADER_OFFSETS.tableOffset + 4);
      const entries = view.getUint32(HEADER_OFFSETS.maxTableEntries);
      // The last unused entry (a used one would lose its block to the damage itself).
      const table = await readAt(file, tableOffset, entries * 4);
      const words = new DataView(table.buffer);
      let index = entries - 1;
      while (index >= 0 && words.getUint32(index * 4) !== 0xffffffff) index--;
      if (index < 0) return false;
      const entry = new Uint8Array(4);
      new DataView(entry.buffer).setUint32(0, Math.ceil(size / 512) + 100);
      await file.write(entry, tableOffset + index * 4);
      return true;
    }
  }
}
