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
 * The largest geometry, 65535/16/255. Sizes above {@link MAX_CHS_SECTORS} get it, and readers
 * that size a disk by its geometry (QEMU) take the footer's current size instead when they see it.
 */
export const MAX_GEOMETRY: Readonly<Geometry> = Object.freeze({
  cylinders: 65535,
  heads: 16,
  sectorsPerTrack: 255,
});

/**
 * The geometry the specification's appendix gives a disk of `sizeBytes` (rounded down to whole
 * sectors). Sizes above the CHS maximum get 65535/16/255.
 */
export function geometryForSize(sizeBytes: number): Geometry {
  checkSize(sizeBytes);
  return geometryForSectors(Math.floor(sizeBytes / SECTOR_SIZE));
}

function checkSize(sizeBytes: number): void {
  if (!Number.isSafeInteger(sizeBytes) || sizeBytes < 0) {
    throw new VhdFormatError('INVALID_ARGUMENT', 'size must be a safe non-negative integer', {
      field: 'sizeBytes',
      value: sizeBytes,
    });
  }
}

/** The spec appendix's algorithm over a sector count. */
function geometryForSectors(totalSectors: number): Geometry {
  const ts = Math.min(totalSectors, MAX_CHS_SECTORS);
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

/** A size and the geometry that goes with it in a footer. */
export interface SizedGeometry {
  /** The current size, in bytes (a multiple of 512). */
  sizeBytes: number;
  /** The footer's geometry. */
  geometry: Geometry;
}

/**
 * The size and geometry of a new disk of at least `sizeBytes` that every reader sees at the same
 * size, the way qemu-img and Virtual PC size a new disk. The geometry is the spec's for the
 * smallest sector count n >= the requested count whose geometry addresses at least the
 * requested count; the size is that geometry's capacity, so readers that size by CHS (QEMU for
 * most creators, Virtual PC) and readers that take the current size agree. When the geometry
 * reached is {@link MAX_GEOMETRY} (requests of more than 65535 x 16 x 255 - 4080 sectors, about
 * 127.5 GiB), the size stays as asked: readers take the current size for that geometry.
 * `sizeBytes` is first rounded up to whole sectors.
 *
 * @example
 * ```ts
 * roundUpToChs(2 ** 30); // { sizeBytes: 1073995776, geometry: { cylinders: 2081, heads: 16, sectorsPerTrack: 63 } }
 * ```
 */
export function roundUpToChs(sizeBytes: number): SizedGeometry {
  checkSize(sizeBytes);
  const wanted = Math.ceil(sizeBytes / SECTOR_SIZE);
  for (let n = Math.min(wanted, MAX_CHS_SECTORS); ; n++) {
    const geometry = geometryForSectors(n);
    if (isMaxGeometry(geometry)) return { sizeBytes: wanted * SECTOR_SIZE, geometry };
    const capacity = chsCapacity(geometry);
    if (capacity >= wanted * SECTOR_SIZE) return { sizeBytes: capacity, geometry };
  }
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
