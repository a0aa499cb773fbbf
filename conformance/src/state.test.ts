import { describe, expect, it } from 'vitest';
import { type EntrySpec, type HostState, layoutOf } from './state.js';

function state(entries: EntrySpec[]): HostState {
  return {
    volumes: [
      {
        drive: 'C',
        fileSystem: 'NTFS',
        capacityBytes: 2 ** 30,
        freeBytes: 2 ** 29,
        free: { kind: 'plenty' },
      },
    ],
    entries,
    shuttingDown: false,
    now: '2026-01-01T00:00:00Z',
  };
}

describe('layoutOf', () => {
  it('layoutOf places each entry with its implied folders and drops one under a file', () => {
    const layout = layoutOf(
      state([
        { kind: 'junk', path: 'C:\\a\\b.txt', bytes: 1 },
        { kind: 'folder', path: 'C:\\A\\B.TXT\\c' },
        { kind: 'folder', path: 'C:\\d' },
      ]),
    );
    expect([...layout.entries.keys()].sort()).toEqual(['C:\\', 'C:\\A', 'C:\\A\\B.TXT', 'C:\\D']);
    expect(layout.placed.map((e) => e.path)).toEqual(['C:\\a\\b.txt', 'C:\\d']);
  });

  it('layoutOf answers the same state with the same layout, and a state whose list grew afresh', () => {
    const entries: EntrySpec[] = [{ kind: 'folder', path: 'C:\\x' }];
    const drawn = state(entries);
    const first = layoutOf(drawn);
    expect(layoutOf(drawn)).toBe(first);
    entries.push({ kind: 'folder', path: 'C:\\y' });
    const grown = layoutOf(drawn);
    expect(grown).not.toBe(first);
    expect(grown.placed).toHaveLength(2);
  });
});
