/**
 * What a call ends with, as the name a test compares: the VsError's HRESULT name, or the sign of
 * success. Anything other than a VsError is rethrown, so a crash never passes for a code.
 */
import { isVsError } from '../errors.js';

/** `'S_OK'` when `promise` resolves, the VsError's name when it rejects with one. */
export async function settledName(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'S_OK';
  } catch (error) {
    if (isVsError(error)) return error.name;
    throw error;
  }
}

/** `undefined` when `run` returns, the VsError's name when it throws one. */
export function thrownName(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    if (isVsError(error)) return error.name;
    throw error;
  }
  return undefined;
}
