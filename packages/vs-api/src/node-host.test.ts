/**
 * The same implementation on real folders (`createNodeHost`): a differencing chain is created,
 * read back through getHardDisk, and failures leave the folders untouched.
 */
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeHost } from '@vskit/host-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectChild, writeVhd } from './__fixtures__/hosts.js';
import { isVsError } from './errors.js';
import { VMHardDiskType, VMTaskResult } from './hresult.js';
import { VirtualServer } from './virtual-server.js';

let root: string;

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'vs-api-'));
});

afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('VirtualServer on real folders', () => {
  it('creates a differencing child that getHardDisk reads back; refusals leave the folder as it was', async () => {
    const host = createNodeHost({ volumes: [{ drive: 'C', root, fileSystem: 'NTFS' }] });
    await writeVhd(host, 'C:\\Base\\parent.vhd', { type: 'dynamic', sizeBytes: 64 * 2 ** 20 });
    const vs = new VirtualServer(host);
    const notBefore = new Date();
    const task = await vs.createDifferencingVirtualHardDisk(
      'C:\\vms\\child.vhd',
      '..\\base\\PARENT.vhd',
    );
    await task.waitForCompletion(-1);
    const notAfter = new Date();
    expect(task.result).toBe(VMTaskResult.Success);
    await expectChild(host, {
      child: 'C:\\vms\\child.vhd',
      parent: 'C:\\base\\PARENT.vhd',
      relative: '..\\base\\PARENT.vhd',
      created: { notBefore, notAfter },
    });
    const disk = await vs.getHardDisk('C:\\VMS\\child.vhd');
    expect(disk.type).toBe(VMHardDiskType.Differencing);
    expect(disk.parent?.toLowerCase()).toBe('c:\\base\\parent.vhd');

    const before = (await readdir(root, { recursive: true })).sort();
    const refused = await vs
      .createDifferencingVirtualHardDisk('C:\\vms\\child.vhd', 'C:\\Base\\parent.vhd')
      .catch((e: unknown) => e);
    expect(isVsError(refused, 'E_ALREADY_EXISTS')).toBe(true);
    expect((await readdir(root, { recursive: true })).sort()).toEqual(before);
  });
});

describe('the file search and floppy images on real folders', () => {
  it('finds .vhd files in any case through subfolders, ends at a link cycle, and reads a new floppy', async () => {
    const host = createNodeHost({ volumes: [{ drive: 'C', root, fileSystem: 'NTFS' }] });
    await mkdir(join(root, 'lib', 'Sub'), { recursive: true });
    await writeFile(join(root, 'lib', 'A.VHD'), 'x');
    await writeFile(join(root, 'lib', 'Sub', 'b.vhd'), 'x');
    await writeFile(join(root, 'lib', 'c.txt'), 'x');
    await symlink(join(root, 'lib'), join(root, 'lib', 'Sub', 'loop'));
    const vs = new VirtualServer(host);
    const found = await vs.getHardDiskFiles(['C:\\lib']);
    expect(found.slice(0, 2)).toEqual(['C:\\lib\\A.VHD', 'C:\\lib\\Sub\\b.vhd']);
    // the loop is followed only while paths stay shorter than 260 characters
    expect(found.every((p) => p.length < 260 && /\.vhd$/i.test(p))).toBe(true);
    await vs.createFloppyDiskImage('C:\\lib\\f.vfd', 1);
    expect(await vs.getFloppyDiskImageType('C:\\lib\\f.vfd')).toBe(1);
  });
});
