/**
 * Errors as values with stable codes. Every failure the package reports is a
 * {@link VhdFormatError}; its `code` never changes meaning between versions.
 * @module
 */

/** Every stable code a {@link VhdFormatError} can carry. */
export const VHD_FORMAT_ERROR_CODES = [
  /** The footer cookie is not `conectix`. */
  'BAD_COOKIE',
  /** A footer or header checksum does not match its bytes. */
  'BAD_CHECKSUM',
  /** The file or a structure ends too early. */
  'TRUNCATED',
  /** The footer or header version is not 1.x. */
  'UNSUPPORTED_VERSION',
  /** The footer's disk type is not fixed, dynamic or differencing. */
  'BAD_DISK_TYPE',
  /** The dynamic header cookie is not `cxsparse`. */
  'BAD_HEADER_COOKIE',
  /** The block size is not a power of two between 512 bytes and 256 MiB. */
  'BAD_BLOCK_SIZE',
  /** A BAT entry points past the end of the file. */
  'BAT_ENTRY_OUT_OF_RANGE',
  /** Two blocks, or a block and the metadata, share bytes. */
  'OVERLAPPING_BLOCKS',
  /** Two metadata structures (footer copy, header, BAT, locator data, footer) share bytes. */
  'OVERLAPPING_METADATA',
  /** The footer is 511 bytes long (written before Virtual PC 2004); refused by strict opens. */
  'SHORT_FOOTER',
  /** The parent name is stored UTF-16LE, not BE; refused by strict opens unless allowed. */
  'PARENT_NAME_BYTE_ORDER',
  /** The parent's UUID differs from the one the child records. */
  'PARENT_ID_MISMATCH',
  /** No parent file could be opened. */
  'PARENT_NOT_FOUND',
  /** The chain has more layers than allowed. */
  'CHAIN_TOO_DEEP',
  /** The chain leads back to a layer already in it. */
  'CHAIN_CYCLE',
  /** A merge target is not an ancestor of the image merged (no layer of its chain has its UUID). */
  'NOT_AN_ANCESTOR',
  /** The virtual size is larger than allowed. */
  'SIZE_TOO_LARGE',
  /** An argument passed by the caller is invalid. */
  'INVALID_ARGUMENT',
  /** A write was attempted on an image opened read-only. */
  'READ_ONLY',
  /** A read or write reaches outside the virtual disk. */
  'OUT_OF_RANGE',
  /** The footer or header data offset is not where the format puts it. */
  'BAD_DATA_OFFSET',
  /** The BAT offset or size does not fit in the file. */
  'BAD_TABLE_OFFSET',
  /** A parent locator points outside the file or cannot be decoded. */
  'BAD_LOCATOR',
  /** A field holds a value with no valid meaning (64-bit value above 2^53, ...). */
  'BAD_FIELD',
  /** The operation needs a differencing disk and was given another kind. */
  'NOT_DIFFERENCING',
  /** The operation needs a dynamic or differencing disk and was given a fixed one. */
  'NOT_SPARSE',
  /** A shrink would cut off bytes that are not zeros; nothing was changed. */
  'WOULD_LOSE_DATA',
  /** The image is damaged past what repair mends without guessing (no footer, no header). */
  'UNREPAIRABLE',
  /** The operation was cancelled through its AbortSignal. */
  'ABORTED',
  /** The image or file was already closed. */
  'CLOSED',
] as const;

/** A stable error code; see {@link VHD_FORMAT_ERROR_CODES}. */
export type VhdFormatErrorCode = (typeof VHD_FORMAT_ERROR_CODES)[number];

/** Where an error was found: the field, its byte offset in the file and the bad value. */
export interface VhdFormatErrorDetails {
  /** Name of the field, e.g. `footer.diskType`. */
  field?: string;
  /** Byte offset in the file (or in the structure when the file is unknown). */
  offset?: number;
  /** The offending value. */
  value?: unknown;
  /** The underlying error, if any. */
  cause?: unknown;
}

/** A VHD could not be decoded, opened, read or written. `code` is stable. */
export class VhdFormatError extends Error {
  override readonly name = 'VhdFormatError';
  /** The stable code. */
  readonly code: VhdFormatErrorCode;
  /** The field that failed, if one did. */
  readonly field: string | undefined;
  /** The byte offset where the failure was found, if known. */
  readonly offset: number | undefined;
  /** The offending value, if any. */
  readonly value: unknown;
  /**
   * What went wrong, without the code: `message` is `${code}: ${detail}`. Use this (and
   * `code`) rather than taking `message` apart.
   */
  readonly detail: string;

  constructor(code: VhdFormatErrorCode, detail: string, details: VhdFormatErrorDetails = {}) {
    super(`${code}: ${detail}`, details.cause === undefined ? undefined : { cause: details.cause });
    this.code = code;
    this.detail = detail;
    this.field = details.field;
    this.offset = details.offset;
    this.value = details.value;
  }

  /** A plain object for logs and `--json` output. */
  toJSON(): {
    name: string;
    code: VhdFormatErrorCode;
    message: string;
    field?: string;
    offset?: number;
    value?: unknown;
  } {
    const out: ReturnType<VhdFormatError['toJSON']> = {
      name: this.name,
      code: this.code,
      message: this.message,
    };
    if (this.field !== undefined) out.field = this.field;
    if (this.offset !== undefined) out.offset = this.offset;
    if (this.value !== undefined) out.value = jsonValue(this.value);
    return out;
  }
}

function jsonValue(value: unknown): unknown {
  if (value instanceof Uint8Array) return Array.from(value);
  if (typeof value === 'bigint') return value.toString();
  return value;
}

/** Whether `e` is a {@link VhdFormatError}, optionally with one of `codes`. */
export function isVhdFormatError(e: unknown, ...codes: VhdFormatErrorCode[]): e is VhdFormatError {
  return e instanceof VhdFormatError && (codes.length === 0 || codes.includes(e.code));
}

/** Formats a number as `0x` and eight hex digits, as error messages show codes. */
export function hex32(value: number): string {
  return `0x${(value >>> 0).toString(16).padStart(8, '0')}`;
}
