/**
 * A power cut at every host operation of every creation method (CreateFloppyDiskImage's too,
 * which has no task; IVMHardDisk's MergeTo and Convert, which create a new image from a chain):
 * afterwards the image's path holds
 * nothing or the whole image (byte for byte the image an uninterrupted run writes), the parent is
 * unchanged, and what is left besides (folders the call made, its temporary file) is cleared by
 * the next creation of the path, which ends in exactly the state of an uninterrupted run.
 */
import type { EmulatedHost, OperationRecord } from '@vskit/emulator';
import { type HostSnapshot, isTemporaryName, type SnapshotEntry, windowsPath } from '@vskit/host';
import { openImage } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import { settledName } from './__fixtures__/error-names.js';
import { counting, testHost, writeThrough, writeVhd } from './__fixtures__/hosts.js';
import type { VMTask } from './task.js';
import { VirtualServer } from './virtual-server.js';

const MiB = 2 ** 20;
const PARENT = 'C:\\base\\parent.vhd';
/** A differencing child of PARENT, holding data over the parent's. */
const CHILD = 'C:\\base\\child.vhd';

interface Method {
  readonly name: string;
  readonly image: string;
  /** Starts the creation: its task, or nothing for one that is done when it resolves. */
  readonly create: (vs: VirtualServer, image: string) => Promise<VMTask | undefined>;
  /** Throws unless the file at `image` is a whole image of its kind (default: a strict VHD). */
  readonly check?: (host: EmulatedHost, image: string) => Promise<void>;
}

/** A whole VHD: it opens strictly. */
async function checkVhd(host: EmulatedHost, image: string): Promise<void> {
  await (await openImage(await host.open(image, 'read'), { strict: true })).close();
}

const methods: Method[] = [
  {
    name: 'CreateDynamicVirtualHardDisk',
    image: 'C:\\vms\\dyn.vhd',
    create: (vs, image) => vs.createDynamicVirtualHardDisk(image, 8),
  },
  {
    name: 'CreateFixedVirtualHardDisk',
    image: 'C:\\vms\\fix.vhd',
    create: (vs, image) => vs.createFixedVirtualHardDisk(image, 3),
  },
  {
    name: 'CreateDifferencingVirtualHardDisk',
    image: 'C:\\vms\\child.vhd',
    create: (vs, image) => vs.createDifferencingVirtualHardDisk(image, PARENT),
  },
  {
    name: 'CreateFloppyDiskImage',
    image: 'C:\\vms\\boot.vfd',
    create: async (vs, image) => {
      await vs.createFloppyDiskImage(image, 2);
      return undefined;
    },
    check: async (host, image) => {
      const bytes = await host.readFile(image);
      expect(bytes.length).toBe(1_474_560);
      expect([...bytes.subarray(510, 512)]).toEqual([0x55, 0xaa]);
    },
  },
  {
    name: 'IVMHardDisk.MergeTo',
    image: 'C:\\vms\\merged.vhd',
    create: async (vs, image) => (await vs.getHardDisk(CHILD)).mergeTo(image, 0),
  },
  {
    name: 'IVMHardDisk.Convert',
    image: 'C:\\vms\\converted.vhd',
    create: async (vs, image) => (await vs.getHardDisk(CHILD)).convert(image, 1),
  },
];

/** Folders: the image's folder exists, or the creation makes two. */
const places = [
  { label: 'into an existing folder', folder: 'C:\\vms' },
  { label: 'into folders it makes', folder: 'C:\\vms\\new\\deeper' },
];

async function setUp(): Promise<EmulatedHost> {
  const { host } = testHost();
  await writeVhd(host, PARENT, { type: 'dynamic', sizeBytes: 16 * MiB });
  await writeThrough(host, PARENT, [{ offset: 3 * MiB, bytes: counting(6000, 7) }]);
  const child = await new VirtualServer(host).createDifferencingVirtualHardDisk(CHILD, PARENT);
  await child.waitForCompletion(-1);
  await writeThrough(host, CHILD, [{ offset: 9 * MiB + 512, bytes: counting(3000, 9) }]);
  for (const path of [PARENT, CHILD]) {
    const file = await host.open(path, 'readWrite');
    await file.sync();
    await file.close();
  }
  await host.mkdir('C:\\vms');
  await host.syncFolder('C:\\');
  return host;
}

