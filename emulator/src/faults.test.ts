import { HOST_ERROR_CODES, type HostErrorCode, type HostFile, isHostError } from '@vskit/host';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Command,
  commandArbitrary,
  runCommand,
  SEED_COMMANDS,
} from './__fixtures__/host-commands.js';
import { createEmulatedHost, type EmulatedHost } from './emulated-host.js';
import { FAULT_OPERATIONS, type FaultOperation } from './faults.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const code = (expected: HostErrorCode) => (error: unknown) => isHostError(error, expected);

function host(): EmulatedHost {
  return createEmulatedHost({
    volumes: [{ drive: 'C', fileSystem: 'NTFS', capacityBytes: 2 ** 30 }],
  });
}

async function seeded(): Promise<EmulatedHost> {
  const h = host();
  for (const c of SEED_COMMANDS) await runCommand(h, c);
  h.faults.reset();
  return h;
}

/** Calls that change nothing but the call itself: their failure must leave every volume as it was. */
const SINGLE_CALL: ReadonlySet<Command['kind']> = new Set([
  'mkdir',
  'unlink',
  'rmdir',
  'rename',
  'stat',
  'readdir',
]);

describe('fault injection', () => {
  it('failNth fails exactly the n-th call of an operation from now, once', async () => {
    const h = host();
    await h.writeFile('C:\\a', bytes('a'));
    h.faults.failNth('mkdir', 2, 'EACCES');
    await h.mkdir('C:\\one');
    await expect(h.mkdir('C:\\two')).rejects.toSatisfy(code('EACCES'));
    await h.mkdir('C:\\two');
    expect(await h.readdir('C:\\')).toEqual(['a', 'one', 'two']);
  });

  it('failPath fails matching calls, as often as asked', async () => {
    const h = host();
    await h.mkdir('C:\\vms');
    h.faults.failPath('open', /child\.vhd$/i, 'ENOSPC', { times: 2 });
    await expect(h.open('C:\\vms\\CHILD.vhd', 'createNew')).rejects.toSatisfy(code('ENOSPC'));
    await expect(h.open('C:\\vms\\child.vhd', 'createNew')).rejects.toSatisfy(code('ENOSPC'));
    await (await h.open('C:\\vms\\other.vhd', 'createNew')).close();
    await (await h.open('C:\\vms\\child.vhd', 'createNew')).close();
    h.faults.failPath('*', 'c:\\VMS\\child.vhd', 'EIO');
    await expect(h.unlink('C:\\vms\\child.vhd')).rejects.toSatisfy(code('EIO'));
    await expect(h.rename('C:\\vms\\other.vhd', 'C:\\vms\\child.vhd')).rejects.toSatisfy(
      code('EIO'),
    );
    h.faults.clear();
    await h.unlink('C:\\vms\\child.vhd');
  });

  it('failPath on file calls matches the path the file was opened by', async () => {
    const h = host();
    const file = await h.open('C:\\disk.vhd', 'createNew');
    h.faults.failPath('write', /disk\.vhd$/, 'EIO');
    await expect(file.write(bytes('x'), 0)).rejects.toSatisfy(code('EIO'));
    expect(await file.size()).toBe(0);
    await file.close();
  });

  it('counts and logs every call per operation', async () => {
    const h = host();
    await h.writeFile('C:\\a', bytes('abc'));
    await h.readFile('C:\\A');
    await h.exists('C:\\b');
    await h.mkdir('C:\\d').catch(() => undefined);
    await h.unlink('C:\\nothing').catch(() => undefined);
    expect(h.faults.counts()).toEqual({
      open: 2,
      read: 1,
      write: 1,
      size: 1,
      truncate: 0,
      sync: 1,
      close: 2,
      stat: 1,
      readdir: 0,
      mkdir: 1,
      rename: 0,
      unlink: 1,
      rmdir: 0,
      syncFolder: 0,
      setReadOnly: 0,
    });
    const log = h.faults.log();
    expect(log.map((r) => r.op)).toEqual([
      'open',
      'write',
      'sync',
      'close',
      'open',
      'size',
      'read',
      'close',
      'stat',
      'mkdir',
      'unlink',
    ]);
    expect(log.at(-1)).toEqual({
      seq: 11,
      op: 'unlink',
      n: 1,
      path: 'C:\\nothing',
      error: 'ENOENT',
    });
    h.faults.reset();
    expect(h.faults.log()).toEqual([]);
    expect(h.faults.counts().open).toBe(0);
  });

  it('every fault operation, failed on its next call, surfaces the errno and changes nothing', async () => {
    type Step = (h: EmulatedHost, file: HostFile) => Promise<unknown>;
    const calls: Record<FaultOperation, Step> = {
      open: (h) => h.open('C:\\new', 'createNew'),
      read: (_, f) => f.read(new Uint8Array(3), 0),
      write: (_, f) => f.write(bytes('xyz'), 1),
      size: (_, f) => f.size(),
      truncate: (_, f) => f.truncate(4096),
      sync: (_, f) => f.sync(),
      close: (_, f) => f.close(),
      stat: (h) => h.stat('C:\\a'),
      readdir: (h) => h.readdir('C:\\'),
      mkdir: (h) => h.mkdir('C:\\d2'),
      rename: (h) => h.rename('C:\\d', 'C:\\e'),
      unlink: (h) => h.unlink('C:\\b'),
      rmdir: (h) => h.rmdir('C:\\d'),
      syncFolder: (h) => h.syncFolder('C:\\d'),
      setReadOnly: (h) => h.setReadOnly('C:\\b', true),
    };
    expect(Object.keys(calls).sort()).toEqual([...FAULT_OPERATIONS].sort());
    for (const op of FAULT_OPERATIONS) {
      const h = host();
      await h.writeFile('C:\\a', bytes('abc'));
      await h.writeFile('C:\\b', bytes('b'));
      await h.mkdir('C:\\d');
      const file = await h.open('C:\\a', 'readWrite');
      const before = await h.snapshot();
      h.faults.failNth(op, 1, 'EACCES');
      await expect(calls[op](h, file), op).rejects.toSatisfy(code('EACCES'));
      expect(await h.snapshot(), op).toEqual(before);
      if (op === 'close') {
        // A failing close still releases the handle (README): the file is closed, and free.
        await expect(file.read(new Uint8Array(1), 0)).rejects.toSatisfy(code('EBADF'));
        await h.unlink('C:\\a');
      } else {
        // The fault fired once: the same call now succeeds.
        await calls[op](h, file);
      }
    }
  });

  it('refuses unknown operations and counts below 1', () => {
    const h = host();
    expect(() => h.faults.failNth('chmod' as FaultOperation, 1)).toThrow(RangeError);
    expect(() => h.faults.failNth('write', 0)).toThrow(RangeError);
    expect(() => h.faults.powerCutAt('write', 1.5)).toThrow(RangeError);
  });

  it('every injected fault surfaces as the chosen errno and leaves the state consistent', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(commandArbitrary(), { minLength: 1, maxLength: 12 }),
        fc.constantFrom(...FAULT_OPERATIONS),
        fc.integer({ min: 1, max: 6 }),
        fc.constantFrom(...HOST_ERROR_CODES),
        async (commands, op, n, errno) => {
          // A clean run says how many calls of `op` there are; the fault goes to one of them.
          const clean = await seeded();
          for (const c of commands) await runCommand(clean, c);
          const calls = clean.faults.counts()[op];
          fc.pre(calls > 0);
          const nth = ((n - 1) % calls) + 1;

          const h = await seeded();
          h.faults.failNth(op, nth, errno);
          let surfaced = false;
          for (const c of commands) {
            const before = h.faults.log().length;
            const snapshot = SINGLE_CALL.has(c.kind) ? await h.snapshot() : undefined;
            const result = JSON.stringify(await runCommand(h, c));
            const hit = h.faults
              .log()
              .slice(before)
              .find((r) => r.injected === true);
            if (hit === undefined) continue;
            expect(hit).toMatchObject({ op, n: nth, error: errno });
            expect(result).toContain(`"error":"${errno}"`);
            if (snapshot !== undefined) expect(await h.snapshot()).toEqual(snapshot);
            surfaced = true;
          }
          expect(surfaced).toBe(true);
          // Once every folder is synced (renames are durable only then), the durable state is a
          // consistent host: same tree and sizes, space adds up.
          h.faults.clear();
          const live = await h.snapshot();
          await h.syncFolder('C:\\');
          for (const entry of live.volumes[0]?.entries ?? []) {
            if (entry.kind === 'directory') await h.syncFolder(entry.path);
          }
          const durable = await h.durableSnapshot();
          const shape = (s: typeof live) =>
            s.volumes.map((v) => ({
              free: v.freeBytes,
              entries: v.entries.map((e) => [e.path, e.kind, e.size]),
            }));
          expect(shape(durable)).toEqual(shape(live));
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('power cuts', () => {
  it('after a power cut every call fails with EIO', async () => {
    const h = host();
    await h.writeFile('C:\\a', bytes('a'));
    h.faults.powerCutAt('stat', 1);
    await expect(h.exists('C:\\a')).rejects.toSatisfy(code('EIO'));
    expect(h.faults.poweredOff).toBe(true);
    await expect(h.mkdir('C:\\d')).rejects.toSatisfy(code('EIO'));
    await expect(h.readFile('C:\\a')).rejects.toSatisfy(code('EIO'));
    h.faults.clear();
    await expect(h.readdir('C:\\')).rejects.toSatisfy(code('EIO'));
  });

  it('loses unsynced writes and keeps synced ones', async () => {
    const h = host();
    const file = await h.open('C:\\disk.vhd', 'createNew');
    await file.write(bytes('synced'), 0);
    await file.sync();
    await file.write(bytes('LOST'), 0);
    await file.write(bytes('+tail'), 6);
    h.faults.powerCutAt('write', 1);
    await expect(file.write(bytes('never'), 0)).rejects.toSatisfy(code('EIO'));
    const after = h.reopenAfterPowerCut();
    // The size is metadata and survives; the unsynced bytes read as what was there before.
    expect(new TextDecoder().decode(await after.readFile('C:\\disk.vhd'))).toBe('synced\0\0\0\0\0');
    await after.writeFile('C:\\new', bytes('the new host works'));
    expect(after.faults.poweredOff).toBe(false);
  });

  it('a torn write keeps the sectors of its first half', async () => {
    const h = host();
    const file = await h.open('C:\\disk.vhd', 'createNew');
    await file.write(new Uint8Array(4096).fill(1), 0);
    await file.sync();
    h.faults.powerCutAt('write', 1, { torn: true });
    await expect(file.write(new Uint8Array(3000).fill(2), 100)).rejects.toSatisfy(code('EIO'));
    const data = await h.reopenAfterPowerCut().readFile('C:\\disk.vhd');
    // 100 + 1500 = 1600 -> the tear falls at the sector boundary 1536.
    expect(data.length).toBe(4096);
    expect(data.subarray(0, 100).every((b) => b === 1)).toBe(true);
    expect(data.subarray(100, 1536).every((b) => b === 2)).toBe(true);
    expect(data.subarray(1536).every((b) => b === 1)).toBe(true);
  });

  it('after a power cut the durable bytes are what was synced, write by write', async () => {
    type Step =
      | { kind: 'write'; position: number; data: Uint8Array }
      | { kind: 'sync' }
      | { kind: 'truncate'; length: number };
    const step: fc.Arbitrary<Step> = fc.oneof(
      fc.record({
        kind: fc.constant('write' as const),
        position: fc.nat(140_000),
        data: fc.uint8Array({ minLength: 1, maxLength: 3000 }),
      }),
      fc.record({ kind: fc.constant('sync' as const) }),
      fc.record({ kind: fc.constant('truncate' as const), length: fc.nat(140_000) }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(step, { maxLength: 15 }),
        fc.integer({ min: 1, max: 20 }),
        fc.boolean(),
        async (steps, cutAt, torn) => {
          const h = host();
          const file = await h.open('C:\\f', 'createNew');
          let current = new Uint8Array(0);
          let durable = new Uint8Array(0);
          const resized = (bytes: Uint8Array, length: number) => {
            const next = new Uint8Array(length);
            next.set(bytes.subarray(0, length));
            return next;
          };
          h.faults.powerCutAt('write', cutAt, { torn });
          let writes = 0;
          for (const s of steps) {
            if (s.kind === 'write') {
              writes++;
              const end = s.position + s.data.length;
              if (writes === cutAt) {
                await expect(file.write(s.data, s.position)).rejects.toSatisfy(code('EIO'));
                const tearAt = Math.floor((s.position + Math.floor(s.data.length / 2)) / 512) * 512;
                if (torn && tearAt > s.position) {
                  durable = resized(durable, Math.max(durable.length, tearAt));
                  durable.set(s.data.subarray(0, tearAt - s.position), s.position);
                }
                break;
              }
              await file.write(s.data, s.position);
              current = resized(current, Math.max(current.length, end));
              current.set(s.data, s.position);
              durable = resized(durable, current.length);
            } else if (s.kind === 'sync') {
              await file.sync();
              durable = current.slice();
            } else {
              await file.truncate(s.length);
              current = resized(current, s.length);
              durable = resized(durable, s.length);
            }
          }
          const after = await h.reopenAfterPowerCut().readFile('C:\\f');
          expect(after.length).toBe(durable.length);
          expect(Buffer.compare(after, durable)).toBe(0);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keeps the namespace: folders, creations and removals are durable at once', async () => {
    const h = host();
    await h.mkdir('C:\\a\\b', { recursive: true });
    await h.writeFile('C:\\a\\f', bytes('x'));
    await h.writeFile('C:\\a\\g', bytes('y'));
    await h.setReadOnly('C:\\a\\f', true);
    await h.unlink('C:\\a\\g');
    h.faults.powerCut();
    const after = h.reopenAfterPowerCut();
    expect((await after.snapshot()).volumes[0]?.entries.map((e) => e.path)).toEqual([
      'C:\\a',
      'C:\\a\\b',
      'C:\\a\\f',
    ]);
    expect((await after.stat('C:\\a\\f'))?.readOnly).toBe(true);
    expect(after.volumeInfo('C')).toEqual(h.volumeInfo('C'));
  });

  it('a rename is lost in a power cut until the folder it moved into is synced', async () => {
    const h = host();
    await h.mkdir('C:\\a\\b', { recursive: true });
    await h.writeFile('C:\\a\\f', bytes('x'));
    await h.rename('C:\\a\\f', 'C:\\a\\b\\F2');
    const paths = async (x: EmulatedHost) =>
      (await x.snapshot()).volumes[0]?.entries.map((e) => e.path);
    expect(await paths(h.reopenAfterPowerCut())).toEqual(['C:\\a', 'C:\\a\\b', 'C:\\a\\f']);
    await h.syncFolder('C:\\a'); // the folder it left: not enough
    expect(await paths(h.reopenAfterPowerCut())).toEqual(['C:\\a', 'C:\\a\\b', 'C:\\a\\f']);
    await h.syncFolder('C:\\A\\B');
    expect(await paths(h.reopenAfterPowerCut())).toEqual(['C:\\a', 'C:\\a\\b', 'C:\\a\\b\\F2']);
  });

  it('an unsynced folder rename takes its whole tree back; a name taken again loses the entry', async () => {
    const h = host();
    await h.mkdir('C:\\d\\e', { recursive: true });
    await h.writeFile('C:\\d\\e\\f', bytes('x'));
    await h.rename('C:\\d', 'C:\\moved');
    const back = h.reopenAfterPowerCut();
    expect((await back.readFile('C:\\d\\e\\f')).length).toBe(1);
    expect(await back.exists('C:\\moved')).toBe(false);
    await h.writeFile('C:\\g', bytes('old'));
    await h.rename('C:\\g', 'C:\\h');
    await h.writeFile('C:\\g', bytes('new!'));
    const taken = h.reopenAfterPowerCut();
    expect(new TextDecoder().decode(await taken.readFile('C:\\g'))).toBe('new!');
    expect(await taken.exists('C:\\h')).toBe(false);
    // The lost file's clusters are free again.
    const used = (x: EmulatedHost) =>
      (x.volumeInfo('C')?.capacityBytes ?? 0) - (x.volumeInfo('C')?.freeBytes ?? 0);
    expect(used(taken)).toBe(used(h) - 4096);
  });

  it('syncFolder needs a folder', async () => {
    const h = host();
    await h.writeFile('C:\\f', bytes('x'));
    await expect(h.syncFolder('C:\\f')).rejects.toSatisfy(code('ENOTDIR'));
    await expect(h.syncFolder('C:\\none')).rejects.toSatisfy(code('ENOENT'));
    await h.syncFolder('C:\\');
  });
});

describe('reopening', () => {
  it('keeps file and folder times, and the new host is not shutting down', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const h = createEmulatedHost({
      volumes: [{ drive: 'C', fileSystem: 'FAT16' }],
      now: () => now,
    });
    await h.mkdir('C:\\d');
    await h.writeFile('C:\\d\\f', bytes('x'));
    const before = [await h.stat('C:\\d'), await h.stat('C:\\d\\f')];
    h.beginShutdown();
    now = new Date('2027-01-01T00:00:00Z');
    const after = h.reopenAfterPowerCut();
    expect([await after.stat('C:\\d'), await after.stat('C:\\d\\f')]).toEqual(before);
    expect(after.isShuttingDown()).toBe(false);
    expect(after.now()).toEqual(now);
  });
});
