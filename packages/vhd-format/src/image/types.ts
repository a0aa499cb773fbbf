/**
 * The shapes of opened images and chains.
 * @module
 */

import type { DiskType } from '../layout.js';
import type { DynamicHeader } from '../structs/dynamic-header.js';
import type { Footer } from '../structs/footer.js';

/** What a differencing disk says about its parent. */
export interface ParentReference {
  /** The parent's UUID, as the child's header records it. */
  uniqueId: Uint8Array;
  /** The parent's modification time as recorded, VHD seconds. */
  timestamp: number;
  /** The parent's file name (header name; UTF-16BE, or LE when the bytes say so). */
  unicodeName: string;
  /**
   * Decoded locators in header order. `platform`: `W2ru`, `W2ku`, `Wi2r`, `Wi2k`, `Mac `, `MacX`.
   * `entry` is the index of the header entry the path came from (set by `openImage`).
   */
  locators: Array<{ platform: string; path: string; entry?: number }>;
}

/** One opened layer. */
export interface VhdImage {
  /** Fixed, dynamic or differencing. */
  readonly type: DiskType;
  /** The footer in use (the copy at 0 when a lenient open had to fall back to it). */
  readonly footer: Footer;
  /** The dynamic header (dynamic and differencing disks). */
  readonly header: DynamicHeader | undefined;
  /** Virtual size in bytes: the footer's current size. */
  readonly virtualSize: number;
  /** What a lenient open repaired or tolerated, and other remarks, in plain words. */
  readonly warnings: readonly string[];
  /** The parent as recorded (differencing only). */
  readonly parent: ParentReference | undefined;
  /** Block size in bytes (dynamic and differencing), else undefined. */
  readonly blockSize: number | undefined;
  /** Whether writes are allowed. */
  readonly writable: boolean;
  /** Blocks the BAT marks allocated (0 for fixed disks). */
  readonly allocatedBlockCount: number;
  /** Releases the image and closes its file. */
  close(): Promise<void>;
}

/** Options of `openImage`. */
export interface OpenImageOptions {
  /** Open for writing (default false). */
  writable?: boolean;
  /**
   * Refuse anything not exactly per the format (default false). A lenient open uses the
   * footer copy at 0 when the last footer is damaged, accepts 511-byte footers, footer and
   * header checksum mismatches, unreadable locators, a parent name stored UTF-16LE, and
   * overlapping blocks or structures (read-only), each with a warning.
   */
  strict?: boolean;
  /**
   * With `strict`, read a parent Unicode name stored UTF-16LE instead of refusing it
   * (`PARENT_NAME_BYTE_ORDER`), with a warning; everything else stays strict. Lenient opens
   * always read it. Default false.
   */
  acceptLittleEndianParentName?: boolean;
  /**
   * With `strict`, read an image whose trailing footer was never written (its last 512 bytes
   * are zeros) through its sound footer copy at 0, with a warning, instead of refusing it: the
   * one state a power cut can leave while a write grows a dynamic or differencing image (the
   * file's new size durable, the footer written at its new end not). Everything else stays
   * strict. The next write that grows the file, or a merge into it, writes the footer again.
   * Default false.
   */
  acceptUnwrittenFooter?: boolean;
}
