/**
 * Constants of the VHD v1.0 format, named as the specification names them.
 * @module
 */

/** Bytes in one sector; every VHD offset and size is counted in these. */
export const SECTOR_SIZE = 512;
/** Block size Microsoft's tools create: 2 MiB. */
export const DEFAULT_BLOCK_SIZE = 2 * 2 ** 20;
/** Largest virtual size we create: 2040 GiB (0xFF000000 sectors), the Hyper-V and QEMU cap. */
export const MAX_VIRTUAL_SIZE = 2040 * 2 ** 30;
/** Largest block size we open: 256 MiB (Microsoft creates 512 KiB and 2 MiB). */
export const MAX_BLOCK_SIZE = 256 * 2 ** 20;
/**
 * Most BAT entries we open: 2^24 (a 64 MiB table), enough for 2040 GiB in 128 KiB blocks
 * (Microsoft's tools use 512 KiB and 2 MiB). A larger table is `SIZE_TOO_LARGE`, on creation and
 * on opening, so a large sparse file cannot make us read and scan what a field claims. Tables
 * are never held whole: their pages are read on demand within `BAT_CACHE_BYTES`.
 */
export const MAX_TABLE_ENTRIES = 2 ** 24;
/** Longest parent path we write in a locator: 32767 UTF-16 units, the longest Windows path. */
export const MAX_LOCATOR_PATH_UNITS = 32_767;

/** Size of the hard disk footer. */
export const FOOTER_SIZE = 512;
/** Size of the footer written by tools older than Virtual PC 2004 (its last byte is missing). */
export const SHORT_FOOTER_SIZE = 511;
/**
 * Most bytes a fixed image's file grows by between two syncs when `resize` grows it, and so the
 * longest run of zeros at the end of a file an open looks back through for the footer a cut
 * grow left behind: 64 MiB.
 */
export const FIXED_GROW_STEP = 64 * 2 ** 20;
/** Size of the dynamic disk header. */
export const HEADER_SIZE = 1024;
/** Size of one parent locator entry in the dynamic header. */
export const LOCATOR_ENTRY_SIZE = 24;
/** Parent locator entries in a dynamic header. */
export const LOCATOR_COUNT = 8;
/** Bytes of the parent Unicode name field. */
export const PARENT_NAME_SIZE = 512;

/** Footer cookie. */
export const FOOTER_COOKIE = 'conectix';
/** Dynamic header cookie. */
export const HEADER_COOKIE = 'cxsparse';
/** Footer features: the disk is temporary. */
export const FEATURE_TEMPORARY = 0x1;
/** Footer features: reserved bit that must always be set. */
export const FEATURE_RESERVED = 0x2;
/** Footer file format version 1.0. */
export const FILE_FORMAT_VERSION = 0x00010000;
/** Dynamic header version 1.0. */
export const HEADER_VERSION = 0x00010000;

/**
 * A 64-bit field with all 64 bits set (0xFFFFFFFFFFFFFFFF), decoded by name: the fixed footer's
 * data offset and the dynamic header's data offset hold it. Other values are plain byte offsets.
 */
export const ALL_ONES_64 = -1;
/** A BAT entry with no block allocated. */
export const BLOCK_UNUSED = 0xffffffff;

/** Disk type codes of the footer. */
export const DISK_TYPE_CODES = {
  none: 0,
  fixed: 2,
  dynamic: 3,
  differencing: 4,
} as const;

/** Host OS codes of the footer. */
export const HOST_OS_CODES = {
  Wi2k: 0x5769326b,
  'Mac ': 0x4d616320,
} as const;

/** Parent locator platform codes. */
export const PLATFORM_CODES = {
  None: 0,
  /** Deprecated Windows relative path (8-bit characters). */
  Wi2r: 0x57693272,
  /** Deprecated Windows absolute path (8-bit characters). */
  Wi2k: 0x5769326b,
  /** Windows relative path, UTF-16LE. */
  W2ru: 0x57327275,
  /** Windows absolute path, UTF-16LE. */
  W2ku: 0x57326b75,
  /** Mac OS alias record. */
  Mac: 0x4d616320,
  /** Mac OS X file URL, UTF-8. */
  MacX: 0x4d616358,
} as const;

/** Unix milliseconds of the VHD epoch, 2000-01-01T00:00:00Z. */
export const VHD_EPOCH_MS = Date.UTC(2000, 0, 1);

/** Creator application we write unless told otherwise: `vsk ` (vskit). */
export const DEFAULT_CREATOR_APPLICATION = 'vsk ';
/** Creator version we write unless told otherwise: 1.0. */
export const DEFAULT_CREATOR_VERSION = 0x00010000;
/** Creator host OS we write unless told otherwise: `Wi2k`. */
export const DEFAULT_CREATOR_HOST_OS = HOST_OS_CODES.Wi2k;

/** Default limit on the number of layers in a chain. */
export const DEFAULT_MAX_CHAIN_DEPTH = 32;
