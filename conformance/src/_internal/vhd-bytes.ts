/**
 * Raw VHD bytes, written and read by offset straight from the VHD v1.0 specification. The suite
 * builds its parents and judges children with these, not with the implementation's codec, so a
 * codec bug cannot hide itself.
 *
 * | structure | offset | fields used here |
 * |---|---|---|
 * | footer (512) | end, and 0 for dynamic/differencing | cookie 0, features 8, version 12, data offset 16, timestamp 24, creator app 28, creator version 32, host OS 36, original size 40, current size 48, geometry 56, type 60, checksum 64, UUID 68, saved state 84 |
 * | dynamic header (1024) | 512 | cookie 0, data offset 8, table offset 16, version 24, max entries 28, block size 32, checksum 36, parent UUID 40, parent timestamp 56, parent name 64 (512, UTF-16BE), locators 576 (8 x 24) |
 * @module
 */

/** Offsets inside the 512-byte footer. */
export const FOOTER = {
  cookie: 0,
  features: 8,
  version: 12,
  dataOffset: 16,
  timestamp: 24,
  creatorApplication: 28,
  creatorVersion: 32,
  creatorHostOs: 36,
  originalSize: 40,
  currentSize: 48,
  geometry: 56,
  diskType: 60,
  checksum: 64,
  uniqueId: 68,
  savedState: 84,
} as const;

/** Offsets inside the 1024-byte dynamic header. */
export const HEADER = {
  cookie: 0,
  dataOffset: 8,
  tableOffset: 16,
  version: 24,
  maxTableEntries: 28,
  blockSize: 32,
  checksum: 36,
  parentUniqueId: 40,
  parentTimestamp: 56,
  parentUnicodeName: 64,
  parentLocators: 576,
} as const;

/** Seconds between 1970-01-01 and 2000-01-01 (the VHD epoch). */
export const VHD_EPOCH_SECONDS = 946_684_800;

const view = (bytes: Uint8Array): DataView =>
  new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Reads a big-endian unsigned 64-bit integer as a number (exact below 2**53). */
export function readU64(bytes: Uint8Array, offset: number): number {
  const dv = view(bytes);
  return dv.getUint32(offset) * 2 ** 32 + dv.getUint32(offset + 4);
}

/** Reads a big-endian unsigned 32-bit integer. */
export function readU32(bytes: Uint8Array, offset: number): number {
  return view(bytes).getUint32(offset);
}

/** Reads `length` bytes as 8-bit characters. */
export function readAscii(bytes: Uint8Array, offset: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(offset, offset + length));
}

function writeU64(bytes: Uint8Array, offset: number, value: number): void {
  const dv = view(bytes);
  dv.setUint32(offset, Math.floor(value / 2 ** 32));
  dv.setUint32(offset + 4, value % 2 ** 32);
}

function writeAscii(bytes: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < text.length; i++) bytes[offset + i] = text.charCodeAt(i);
}

/** The one's complement of the byte sum, skipping the 4-byte checksum field. */
export function checksum(bytes: Uint8Array, checksumOffset: number): number {
  let sum = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (i >= checksumOffset && i < checksumOffset + 4) continue;
    sum = (sum + (bytes[i] as number)) >>> 0;
  }
  return ~sum >>> 0;
}

/** The CHS geometry of the VHD specification's algorithm, packed as footer bytes 56..59. */
export function geometryBytes(sizeBytes: number): Uint8Array {
  let totalSectors = Math.floor(sizeBytes / 512);
  if (totalSectors > 65535 * 16 * 255) totalSectors = 65535 * 16 * 255;
  let sectorsPerTrack: number;
  let heads: number;
  let cylinderTimesHeads: number;
  if (totalSectors >= 65535 * 16 * 63) {
    sectorsPerTrack = 255;
    heads = 16;
    cylinderTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
  } else {
    sectorsPerTrack = 17;
    cylinderTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
    heads = Math.floor((cylinderTimesHeads + 1023) / 1024);
    if (heads < 4) heads = 4;
    if (cylinderTimesHeads >= heads * 1024 || heads > 16) {
      sectorsPerTrack = 31;
      heads = 16;
      cylinderTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
    }
    if (cylinderTimesHeads >= heads * 1024) {
      sectorsPerTrack = 63;
      heads = 16;
      cylinderTimesHeads = Math.floor(totalSectors / sectorsPerTrack);
    }
  }
  const cylinders = Math.floor(cylinderTimesHeads / heads);
  return Uint8Array.of(cylinders >> 8, cylinders & 0xff, heads, sectorsPerTrack);
}

/** What a footer built here says. */
export interface FooterFields {
  readonly diskType: 2 | 3 | 4;
  readonly sizeBytes: number;
  readonly timestamp: number;
  readonly uniqueId: Uint8Array;
}

