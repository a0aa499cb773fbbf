/**
 * What the structural pass finds, and where it sends it. Each finding carries its code, how bad
 * it is for `check`, and what an open does about it; a sink decides: `openImage` throws at the
 * first finding it refuses and keeps the rest as warnings, `check` collects them all.
 * @module
 */

import type { VhdFormatError, VhdFormatErrorCode } from '../errors.js';

/** Codes only `check` reports: remarks and problems no open refuses. */
export const CHECK_ONLY_CODES = [
  /** The footer copy at offset 0 differs from the footer at the end. */
  'FOOTER_COPY_MISMATCH',
  /** The footer's features lack the reserved bit 0x2. */
  'BAD_FEATURES',
  /** The current size is not a multiple of 512. */
  'UNALIGNED_SIZE',
  /** The CHS capacity is larger than the current size (the maximum geometry excepted). */
  'GEOMETRY_EXCEEDS_SIZE',
  /** The disk is marked as being in a saved state. */
  'SAVED_STATE',
  /** A fixed disk's file holds bytes between its data and its footer. */
  'BYTES_BEFORE_FOOTER',
  /** The BAT offset is not a multiple of 512. */
  'UNALIGNED_TABLE',
  /** A differencing disk records no parent name. */
  'NO_PARENT_NAME',
  /** A parent locator has a platform code no tool writes. */
  'UNKNOWN_PLATFORM',
  /** A parent locator's data is longer than its data space. */
  'LOCATOR_SPACE',
  /** A differencing disk has no parent locators. */
  'NO_LOCATORS',
  /** The parent file was modified at another time than the child records. */
  'PARENT_TIMESTAMP_MISMATCH',
  /** The parent's virtual size differs from the child's. */
  'PARENT_SIZE_MISMATCH',
] as const;

/** A stable code of a {@link CheckProblem}: an error code, or one `check` alone reports. */
export type CheckCode = VhdFormatErrorCode | (typeof CHECK_ONLY_CODES)[number];

/** One problem found by `check`. Codes are stable. */
export interface CheckProblem {
  /** Stable code, e.g. `BAD_CHECKSUM`, `FOOTER_COPY_MISMATCH`, `OVERLAPPING_BLOCKS`. */
  code: CheckCode;
  /** `error`: the image is damaged; `warning`: unusual but readable. */
  severity: 'error' | 'warning';
  /** What is wrong, in plain words. */
  message: string;
  /** The field concerned, if one is. */
  field?: string;
  /** Byte offset in the file, if known. */
  offset?: number;
}

/**
 * What an open does about a finding:
 * - `refuse`: every open refuses the image (it cannot be read);
 * - `strict`: a strict open refuses it; a lenient one reads on (repairing in memory) with a warning;
 * - `writable`: a strict or writable open refuses it; a lenient read-only open reads on, warned;
 * - `warn`: every open reads on, with a warning;
 * - `quiet`: every open reads on and says nothing (only `check` lists it);
 * - `unwritten`: a trailing footer never written (the file's last 512 bytes are zeros) while
 *   the copy at 0 is sound, the state a power cut leaves when a file's new size outlived the
 *   write that grew it: refused like `strict`, unless the open accepts unwritten footers.
 */
export type OpenPolicy = 'refuse' | 'strict' | 'unwritten' | 'writable' | 'warn' | 'quiet';

interface FindingFields {
  /** How `check` counts it. */
  readonly severity: 'error' | 'warning';
  /** What is wrong, in plain words, without the code. */
  readonly message: string;
  /** What a lenient open does instead of refusing, appended to its warning (`read anyway`). */
  readonly repair?: string;
  /** The field concerned. */
  readonly field?: string;
  /** Byte offset in the file. */
  readonly offset?: number;
  /** The offending value (kept on the error an open throws). */
  readonly value?: unknown;
}

/** A finding an open may refuse: its code is an error code. */
export interface RefusableFinding extends FindingFields {
  readonly code: VhdFormatErrorCode;
  readonly open: 'refuse' | 'strict' | 'unwritten' | 'writable';
}

/** A finding no open refuses. */
export interface RemarkFinding extends FindingFields {
  readonly code: CheckCode;
  readonly open: 'warn' | 'quiet';
}

/** One thing the structural pass found. */
export type Finding = RefusableFinding | RemarkFinding;

/** A finding after which the pass cannot go on: every open refuses it. */
export interface StoppingFinding extends RefusableFinding {
  readonly open: 'refuse';
}

/**
 * Where the pass sends its findings. `stop` receives a finding the pass cannot go past and
 * returns what the pass then returns (`never` for a sink that throws).
 */
export interface FindingSink<Stopped> {
  /** Takes one finding; may throw to end the pass. */
  report(finding: Finding): void;
  /** Takes a finding the pass cannot go past; the pass returns what this returns. */
  stop(finding: StoppingFinding): Stopped;
  /** Most block problems worth finding (they can number in the millions). */
  readonly blockLimit: number;
}

/**
 * The finding for an error a decoder threw at a structure read at file offset `base`: its code,
 * its bare message (after `label: ` when given), its field, and its offset moved to the file.
 */
export function fromDecodeError<P extends Finding['open']>(
  e: VhdFormatError,
  where: { base: number; label?: string },
  open: P,
  repair?: string,
): { code: VhdFormatErrorCode; open: P } & FindingFields {
  return {
    code: e.code,
    open,
    severity: 'error',
    message: where.label === undefined ? e.detail : `${where.label}: ${e.detail}`,
    ...(repair === undefined ? {} : { repair }),
    ...(e.field === undefined ? {} : { field: e.field }),
    ...(e.offset === undefined ? {} : { offset: where.base + e.offset }),
    value: e.value,
  };
}
