/**
 * Comparing host snapshots: what a call added, removed or changed on the volumes.
 * @module
 */
import type { HostSnapshot, SnapshotEntry } from '@vskit/host';
import type { CaseContext } from '../../property.js';

/** Every entry of a snapshot by case-folded path, with its drive's free bytes. */
export function entriesOf(snapshot: HostSnapshot): Map<string, SnapshotEntry> {
  const out = new Map<string, SnapshotEntry>();
  for (const volume of snapshot.volumes) {
    for (const entry of volume.entries) out.set(entry.path.toUpperCase(), entry);
  }
  return out;
}

/** What changed between two snapshots. */
export interface SnapshotDiff {
  readonly added: SnapshotEntry[];
  readonly removed: SnapshotEntry[];
  readonly changed: SnapshotEntry[];
}

/** The entries added, removed and changed from `before` to `after`. */
export function diffSnapshots(before: HostSnapshot, after: HostSnapshot): SnapshotDiff {
  const a = entriesOf(before);
  const b = entriesOf(after);
  const added = [...b].filter(([key]) => !a.has(key)).map(([, entry]) => entry);
  const removed = [...a].filter(([key]) => !b.has(key)).map(([, entry]) => entry);
  const changed = [...b]
    .filter(([key, entry]) => {
      const old = a.get(key);
      return (
        old !== undefined &&
        (old.digest !== entry.digest || old.size !== entry.size || old.kind !== entry.kind)
      );
    })
    .map(([, entry]) => entry);
  return { added, removed, changed };
}

/** A short description of a diff for messages. */
export function describeDiff(diff: SnapshotDiff): string {
  const list = (label: string, entries: SnapshotEntry[]) =>
    entries.length === 0
      ? []
      : [`${label} ${entries.map((e) => `${e.path} (${e.kind}, ${e.size})`).join(', ')}`];
  const parts = [
    ...list('added', diff.added),
    ...list('removed', diff.removed),
    ...list('changed', diff.changed),
  ];
  return parts.length === 0 ? 'no change' : parts.join('; ');
}

/** Fails `id` unless the host after a call (`after`) is the host before it. */
export function expectNoChange(
  ctx: CaseContext,
  id: string,
  what: string,
  before: HostSnapshot,
  after: HostSnapshot,
): void {
  const diff = diffSnapshots(before, after);
  ctx.exercise(id);
  ctx.expect(
    id,
    diff.added.length + diff.removed.length + diff.changed.length === 0,
    () => `${what} changed the host: ${describeDiff(diff)}`,
  );
}