/** A valid 512-byte footer. */
export function buildFooter(fields: FooterFields): Uint8Array {
  const bytes = new Uint8Array(512);
  writeAscii(bytes, FOOTER.cookie, 'conectix');
  view(bytes).setUint32(FOOTER.features, 2);
  view(bytes).setUint32(FOOTER.version, 0x00010000);
  if (fields.diskType !== 2) writeU64(bytes, FOOTER.dataOffset, 512);
  else {
    view(bytes).setUint32(FOOTER.dataOffset, 0xffffffff);
    view(bytes).setUint32(FOOTER.dataOffset + 4, 0xffffffff);
  }
  view(bytes).setUint32(FOOTER.timestamp, fields.timestamp);
  writeAscii(bytes, FOOTER.creatorApplication, 'vsct');
  view(bytes).setUint32(FOOTER.creatorVersion, 0x00010000);
  writeAscii(bytes, FOOTER.creatorHostOs, 'Wi2k');
  writeU64(bytes, FOOTER.originalSize, fields.sizeBytes);
  writeU64(bytes, FOOTER.currentSize, fields.sizeBytes);
  bytes.set(geometryBytes(fields.sizeBytes), FOOTER.geometry);
  view(bytes).setUint32(FOOTER.diskType, fields.diskType);
  bytes.set(fields.uniqueId.subarray(0, 16), FOOTER.uniqueId);
  view(bytes).setUint32(FOOTER.checksum, checksum(bytes, FOOTER.checksum));
  return bytes;
}

/** A valid dynamic header with no parent, BAT at 1536. */
export function buildDynamicHeader(sizeBytes: number, blockBytes: number): Uint8Array {
  const bytes = new Uint8Array(1024);
  writeAscii(bytes, HEADER.cookie, 'cxsparse');
  view(bytes).setUint32(HEADER.dataOffset, 0xffffffff);
  view(bytes).setUint32(HEADER.dataOffset + 4, 0xffffffff);
  writeU64(bytes, HEADER.tableOffset, 1536);
  view(bytes).setUint32(HEADER.version, 0x00010000);
  view(bytes).setUint32(HEADER.maxTableEntries, Math.ceil(sizeBytes / blockBytes));
  view(bytes).setUint32(HEADER.blockSize, blockBytes);
  view(bytes).setUint32(HEADER.checksum, checksum(bytes, HEADER.checksum));
  return bytes;
}

/** A file as a length and the ranges that are not zero (so big fixed images stay sparse). */
export interface SparseImage {
  readonly length: number;
  readonly extents: ReadonlyArray<{ readonly offset: number; readonly bytes: Uint8Array }>;
}

/** The bytes every parent the suite builds holds at virtual offset 0 (the rest reads as zeros). */
export const PARENT_PATTERN: Uint8Array = Uint8Array.from(
  { length: 4096 },
  (_, i) => (i * 7 + 3) & 0xff,
);

/** A run of 0xFF bytes (unused BAT entries), grown to the longest asked for and shared. */
let ones = new Uint8Array(0);

/** `length` bytes of 0xFF, shared: never written to (a file write copies them). */
function onesOf(length: number): Uint8Array {
  if (ones.length < length) ones = new Uint8Array(length).fill(0xff);
  return ones.subarray(0, length);
}

/** A dynamic disk of `sizeBytes` with 2 MiB blocks; block 0 holds {@link PARENT_PATTERN}. */
export function dynamicImage(
  sizeBytes: number,
  timestamp: number,
  uniqueId: Uint8Array,
): SparseImage {
  const block = 2 * 1024 * 1024;
  const entries = Math.ceil(sizeBytes / block);
  const batBytes = Math.ceil((entries * 4) / 512) * 512;
  const footer = buildFooter({ diskType: 3, sizeBytes, timestamp, uniqueId });
  const blockAt = 1536 + batBytes;
  // The header, then the BAT's first sector: entry 0 names block 0, every other entry is unused.
  const head = new Uint8Array(1024 + 512).fill(0xff);
  head.set(buildDynamicHeader(sizeBytes, block), 0);
  view(head).setUint32(1024, blockAt / 512);
  const bitmap = new Uint8Array(512);
  bitmap[0] = 0xff; // the first 8 sectors hold data
  const length = blockAt + 512 + block + 512;
  return {
    length,
    extents: [
      { offset: 0, bytes: footer },
      { offset: 512, bytes: head },
      ...(batBytes > 512 ? [{ offset: 2048, bytes: onesOf(batBytes - 512) }] : []),
      { offset: blockAt, bytes: bitmap },
      { offset: blockAt + 512, bytes: PARENT_PATTERN },
      { offset: length - 512, bytes: footer },
    ],
  };
}

/** A fixed disk of `sizeBytes`: {@link PARENT_PATTERN}, zeros, then the footer. */
export function fixedImage(
  sizeBytes: number,
  timestamp: number,
  uniqueId: Uint8Array,
): SparseImage {
  const footer = buildFooter({ diskType: 2, sizeBytes, timestamp, uniqueId });
  const pattern = PARENT_PATTERN.subarray(0, Math.min(PARENT_PATTERN.length, sizeBytes));
  return {
    length: sizeBytes + 512,
    extents: [
      { offset: 0, bytes: pattern },
      { offset: sizeBytes, bytes: footer },
    ],
  };
}

