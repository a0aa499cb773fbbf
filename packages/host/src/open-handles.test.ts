import { describe, expect, it } from 'vitest';
import { isHostError } from './errors.js';
import type { ShareMode } from './host.js';
import { defaultShare, OpenHandles, shareConflict } from './open-handles.js';

const SHARES: ShareMode[] = ['read', 'readWrite', 'none'];

describe('share modes', () => {
  it('two writers never open together, whatever they share', () => {
    for (const a of SHARES) {
      for (const b of SHARES) {
        expect(
          shareConflict({ writable: true, share: a }, { writable: true, share: b }),
        ).toBeDefined();
      }
    }
  });

  it('a reader runs beside a writer when each allows the other', () => {
    const writer = { writable: true, share: defaultShare('readWrite') };
    const reader = { writable: false, share: defaultShare('read') };
    expect(shareConflict(writer, reader)).toBeUndefined();
    expect(shareConflict(reader, writer)).toBeUndefined();
  });

  it('follows the Windows table for readers and writers', () => {
    const table: Array<[boolean, ShareMode, boolean, ShareMode, boolean]> = [
      // open writable, open share, request writable, request share, allowed
      [false, 'read', false, 'read', true],
      [false, 'read', true, 'readWrite', false],
      [false, 'readWrite', true, 'readWrite', true],
      [false, 'readWrite', true, 'read', true],
      [false, 'read', false, 'none', false],
      [false, 'none', false, 'readWrite', false],
      [true, 'read', false, 'read', false],
      [true, 'readWrite', false, 'read', false],
      [true, 'none', false, 'readWrite', false],
      [true, 'read', false, 'readWrite', true],
    ];
    for (const [ow, os, rw, rs, allowed] of table) {
      const conflict = shareConflict({ writable: ow, share: os }, { writable: rw, share: rs });
      expect(conflict === undefined, `${ow} ${os} / ${rw} ${rs}`).toBe(allowed);
    }
  });

  it('OpenHandles refuses a conflicting open with EBUSY and forgets a released handle', () => {
    const handles = new OpenHandles('\\');
    const release = handles.add('C:\\A', { writable: true, share: 'read' }, 'C:\\a');
    let error: unknown;
    try {
      handles.add('C:\\A', { writable: true, share: 'readWrite' }, 'C:\\a');
    } catch (caught) {
      error = caught;
    }
    expect(isHostError(error, 'EBUSY')).toBe(true);
    expect((error as Error).message).toContain('C:\\a');
    const reader = handles.add('C:\\A');
    expect(handles.holdsAnyUnder('C:')).toBe(true);
    release();
    release();
    reader();
    expect(handles.has('C:\\A')).toBe(false);
    handles.add('C:\\A', { writable: true, share: 'none' })();
  });
});
