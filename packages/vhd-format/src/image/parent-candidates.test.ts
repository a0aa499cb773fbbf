import { describe, expect, it } from 'vitest';
import { parentCandidates } from './parent-candidates.js';

describe('parentCandidates', () => {
  it('orders W2ru, W2ku, then the Unicode name, marking relative paths', () => {
    const ref = {
      uniqueId: new Uint8Array(16),
      timestamp: 0,
      unicodeName: 'base.vhd',
      locators: [
        { platform: 'W2ku', path: 'C:\\vms\\base.vhd' },
        { platform: 'MacX', path: 'file:///base.vhd' },
        { platform: 'W2ru', path: '..\\base.vhd' },
      ],
    };
    expect(parentCandidates(ref)).toEqual([
      { source: 'W2ru', path: '..\\base.vhd', relative: true },
      { source: 'W2ku', path: 'C:\\vms\\base.vhd', relative: false },
      { source: 'unicodeName', path: 'base.vhd', relative: true },
    ]);
  });

  it('treats a relative path in W2ku as relative and drops repeats and empty paths', () => {
    const ref = {
      uniqueId: new Uint8Array(16),
      timestamp: 0,
      unicodeName: '.\\p.vhd',
      locators: [
        { platform: 'W2ku', path: '.\\p.vhd' },
        { platform: 'W2ru', path: '.\\p.vhd' },
        { platform: 'Wi2k', path: '' },
      ],
    };
    expect(parentCandidates(ref)).toEqual([{ source: 'W2ru', path: '.\\p.vhd', relative: true }]);
  });

  it('takes the Unicode name only as a plain file name, never as a path', () => {
    const hostile = [
      '..\\..\\bait\\p.vhd',
      '../../bait/p.vhd',
      'sub\\p.vhd',
      '/etc/p.vhd',
      '\\p.vhd',
      '\\\\server\\share\\p.vhd',
      'Z:\\bait\\p.vhd',
      'C:p.vhd',
      'file:///tmp/bait/p.vhd',
      'p.vhd:stream',
      '.',
      '..',
      '...',
      '.. ',
      ' ',
      'p\u0000.vhd',
      'p\u001b[2J.vhd',
    ];
    for (const unicodeName of hostile) {
      const ref = { uniqueId: new Uint8Array(16), timestamp: 0, unicodeName, locators: [] };
      expect(parentCandidates(ref), JSON.stringify(unicodeName)).toEqual([]);
    }
  });

  it('keeps a plain file name, dots and spaces inside it included', () => {
    for (const unicodeName of ['p.vhd', 'base disk.vhd', '..p.vhd', 'a..b.vhd', 'Ünïcødé.vhd']) {
      const ref = { uniqueId: new Uint8Array(16), timestamp: 0, unicodeName, locators: [] };
      expect(parentCandidates(ref)).toEqual([
        { source: 'unicodeName', path: unicodeName, relative: true },
      ]);
    }
  });

  it('still follows W2ru and W2ku paths when the name is refused', () => {
    const ref = {
      uniqueId: new Uint8Array(16),
      timestamp: 0,
      unicodeName: '..\\..\\bait\\p.vhd',
      locators: [
        { platform: 'W2ru', path: '..\\base\\p.vhd' },
        { platform: 'W2ku', path: 'C:\\base\\p.vhd' },
      ],
    };
    expect(parentCandidates(ref).map((c) => c.source)).toEqual(['W2ru', 'W2ku']);
  });
});