/** Decodes UTF-16 (either byte order) without a BOM. */
export function decodeUtf16(bytes: Uint8Array, littleEndian: boolean): string {
  let out = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const unit = littleEndian
      ? (bytes[i] as number) | ((bytes[i + 1] as number) << 8)
      : ((bytes[i] as number) << 8) | (bytes[i + 1] as number);
    out += String.fromCharCode(unit);
  }
  return out;
}

/** Encodes UTF-16 in either byte order. */
export function encodeUtf16(text: string, littleEndian: boolean): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    out[2 * i] = littleEndian ? unit & 0xff : unit >> 8;
    out[2 * i + 1] = littleEndian ? unit >> 8 : unit & 0xff;
  }
  return out;
}

/** VHD seconds of a date. */
export function vhdSeconds(date: Date): number {
  return Math.floor(date.getTime() / 1000) - VHD_EPOCH_SECONDS;
}

/** One parent locator entry of a differencing header built here. */
export interface LocatorSpec {
  /** Platform code: `W2ru`, `W2ku`, ... */
  readonly code: string;
  /** The path, stored UTF-16LE. */
  readonly path: string;
  /** How the data space field is written (default bytes, as Microsoft's tools do). */
  readonly spaceIn?: 'bytes' | 'sectors';
}

/** What a differencing disk built here records. */
export interface DifferencingFields {
  readonly sizeBytes: number;
  readonly timestamp: number;
  readonly uniqueId: Uint8Array;
  readonly parentUniqueId: Uint8Array;
  readonly parentTimestamp: number;
  /** The parent Unicode name (UTF-16BE unless `nameLittleEndian`). */
  readonly parentName: string;
  readonly nameLittleEndian?: boolean;
  /** Up to 8 locators, in entry order. */
  readonly locators: readonly LocatorSpec[];
}

/**
 * A whole differencing disk with 2 MiB blocks and nothing allocated: footer copy, dynamic header
 * with the parent fields and locator entries, an empty BAT, each locator's data in its own
 * 512-byte sector after the BAT, and the footer.
 */
export function differencingImage(fields: DifferencingFields): Uint8Array {
  const block = 2 * 1024 * 1024;
  const entries = Math.ceil(fields.sizeBytes / block);
  const batBytes = Math.ceil((entries * 4) / 512) * 512;
  const locators = fields.locators.slice(0, 8);
  const dataAt = 1536 + batBytes;
  const spaces = locators.map((l) => Math.max(512, Math.ceil((l.path.length * 2) / 512) * 512));
  const length = dataAt + spaces.reduce((a, b) => a + b, 0) + 512;
  const bytes = new Uint8Array(length);
  const footer = buildFooter({
    diskType: 4,
    sizeBytes: fields.sizeBytes,
    timestamp: fields.timestamp,
    uniqueId: fields.uniqueId,
  });
  bytes.set(footer, 0);
  bytes.set(footer, length - 512);
  const header = buildDynamicHeader(fields.sizeBytes, block);
  const hv = view(header);
  header.set(fields.parentUniqueId.subarray(0, 16), HEADER.parentUniqueId);
  hv.setUint32(HEADER.parentTimestamp, fields.parentTimestamp);
  header.set(
    encodeUtf16(fields.parentName.slice(0, 256), fields.nameLittleEndian ?? false),
    HEADER.parentUnicodeName,
  );
  let at = dataAt;
  locators.forEach((locator, i) => {
    const entry = HEADER.parentLocators + 24 * i;
    const data = encodeUtf16(locator.path, true);
    const space = spaces[i] as number;
    writeAscii(header, entry, locator.code);
    hv.setUint32(entry + 4, locator.spaceIn === 'sectors' ? space / 512 : space);
    hv.setUint32(entry + 8, data.length);
    writeU64(header, entry + 16, at);
    bytes.set(data, at);
    at += space;
  });
  hv.setUint32(HEADER.checksum, checksum(header, HEADER.checksum));
  bytes.set(header, 512);
  bytes.fill(0xff, 1536, 1536 + batBytes);
  return bytes;
}

/** Where `file`'s footer copies start: its last 512 bytes, and 0 when a copy is there. */
export function footerStarts(file: { readonly length: number; readonly head: Uint8Array }) {
  const starts = [file.length - 512];
  if (file.length >= 1024 && readAscii(file.head, 0, 8) === 'conectix') starts.push(0);
  return starts;
}

/** Applies `edit` to a 512-byte footer in place and makes its checksum right again. */
export function rewriteFooter(footer: Uint8Array, edit: (footer: DataView) => void): void {
  edit(view(footer));
  view(footer).setUint32(FOOTER.checksum, checksum(footer, FOOTER.checksum));
}

/**
 * `file` (a whole VHD) with every footer copy's disk type set to `diskType` and its checksum
 * made right again: the last 512 bytes, and the copy at offset 0 when it is one.
 */
export function withDiskType(file: Uint8Array, diskType: number): Uint8Array {
  const out = file.slice();
  for (const start of footerStarts({ length: out.length, head: out })) {
    rewriteFooter(out.subarray(start, start + 512), (f) => f.setUint32(FOOTER.diskType, diskType));
  }
  return out;
}
