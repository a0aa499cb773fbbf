import { describe, expect, it } from 'vitest';
import { testHost } from './__fixtures__/hosts.js';
import { candidatePath } from './parent-resolution.js';

const kids = { drive: 'C', segments: ['A', 'kids'] };

describe('candidatePath', () => {
  it("takes the parent's Unicode name as a file name in the child's folder", () => {
    const { host } = testHost();
    expect(
      candidatePath(host, { source: 'unicodeName', path: 'p.vhd', relative: true }, kids),
    ).toEqual({ drive: 'C', segments: ['A', 'kids', 'p.vhd'] });
  });

  it('finds nothing elsewhere through a Unicode name holding a folder, a drive, . or ..', () => {
    const { host } = testHost();
    for (const name of ['..\\p.vhd', '\\A\\p.vhd', 'D:\\x\\p.vhd', 'sub\\p.vhd', '.', '..']) {
      expect(
        candidatePath(host, { source: 'unicodeName', path: name, relative: true }, kids),
      ).toBeUndefined();
    }
  });

  it('still resolves a W2ru locator against the child folder, .. included', () => {
    const { host } = testHost();
    expect(
      candidatePath(host, { source: 'W2ru', path: '..\\p.vhd', relative: true }, kids),
    ).toEqual({ drive: 'C', segments: ['A', 'p.vhd'] });
  });
});
