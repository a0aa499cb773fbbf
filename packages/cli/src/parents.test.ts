import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempFolder } from './__fixtures__/cli-process.js';
import { findParent, hostPathFor, locatorsFor } from './parents.js';

describe('locatorsFor', () => {
  it('writes .\\name for a parent in the same folder', () => {
    expect(locatorsFor('/srv/vms/c.vhd', '/srv/vms/p.vhd')).toEqual({
      unicodeName: 'p.vhd',
      relativePath: '.\\p.vhd',
      absolutePath: 'Z:\\srv\\vms\\p.vhd',
    });
  });

  it('climbs with ..\\ to a parent in a sibling folder', () => {
    expect(locatorsFor('/srv/vms/c.vhd', '/srv/base/p.vhd').relativePath).toBe('..\\base\\p.vhd');
    expect(locatorsFor('/a/b/c/d.vhd', '/x.vhd').relativePath).toBe('..\\..\\..\\x.vhd');
  });

  it('goes down into a subfolder with .\\', () => {
    expect(locatorsFor('/srv/c.vhd', '/srv/base/p.vhd').relativePath).toBe('.\\base\\p.vhd');
  });

  it('leaves out locators whose names Windows refuses, keeping the name', () => {
    const locators = locatorsFor('/srv/vms/c.vhd', '/srv/odd:dir/p.vhd');
    expect(locators.relativePath).toBeUndefined();
    expect(locators.absolutePath).toBeUndefined();
    expect(locators.unicodeName).toBe('p.vhd');
    expect(locatorsFor('/srv/a\\b/c.vhd', '/srv/a\\b/p.vhd').relativePath).toBe('.\\p.vhd');
    expect(locatorsFor('/srv/a\\b/c.vhd', '/srv/a\\b/p.vhd').absolutePath).toBeUndefined();
  });
});

describe('hostPathFor', () => {
  it('resolves relative locators against the child folder', () => {
    expect(hostPathFor('.\\p.vhd', '/new/place')).toBe('/new/place/p.vhd');
    expect(hostPathFor('..\\base\\p.vhd', '/new/place')).toBe('/new/base/p.vhd');
    expect(hostPathFor('p.vhd', '/new/place')).toBe('/new/place/p.vhd');
    expect(hostPathFor('./sub/p.vhd', '/new')).toBe('/new/sub/p.vhd');
  });

  it('reads Z: as the POSIX root and other drives through the map only', () => {
    expect(hostPathFor('Z:\\srv\\base\\p.vhd', '/x')).toBe('/srv/base/p.vhd');
    expect(hostPathFor('z:\\srv\\..\\p.vhd', '/x')).toBe('/p.vhd');
    expect(hostPathFor('C:\\vms\\p.vhd', '/x')).toBeUndefined();
    expect(hostPathFor('C:\\vms\\p.vhd', '/x', { C: '/mnt/c' })).toBe('/mnt/c/vms/p.vhd');
  });

  it('uses POSIX absolute paths and file URLs as they are', () => {
    expect(hostPathFor('/srv/p.vhd', '/x')).toBe('/srv/p.vhd');
    expect(hostPathFor('file:///srv/p%20q.vhd', '/x')).toBe('/srv/p q.vhd');
  });

  it('takes a rooted path on the POSIX root and refuses the empty string', () => {
    expect(hostPathFor('\\srv\\p.vhd', '/x')).toBe('/srv/p.vhd');
    expect(hostPathFor('', '/x')).toBeUndefined();
  });
});

describe('findParent', () => {
  let root: string;
  let remove: () => Promise<void>;
  beforeAll(async () => {
    ({ dir: root, remove } = await tempFolder('vskit-parents-'));
    await mkdir(join(root, 'vms'));
    await mkdir(join(root, 'base'));
    await writeFile(join(root, 'base', 'p.vhd'), 'parent');
    await writeFile(join(root, 'vms', 'p.vhd'), 'same-folder');
    await writeFile(join(root, 'vms', 'c.vhd'), 'child');
    await symlink(join(root, 'vms', 'c.vhd'), join(root, 'link.vhd'));
  });
  afterAll(() => remove());

  it('stops at the first candidate naming an existing file', async () => {
    const attempts = await findParent(
      [
        { source: 'W2ru', path: '..\\base\\p.vhd', relative: true },
        { source: 'name', path: 'p.vhd', relative: true },
      ],
      join(root, 'vms', 'c.vhd'),
    );
    expect(attempts).toEqual([
      {
        source: 'W2ru',
        locator: '..\\base\\p.vhd',
        path: join(root, 'base', 'p.vhd'),
        found: true,
      },
    ]);
  });

  it('falls through missing files and unknown drives to the name in the child folder', async () => {
    const attempts = await findParent(
      [
        { source: 'W2ru', path: '.\\gone.vhd', relative: true },
        { source: 'W2ku', path: 'C:\\vms\\p.vhd', relative: false },
        { source: 'name', path: 'p.vhd', relative: true },
      ],
      join(root, 'vms', 'c.vhd'),
    );
    expect(attempts.map((a) => [a.source, a.found])).toEqual([
      ['W2ru', false],
      ['W2ku', false],
      ['name', true],
    ]);
    expect(attempts[1]?.path).toBeUndefined();
    expect(attempts[2]?.path).toBe(join(root, 'vms', 'p.vhd'));
  });

  it('resolves relative locators from the real folder of a symlinked child', async () => {
    const attempts = await findParent(
      [{ source: 'W2ru', path: '..\\base\\p.vhd', relative: true }],
      join(root, 'link.vhd'),
    );
    expect(attempts[0]?.found).toBe(true);
  });

  it('does not take a folder for the parent', async () => {
    const attempts = await findParent(
      [{ source: 'W2ru', path: '..\\base', relative: true }],
      join(root, 'vms', 'c.vhd'),
    );
    expect(attempts[0]?.found).toBe(false);
  });
});
