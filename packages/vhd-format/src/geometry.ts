/**
 * CHS geometry, computed exactly as the VHD specification's appendix does, with integer
 * (floor) divisions throughout.
 * @module
 */
import { SECTOR_SIZE } from './constants.js';
import { VhdFormatError } from './errors.js';

/** Cylinders, heads and sectors per track, as the footer stores them. */
export interface Geometry {
  /** Cylinders (16 bits). */
  cylinders: number;
  /** Heads (8 bits). */
  heads: number;
  /** Sectors per track (8 bits). */
  sectorsPerTrack: number;
}

/** The largest sector count CHS can describe: 65535 x 16 x 255. */
export const MAX_CHS_SECTORS = 65535 * 16 * 255;

/**
 * The geometry the specification's appendix gives a disk of `sizeBytes` (rounded down to whole
 * sectors). Sizes above the CHS maximum get 65535/16/255.
 */
export function geometryForSize(sizeBytes: number): Geometry {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'size must be a safe non-negative integer', {
      field: 'sizeBytes',
      value: sizeBytes,
    });
  }
  const ts = Math.min(Math.floor(sizeBytes / SECTOR_SIZE), MAX_CHS_SECTORS);
  let sectorsPerTrack: number;
  let heads: number;
  let cylinderTimesHeads: number;
  if (ts >= 65535 * 16 * 63) {
    sectorsPerTrack = 255;
    heads = 16;
    cylinderTimesHeads = Math.floor(ts / sectorsPerTrack);
  } else {
    sectorsPerTrack = 17;
    cylinderTimesHeads = Math.floor(ts / sectorsPerTrack);
    heads = Math.max(4, Math.floor((cylinderTimesHeads + 1023) / 1024));
    if (cylinderTimesHeads >= heads * 1024 || heads > 16) {
      sectorsPerTrack = 31;
      heads = 16;
      cylinderTimesHeads = Math.floor(ts / sectorsPerTrack);
    }
    if (cylinderTimesHeads >= heads * 1024) {
      sectorsPerTrack = 63;
      heads = 16;
      cylinderTimesHeads = Math.floor(ts / sectorsPerTrack);
    }
  }
  return { cylinders: Math.floor(cylinderTimesHeads / heads), heads, sectorsPerTrack };
}

/** Bytes addressed by `g`: cylinders x heads x sectors per track x 512. */
export function chsCapacity(g: Geometry): number {
  return g.cylinders * g.heads * g.sectorsPerTrack * SECTOR_SIZE;
}

/**
 * Whether `g` is the largest geometry, 65535/16/255. Disk2vhd and QEMU (`force_size`) write it
 * on purpose to mean "take the current size, not the CHS capacity", so it never says the
 * geometry and the size disagree.
 */
export function isMaxGeometry(g: Geometry): boolean {
  return g.cylinders === 65535 && g.heads === 16 && g.sectorsPerTrack === 255;
}
