/** The errno codes a {@link Host} reports, named as POSIX and Node.js name them. */
export type HostErrorCode =
  | 'ENOENT'
  | 'EEXIST'
  | 'ENOTDIR'
  | 'EISDIR'
  | 'ENOTEMPTY'
  | 'ENOSPC'
  | 'EFBIG'
  | 'EIO'
  | 'EACCES'
  | 'EPERM'
  | 'EINVAL'
  | 'EBADF'
  | 'EROFS'
  | 'EBUSY'
  | 'EXDEV'
  | 'ENAMETOOLONG';

/** Every {@link HostErrorCode}, for generators and validation. */
export const HOST_ERROR_CODES: readonly HostErrorCode[] = [
  'ENOENT',
  'EEXIST',
  'ENOTDIR',
  'EISDIR',
  'ENOTEMPTY',
  'ENOSPC',
  'EFBIG',
  'EIO',
  'EACCES',
  'EPERM',
  'EINVAL',
  'EBADF',
  'EROFS',
  'EBUSY',
  'EXDEV',
  'ENAMETOOLONG',
];

/** A host operation failed. `code` is stable; `syscall` and `path` say where. */
export class HostError extends Error {
  override readonly name = 'HostError';
  /** The errno code. */
  readonly code: HostErrorCode;
  /** The host operation that failed (`open`, `write`, ...). */
  readonly syscall: string;
  /** The path the operation was given, if any. */
  readonly path: string | undefined;

  constructor(code: HostErrorCode, syscall: string, path?: string, detail?: string) {
    super(
      `${code}: ${syscall}${path === undefined ? '' : ` '${path}'`}${detail ? ` (${detail})` : ''}`,
    );
    this.code = code;
    this.syscall = syscall;
    this.path = path;
  }

  /** A plain object for logs and `--json` output. */
  toJSON(): { name: string; code: HostErrorCode; syscall: string; path?: string; message: string } {
    return {
      name: this.name,
      code: this.code,
      syscall: this.syscall,
      ...(this.path === undefined ? {} : { path: this.path }),
      message: this.message,
    };
  }
}

/** Whether `error` is a {@link HostError}, optionally with one of `codes`. */
export function isHostError(error: unknown, ...codes: HostErrorCode[]): error is HostError {
  return error instanceof HostError && (codes.length === 0 || codes.includes(error.code));
}
