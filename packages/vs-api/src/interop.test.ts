/**
 * Through libvhdi's Python binding (pyvhdi), a reader that shares no code with vskit: a child
 * written by CreateDifferencingVirtualHardDisk reads identically to its parent, and a chain
 * reads the same before and after IVMHardDisk.Merge, its parent alone then reading as the
 * chain did; a child re-linked by IVMHardDisk.Parent (put) names its parent's new place and
 * reads as vskit reads it. Through qemu-img, a disk reads the same before and after IVMHardDisk.Compact.
 */
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeHost } from '@vskit/host-node';
import { describe, expect, it } from 'vitest';
import { compactableDisk, patterns } from './__fixtures__/chains.js';
import { counting, readVirtual, writeThrough, writeVhd } from './__fixtures__/hosts.js';
import {
  hasPyvhdi,
  hasQemu,
  python,
  pyvhdiRead,
  qemuRead,
  requirePeers,
} from './__fixtures__/peers.js';
import { VMTaskResult } from './hresult.js';
import { VirtualServer } from './virtual-server.js';

// pyvhdi comes from Debian's python3-libvhdi; CI (.ci/run) installs it. Without it this check
// cannot run here, so it is skipped with this reason (and required when VSKIT_REQUIRE_PEERS is set).

/**
 * On a node host over `root`: an 8 MiB dynamic parent at `C:\\base\\parent.vhd` holding data
 * in its first 3 MiB, and a differencing child of it at `C:\\vms\\child.vhd`.
 */
async function parentAndChild(root: string) {
  const host = createNodeHost({ volumes: [{ drive: 'C', root, fileSystem: 'NTFS' }] });
  const size = 8 * 2 ** 20;
  const vs = new VirtualServer(host);
  await writeVhd(host, 'C:\\base\\parent.vhd', { type: 'dynamic', sizeBytes: size });
  await writeThrough(host, 'C:\\base\\parent.vhd', patterns([[0, 3 * 2 ** 20, 5]]));
  const created = await vs.createDifferencingVirtualHardDisk(
    'C:\\vms\\child.vhd',
    'C:\\base\\parent.vhd',
  );
  await created.waitForCompletion(-1);
  return { host, vs, size };
}

