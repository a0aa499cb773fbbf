/**
 * The virtual size QEMU gives an image, which is not always the footer's current size.
 * @module
 */
import { chsCapacity, type Geometry, isMaxGeometry } from './geometry.js';

/**
 * Creator applications whose images QEMU 7.2 sizes by the footer's current size: Hyper-V and
 * Windows (`win `), QEMU's own dynamic images (`qem2`), Disk2vhd (`d2v `), Citrix (`CTXS`) and
 * blktap (`tap\0`). QEMU sizes the images of every other creator (Virtual PC's `vpc `, Virtual
 * Server's `vs  `, vskit's `vsk `, ...) by their CHS geometry.
 */
export const QEMU_CURRENT_SIZE_CREATORS: readonly string[] = Object.freeze([
  'win ',
  'qem2',
  'd2v ',
  'CTXS',
  'tap\0',
]);

/** The footer fields QEMU sizes an image from. */
export interface QemuSizedFooter {
  /** Creator application, four characters. */
  creatorApplication: string;
  /** Current size in bytes. */
  currentSize: number;
  /** CHS geometry. */
  geometry: Geometry;
}

/**
 * The virtual size QEMU 7.2 (`qemu-img info`, `qemu-io`, `qemu-img convert`) gives an image with
 * this footer: the current size when the creator is one of {@link QEMU_CURRENT_SIZE_CREATORS} or
 * the geometry is the 65535/16/255 maximum, else the CHS capacity. (QEMU's
 * `force_size_calc=current_size` open option always takes the current size.)
 *
 * @example
 * ```ts
 * // 10 MiB asked for exactly, creator `vsk `: QEMU shows 301/4/17, 6 KiB less.
 * qemuVirtualSize({ creatorApplication: 'vsk ', currentSize: 10485760, geometry: geometryForSize(10485760) }); // 10479616
 * ```
 */
export function qemuVirtualSize(footer: QemuSizedFooter): number {
  if (QEMU_CURRENT_SIZE_CREATORS.includes(footer.creatorApplication)) return footer.currentSize;
  if (isMaxGeometry(footer.geometry)) return footer.currentSize;
  return chsCapacity(footer.geometry);
}
