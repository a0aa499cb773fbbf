/**
 * `VsError`: a method failed with an HRESULT. The promise face rejects with it; the COM face
 * returns its `hresult`.
 * @module
 */
import { formatHresult, HRESULT, HRESULT_TEXT, type HResultName, hresultName } from './hresult.js';

/** A vs-api method failed with a documented HRESULT. */
export class VsError extends Error {
  /**
   * The HRESULT's name (`'E_ALREADY_EXISTS'`); `'DISP_E_EXCEPTION'` for values vs-api does not
   * name. Stable: branch on it (or on {@link VsError.hresult}).
   */
  override readonly name: HResultName;
  /** The HRESULT, an unsigned 32-bit number. */
  readonly hresult: number;
  /** The argument the failure is about (`'imagePath'`, `'parentPath'`, `'sizeMB'`, ...), if any. */
  readonly argument: string | undefined;

  /**
   * @param hresult the HRESULT (a name or its number)
   * @param argument the offending argument, named in the message
   * @param detail what exactly is wrong, for people
   * @param options `cause`: the underlying error
   */
  constructor(
    hresult: HResultName | number,
    argument?: string,
    detail?: string,
    options?: { cause?: unknown },
  ) {
    const value = typeof hresult === 'number' ? hresult >>> 0 : HRESULT[hresult];
    const name = hresultName(value) ?? 'DISP_E_EXCEPTION';
    const text = detail ?? HRESULT_TEXT[name];
    super(
      `${formatHresult(value)}: ${argument === undefined ? '' : `${argument}: `}${text}`,
      options?.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = name;
    this.hresult = value;
    this.argument = argument;
  }

  /** The same facts as a plain object, for logs and `--json` output. */
  toJSON(): { name: HResultName; hresult: number; argument?: string; message: string } {
    return {
      name: this.name,
      hresult: this.hresult,
      ...(this.argument === undefined ? {} : { argument: this.argument }),
      message: this.message,
    };
  }
}

/** Whether `error` is a {@link VsError}, optionally with one of `names`. */
export function isVsError(error: unknown, ...names: HResultName[]): error is VsError {
  return error instanceof VsError && (names.length === 0 || names.includes(error.name));
}

/** The HRESULT a thrown value stands for: its own for a {@link VsError}, else DISP_E_EXCEPTION. */
export function hresultOf(error: unknown): number {
  return error instanceof VsError ? error.hresult : HRESULT.DISP_E_EXCEPTION;
}
