/**
 * How the CLI reports failures: one line on stderr naming the error's stable code, and an exit
 * status. Errors from the libraries carry their own codes (`VhdFormatError.code`,
 * `HostError.code`, Node's errno, a `VsError`'s HRESULT name); the CLI adds its own for bad usage.
 * @module
 */
import { formatHresultHex } from '@vskit/vs-api/hresult';
import { printable } from './printable.js';

/** The codes of errors the CLI raises itself. */
export type CliErrorCode =
  | 'USAGE'
  | 'INVALID_SIZE'
  | 'INVALID_NUMBER'
  | 'INVALID_VOLUME'
  | 'OUT_OF_RANGE'
  | 'NOT_A_FILE'
  | 'INVALID_SUBJECT'
  | 'MISSING_PEER'
  | 'CANCELLED'
  | 'NOT_A_VHD'
  | 'LOCKED';

/** Exit status for a command line that could not be understood. */
export const EXIT_USAGE = 2;

/** Exit status after Ctrl-C stopped a command (128 + SIGINT, as shells report it). */
export const EXIT_INTERRUPTED = 130;

/** A failure the CLI detects itself (bad arguments); `exitCode` is the process exit status. */
export class CliError extends Error {
  override readonly name = 'CliError';
  /** Stable code, printed on the error line. */
  readonly code: CliErrorCode;
  /** Exit status to end with. */
  readonly exitCode: number;

  constructor(code: CliErrorCode, message: string, exitCode = 1) {
    super(message);
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A usage error: the command line itself is wrong (exit status {@link EXIT_USAGE}). */
export function usageError(message: string): CliError {
  return new CliError('USAGE', message, EXIT_USAGE);
}

const CODE = /^[A-Z][A-Z0-9_]*$/;

/** What the error line says about an error: its code, and a message without the code repeated. */
export interface ErrorReport {
  /** A stable code (`EEXIST`, `BAD_CHECKSUM`, `E_ALREADY_EXISTS`, `USAGE`), or `INTERNAL`. */
  readonly code: string;
  /** Human explanation, one line. */
  readonly message: string;
  /** Whether the error is one the CLI expects (it has a code); unexpected ones are bugs. */
  readonly expected: boolean;
  /** For an HRESULT failure, its unsigned value. */
  readonly hresult?: number;
}

/**
 * Describes any thrown value. Codes are read by shape, so every package's errors qualify:
 * a string `code` in upper case (VhdFormatError, HostError, Node errno, CliError), or an
 * `hresult` with a `name` (VsError).
 */
export function describeError(error: unknown): ErrorReport {
  const record =
    typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
  const rawMessage = error instanceof Error ? error.message : String(error);
  let code: string | undefined;
  let hresult: number | undefined;
  if (
    typeof record.hresult === 'number' &&
    typeof record.name === 'string' &&
    CODE.test(record.name)
  ) {
    code = record.name;
    hresult = record.hresult >>> 0;
  } else if (typeof record.code === 'string' && CODE.test(record.code)) {
    code = record.code;
  }
  const message = oneLine(code === undefined ? rawMessage : withoutCodePrefix(rawMessage, code));
  return {
    code: code ?? 'INTERNAL',
    message: message || (code ?? 'unknown error'),
    expected: code !== undefined,
    ...(hresult === undefined ? {} : { hresult }),
  };
}

/**
 * The error line (no newline): `vskit: CODE: message`, or for an HRESULT
 * `vskit: E_ALREADY_EXISTS (0x800700B7): message`. The message may quote a file (a parent name,
 * a locator): it is {@link printable}.
 */
export function errorLine(error: unknown): string {
  const { code, message, hresult } = describeError(error);
  return `vskit: ${code}${hresult === undefined ? '' : ` (${formatHresultHex(hresult)})`}: ${printable(message)}`;
}

/** A failure as `--json` prints it: `{ "error": JsonError }` on stdout. */
export interface JsonError {
  /** The code on the error line. */
  readonly code: string;
  /** The error line's message. */
  readonly message: string;
  /** The exit status. */
  readonly exitCode: number;
  /** For an HRESULT failure, its unsigned value... */
  readonly hresult?: number;
  /** ...and its name and hex, `E_ALREADY_EXISTS (0x800700B7)`. */
  readonly hresultText?: string;
}

/** What `--json` prints for a command that failed: the error line's facts as a JSON record. */
export function errorJson(error: unknown): { readonly error: JsonError } {
  const { code, message, hresult } = describeError(error);
  return {
    error: {
      code,
      message,
      exitCode: exitCodeFor(error),
      ...(hresult === undefined
        ? {}
        : { hresult, hresultText: `${code} (${formatHresultHex(hresult)})` }),
    },
  };
}

/** The exit status an error ends the process with. */
export function exitCodeFor(error: unknown): number {
  return error instanceof CliError ? error.exitCode : 1;
}

/** The message without a leading `CODE: ` or `CODE (0x...): ` that repeats the code. */
function withoutCodePrefix(message: string, code: string): string {
  if (message.startsWith(`${code}: `)) return message.slice(code.length + 2);
  const hex = /^ \(0x[0-9A-Fa-f]{8}\): /.exec(message.slice(code.length));
  if (message.startsWith(code) && hex !== null) return message.slice(code.length + hex[0].length);
  return message;
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
