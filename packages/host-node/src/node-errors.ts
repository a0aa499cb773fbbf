import { HOST_ERROR_CODES, HostError, type HostErrorCode } from '@vskit/host';

const KNOWN = new Set<string>(HOST_ERROR_CODES);

/** Node's error code for `error`, when it has one. */
export function nodeErrorCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/**
 * A {@link HostError} for a failure from `node:fs`: its errno code when the host interface knows
 * it (`ENOENT`, `ENOSPC`, ...), `EIO` otherwise.
 */
export function toHostError(error: unknown, syscall: string, path?: string): HostError {
  if (error instanceof HostError) return error;
  const code = nodeErrorCode(error);
  if (code !== undefined && KNOWN.has(code))
    return new HostError(code as HostErrorCode, syscall, path);
  if (code === 'ENAMETOOLONG') return new HostError('ENAMETOOLONG', syscall, path);
  const detail = error instanceof Error ? error.message : String(error);
  return new HostError('EIO', syscall, path, detail);
}