describe.skipIf(!hasPyvhdi && !requirePeers)(
  'interop with pyvhdi (skipped: python3 module pyvhdi not installed)',
  () => {
    it('the child reads exactly as its fixed parent', async () => {
      const root = await mkdtemp(join(tmpdir(), 'vs-api-interop-'));
      try {
        const host = createNodeHost({ volumes: [{ drive: 'C', root, fileSystem: 'NTFS' }] });
        const size = 8 * 2 ** 20;
        await writeVhd(host, 'C:\\base\\parent.vhd', {
          type: 'fixed',
          sizeBytes: size,
          patterns: [
            { offset: 0, bytes: counting(4096, 5) },
            { offset: 3 * 2 ** 20 + 512, bytes: counting(70_000, 9) },
            { offset: size - 512, bytes: counting(512, 200) },
          ],
        });
        const task = await new VirtualServer(host).createDifferencingVirtualHardDisk(
          'C:\\vms\\child.vhd',
          'C:\\base\\parent.vhd',
        );
        await task.waitForCompletion(-1);
        expect(task.result).toBe(VMTaskResult.Success);
        const read = pyvhdiRead(join(root, 'vms', 'child.vhd'), join(root, 'base', 'parent.vhd'));
        const parent = new Uint8Array(await readFile(join(root, 'base', 'parent.vhd')));
        // Compared as buffers: a deep equality over 8 MiB element by element is far too slow.
        expect(read.length).toBe(size);
        expect(Buffer.compare(read, parent.subarray(0, size))).toBe(0);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });

    it('a chain reads the same before and after Merge, and the parent alone as the chain did', async () => {
      const root = await mkdtemp(join(tmpdir(), 'vs-api-interop-'));
      try {
        const { host, vs, size } = await parentAndChild(root);
        // Runs start and end on 4 KiB, the partly written blocks pyvhdi reads right.
        await writeThrough(
          host,
          'C:\\vms\\child.vhd',
          patterns([
            [4096, 8192, 21],
            [2 * 2 ** 20 - 4096, 2 * 2 ** 20 + 8192, 22],
            [7 * 2 ** 20, 4096, 23],
          ]),
        );
        const child = join(root, 'vms', 'child.vhd');
        const parent = join(root, 'base', 'parent.vhd');
        const before = pyvhdiRead(child, parent);
        expect(before.length).toBe(size);
        const ours = await readVirtual(host, 'C:\\vms\\child.vhd', 0, size);
        expect(Buffer.compare(before, ours)).toBe(0);
        const task = await (await vs.getHardDisk('C:\\vms\\child.vhd')).merge();
        await task.waitForCompletion(-1);
        expect(task.result).toBe(VMTaskResult.Success);
        expect(Buffer.compare(pyvhdiRead(child, parent), before)).toBe(0);
        expect(Buffer.compare(pyvhdiRead(parent), before)).toBe(0);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });

    it('a child re-linked by put_Parent names its parent at the new place and reads as through vskit', async () => {
      const root = await mkdtemp(join(tmpdir(), 'vs-api-interop-'));
      try {
        const { host, vs, size } = await parentAndChild(root);
        await writeThrough(host, 'C:\\vms\\child.vhd', patterns([[4096, 8192, 31]]));
        await host.mkdir('C:\\store');
        await host.writeFile('C:\\store\\moved.vhd', await host.readFile('C:\\base\\parent.vhd'));
        const child = await vs.getHardDisk('C:\\vms\\child.vhd');
        await child.putParent(await vs.getHardDisk('C:\\store\\moved.vhd'));
        await host.unlink('C:\\base\\parent.vhd');
        const childFile = join(root, 'vms', 'child.vhd');
        const name = spawnSync(python, [
          '-c',
          'import sys, pyvhdi\nf = pyvhdi.file()\nf.open(sys.argv[1])\nsys.stdout.write(f.get_parent_filename())',
          childFile,
        ]);
        expect(name.status, String(name.stderr)).toBe(0);
        expect(String(name.stdout)).toMatch(/moved\.vhd$/);
        const read = pyvhdiRead(childFile, join(root, 'store', 'moved.vhd'));
        expect(read.length).toBe(size);
        const ours = await readVirtual(host, 'C:\\vms\\child.vhd', 0, size);
        expect(Buffer.compare(read, ours)).toBe(0);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });
  },
);

// qemu-img comes from Debian's qemu-utils; CI (.ci/run) installs it. Without it this check
// cannot run here, so it is skipped with this reason (and required when VSKIT_REQUIRE_PEERS is set).
describe.skipIf(!hasQemu && !requirePeers)(
  'interop with qemu-img (skipped: qemu-img not installed)',
  () => {
    it('a compacted disk reads the same as before', async () => {
      const root = await mkdtemp(join(tmpdir(), 'vs-api-interop-'));
      try {
        const host = createNodeHost({ volumes: [{ drive: 'C', root, fileSystem: 'NTFS' }] });
        await compactableDisk(host, 'C:\\d\\dyn.vhd', 8 * 2 ** 20);
        const file = join(root, 'd', 'dyn.vhd');
        const before = await qemuRead(file);
        const sizeBefore = (await stat(file)).size;
        const task = await (await new VirtualServer(host).getHardDisk('C:\\d\\dyn.vhd')).compact();
        await task.waitForCompletion(-1);
        expect(task.result).toBe(VMTaskResult.Success);
        expect((await stat(file)).size).toBeLessThan(sizeBefore);
        expect(Buffer.compare(await qemuRead(file), before)).toBe(0);
        const ours = await readVirtual(host, 'C:\\d\\dyn.vhd', 0, before.length);
        expect(Buffer.compare(before, ours)).toBe(0);
      } finally {
        await rm(root, { recursive: true, force: true });
      }
    });
  },
);
