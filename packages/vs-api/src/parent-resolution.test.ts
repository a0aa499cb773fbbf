import { windowsPath } from '@vskit/host';
import { describe, expect, it } from 'vitest';
import { testHost } from './__fixtures__/hosts.js';
import { candidatePath, findParent } from './parent-resolution.js';

const kids = { drive: 'C', segments: ['A', 'kids'] };
const child = { drive: 'C', segments: ['A', 'kids', 'c.vhd'] };

/** A parent reference with no locators: only the Unicode name can lead to the parent. */
function named(unicodeName: string) {
  return { uniqueId: new Uint8Array(16), timestamp: 0, unicodeName, locators: [] };
}

/** A host with bait files where a path-like name would lead, and none in the child's folder. */
async function baitedHost() {
  const { host } = testHost();
  for (const folder of ['C:\\A\\kids', 'C:\\bait', 'D:\\bait', 'C:\\A\\sub']) {
    await host.mkdir(folder, { recursive: true });
  }
  for (const file of ['C:\\bait\\p.vhd', 'D:\\bait\\p.vhd', 'C:\\p.vhd', 'C:\\A\\p.vhd']) {
    await host.writeFile(file, new Uint8Array(512));
  }
  return host;
}

describe('findParent by the Unicode name', () => {
  it("finds a plain file name in the child's folder", async () => {
    const host = await baitedHost();
    await host.writeFile('C:\\A\\kids\\p.vhd', new Uint8Array(512));
    const found = await findParent(host, named('p.vhd'), child);
    expect(found && windowsPath.format(found)).toBe('C:\\A\\kids\\p.vhd');
  });

  it('finds nothing elsewhere through a name holding a folder, a drive, a URL, . or ..', async () => {
    const host = await baitedHost();
    const hostile = [
      '..\\..\\bait\\p.vhd',
      '..\\p.vhd',
      '\\p.vhd',
      '\\bait\\p.vhd',
      'D:\\bait\\p.vhd',
      'C:p.vhd',
      '/bait/p.vhd',
      'file:///C:/bait/p.vhd',
      '..',
      '.',
    ];
    for (const name of hostile) {
      expect(await findParent(host, named(name), child), name).toBeUndefined();
    }
  });
});

describe('candidatePath', () => {
  it('resolves a W2ru locator against the child folder, .. included', () => {
    const { host } = testHost();
    expect(candidatePath(host, { path: '..\\p.vhd', relative: true }, kids)).toEqual({
      drive: 'C',
      segments: ['A', 'p.vhd'],
    });
  });

  it('gives nothing for a drive the host does not have', () => {
    const { host } = testHost();
    expect(candidatePath(host, { path: 'Q:\\p.vhd', relative: false }, kids)).toBeUndefined();
  });
});
