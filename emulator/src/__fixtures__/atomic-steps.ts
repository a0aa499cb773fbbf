/**
 * `createFileAtomically`'s steps (`@vskit/host-node`) mapped onto an emulated host, for the tests
 * that cut the power during an atomic creation: POSIX-style paths `/a/b` name `C:\a\b`.
 */
import type { CreationSteps } from '@vskit/host-node';
import type { EmulatedHost } from '../emulated-host.js';

/** `/a/b` on drive C:. */
export const win = (path: string) => `C:\\${path.split('/').filter(Boolean).join('\\')}`;

/** The steps of an atomic creation, each on `host`. */
export function stepsOn(host: EmulatedHost): CreationSteps {
  return {
    exists: (p) => host.exists(win(p)),
    createNew: (p) => host.open(win(p), 'createNew', { share: 'none' }),
    renameNoReplace: (a, b) => host.rename(win(a), win(b)),
    syncFolder: (p) => host.syncFolder(win(p)),
    readdir: (p) => host.readdir(win(p)),
    unlink: (p) => host.unlink(win(p)),
  };
}
