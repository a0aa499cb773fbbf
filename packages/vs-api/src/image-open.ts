/**
 * How vs-api opens existing images: strictly, so any structural defect (cookie, checksum,
 * header, truncation, locator data outside the file, overlapping blocks, a 511-byte footer or a
 * footer only readable from its copy) is an invalid file, except what SEMANTICS.md "Opening a
 * chain" says to accept: a parent name stored in the other UTF-16 byte order, and a trailing
 * footer never written (the file's last 512 bytes zeros, its copy at 0 sound: what a power cut
 * leaves while a write or a Merge grows an image; the next Merge or growing write writes it).
 * Those two tolerances are options of vhd-format's strict open, so nothing else is relaxed.
 * @module
 */

/** The options every vs-api open of an existing image passes to vhd-format. */
export const STRICT_OPEN = {
  strict: true,
  acceptLittleEndianParentName: true,
  acceptUnwrittenFooter: true,
} as const;