/** Runs a creation to its end, whatever happens; the power may be cut meanwhile. */
async function attempt(host: EmulatedHost, method: Method, image: string): Promise<string> {
  let task: VMTask | undefined;
  const name = await settledName(
    method.create(new VirtualServer(host), image).then((t) => {
      task = t;
      return t;
    }),
  );
  if (task === undefined) return name;
  await task.waitForCompletion(-1);
  return task.error === 0 ? 'S_OK' : `task ${task.error}`;
}

/** Free space and every entry's path, kind and size. */
function shape(snapshot: HostSnapshot): unknown {
  return snapshot.volumes.map((v) => ({
    free: v.freeBytes,
    entries: v.entries.map((e) => [e.path, e.kind, e.size]),
  }));
}

function entry(entries: readonly SnapshotEntry[], path: string): SnapshotEntry | undefined {
  const key = windowsPath.foldCase(path);
  return entries.find((e) => windowsPath.foldCase(e.path) === key);
}

describe('a power cut at every operation of a creation', () => {
  for (const method of methods) {
    for (const place of places) {
      it(`${method.name} ${place.label}: the image is absent or whole, the parent unchanged, and the next creation clears what is left`, async () => {
        const image = `${place.folder}\\${windowsPath.basename(windowsPath.parseAbsolute(method.image) as never)}`;
        // The uninterrupted run: its operations, its final state, and that state is durable.
        const clean = await setUp();
        const start = await clean.snapshot();
        clean.faults.reset();
        expect(await attempt(clean, method, image)).toBe('S_OK');
        const ops: OperationRecord[] = [...clean.faults.log()];
        const done = await clean.snapshot();
        expect(await clean.durableSnapshot()).toEqual(done);
        const whole = entry(done.volumes[0]?.entries ?? [], image) as SnapshotEntry;
        const parent = entry(start.volumes[0]?.entries ?? [], PARENT);
        const child = entry(start.volumes[0]?.entries ?? [], CHILD);
        expect(child).toBeDefined();
        expect(ops.map((r) => r.op)).toEqual(
          expect.arrayContaining(['open', 'write', 'sync', 'close', 'rename', 'syncFolder']),
        );

        let absent = 0;
        let present = 0;
        for (const record of ops) {
          for (const torn of record.op === 'write' ? [false, true] : [false]) {
            const label = `cut at ${record.op} #${record.n}${torn ? ' (torn)' : ''}: ${record.path}`;
            const host = await setUp();
            host.faults.reset();
            host.faults.powerCutAt(record.op, record.n, { torn });
            const outcome = await attempt(host, method, image);
            const after = host.reopenAfterPowerCut();
            const cut = await after.snapshot();
            const entries = cut.volumes[0]?.entries ?? [];
            // The parent (and the child MergeTo and Convert read) is byte for byte what it was.
            expect(entry(entries, PARENT), label).toEqual(parent);
            expect(entry(entries, CHILD), label).toEqual(child);
            // The image's path: nothing, or the whole image as an uninterrupted run writes it.
            const there = entry(entries, image);
            // Success is reported only for an image already whole and durable (a cut while
            // clearing leftovers).
            if (outcome === 'S_OK') expect(there, label).toBeDefined();
            if (there === undefined) absent++;
            else {
              present++;
              expect(there, label).toEqual(whole);
              await (method.check ?? checkVhd)(after, image);
            }
            // Anything else new is a folder the call made or its temporary file.
            for (const e of entries) {
              if (entry(start.volumes[0]?.entries ?? [], e.path) !== undefined) continue;
              if (e === there) continue;
              const name = e.path.slice(e.path.lastIndexOf('\\') + 1);
              const allowed =
                e.kind === 'directory'
                  ? windowsPath.isWithin(
                      windowsPath.parseAbsolute(place.folder) as never,
                      windowsPath.parseAbsolute(e.path) as never,
                    )
                  : isTemporaryName(
                      name,
                      windowsPath.pathKey(windowsPath.parseAbsolute(image) as never),
                    );
              expect(allowed, `${label}: left ${e.path}`).toBe(true);
            }
            // The next creation of the path: E_ALREADY_EXISTS over a whole image, or S_OK; either
            // way the host ends as after an uninterrupted run: the same entries and sizes, the
            // same free space (a new image differs only in its UUID).
            const again = await attempt(after, method, image);
            expect(again, label).toBe(there === undefined ? 'S_OK' : 'E_ALREADY_EXISTS');
            expect(shape(await after.snapshot()), label).toEqual(shape(done));
            await (method.check ?? checkVhd)(after, image);
          }
        }
        expect(absent).toBeGreaterThan(0);
        expect(present + absent).toBeGreaterThan(ops.length);
      });
    }
  }
});
