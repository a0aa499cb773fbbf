/**
 * `createFileAtomically`'s steps (`@vskit/host-node`) mapped onto an emulated host, and what the
 * tests that cut the power during an atomic creation look at afterwards: POSIX-style paths
 * `/a/b` name `C:\a\b`.
 */
import { isTemporaryName, type SnapshotEntry, windowsPath } from '@vskit/host';
import type { CreationSteps } from '@vskit/host-node';
import { expect } from 'vitest';
import type { EmulatedHost } from '../emulated-host.js';

/** A host snapshot, as far as these tests look at it (one volume). */
type Snapshot = { readonly volumes: ReadonlyArray<{ readonly entries: readonly SnapshotEntry[] }> };

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

/** The entry at `path` (a Windows path, compared as Windows folds case) of `snap`'s volume. */
export function entryAt(snap: Snapshot, path: string): SnapshotEntry | undefined {
  return snap.volumes[0]?.entries.find(
    (e) => windowsPath.foldCase(e.path) === windowsPath.foldCase(path),
  );
}

/**
 * Expects every entry of `cut` that `start` lacks to be `target`'s own entry `there` or a
 * temporary file of `target` (a POSIX-style path): a cut creation leaves nothing else.
 */
export function expectOnlyTemporaryLeft(
  cut: Snapshot,
  start: Snapshot,
  target: string,
  there: SnapshotEntry | undefined,
  label: string,
): void {
  for (const e of cut.volumes[0]?.entries ?? []) {
    if (entryAt(start, e.path) !== undefined || e === there) continue;
    const name = e.path.slice(e.path.lastIndexOf('\\') + 1);
    expect(isTemporaryName(name, target), `${label}: left ${e.path}`).toBe(true);
  }
}
