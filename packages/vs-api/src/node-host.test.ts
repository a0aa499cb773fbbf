/**
 * The same implementation on real folders (`createNodeHost`): a differencing chain is created,
 * read back through getHardDisk, and failures leave the folders untouched.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
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
