import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { temporaryName } from '@vskit/host';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CreationSteps,
  createFileAtomically,
  NODE_BLOCKING_CREATION_STEPS,
  NODE_CREATION_STEPS,
} from './atomic.js';
import { BLOCKING_CALLS, THREAD_POOL_CALLS } from './fs-calls.js';
import { openNodeFile } from './node-file.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vskit-atomic-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Whether `promise` has settled after a few turns of the microtask queue (no I/O callback). */
async function settlesWithoutIo(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  promise.then(
    () => {
      settled = true;
    },
    () => {
      settled = true;
    },
  );
  for (let i = 0; i < 50; i++) await Promise.resolve();
  const early = settled;
  await promise.catch(() => undefined);
  return early;
}

const KINDS: ReadonlyArray<[string, CreationSteps]> = [
  ['thread-pool steps', NODE_CREATION_STEPS],
  ['blocking steps', NODE_BLOCKING_CREATION_STEPS],
];

describe.each(KINDS)('createFileAtomically with the %s', (kind, steps) => {
  const name = kind.split(' ')[0]!;

  it('makes the file whole under its name, refuses a name that is taken, and leaves no temporary file', async () => {
    const path = join(dir, `${name}-made.bin`);
    await createFileAtomically(path, (file) => file.write(new Uint8Array([1, 2, 3]), 0), {
      steps,
    });
    expect([...(await readFile(path))]).toEqual([1, 2, 3]);
    await expect(
      createFileAtomically(path, async () => undefined, { steps }),
    ).rejects.toMatchObject({ code: 'EEXIST' });
    expect((await readdir(dir)).filter((n) => n.startsWith('~vskit-'))).toEqual([]);
  });

  it('removes its temporary file when the fill fails, and what an earlier crash left once it succeeds', async () => {
    const path = join(dir, `${name}-failed.bin`);
    await expect(
      createFileAtomically(
        path,
        async () => {
          throw new Error('no room');
        },
        { steps },
      ),
    ).rejects.toThrow('no room');
    const names = await readdir(dir);
    expect(names).not.toContain(`${name}-failed.bin`);
    expect(names.filter((n) => n.startsWith('~vskit-'))).toEqual([]);
    // A leftover of an earlier creation of the same name (as a power cut leaves it).
    const leftover = temporaryName(path, new Uint8Array([0, 0, 0, 1]));
    await writeFile(join(dir, leftover), 'x');
    await createFileAtomically(path, async () => undefined, { steps });
    expect(await readdir(dir)).toContain(`${name}-failed.bin`);
    expect(await readdir(dir)).not.toContain(leftover);
  });

  it('reports a missing folder as ENOENT', async () => {
    await expect(
      createFileAtomically(join(dir, 'no-such-folder', 'x.bin'), async () => undefined, { steps }),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('the two kinds of node:fs calls', () => {
  it('give the same results and the same errors', async () => {
    const path = join(dir, 'calls.bin');
    await writeFile(path, 'abc');
    for (const calls of [THREAD_POOL_CALLS, BLOCKING_CALLS]) {
      expect((await calls.lstat(path)).size).toBe(3);
      expect(await calls.readdir(dir)).toContain('calls.bin');
      await expect(calls.lstat(join(dir, 'none'))).rejects.toMatchObject({ code: 'ENOENT' });
      await expect(calls.unlink(join(dir, 'none'))).rejects.toMatchObject({ code: 'ENOENT' });
    }
  });

  it('blocking steps and opens answer without waiting for the thread pool; the others wait for it', async () => {
    const path = join(dir, 'calls.bin');
    await writeFile(path, 'abc');
    expect(await settlesWithoutIo(NODE_BLOCKING_CREATION_STEPS.exists(path))).toBe(true);
    expect(await settlesWithoutIo(NODE_CREATION_STEPS.exists(path))).toBe(false);
    const blocking = openNodeFile(path, 'read', { io: 'sync' });
    expect(await settlesWithoutIo(blocking)).toBe(true);
    await (await blocking).close();
    const pooled = openNodeFile(path, 'read');
    expect(await settlesWithoutIo(pooled)).toBe(false);
    await (await pooled).close();
    const file = await NODE_BLOCKING_CREATION_STEPS.createNew(join(dir, 'blocking-new.bin'));
    expect(await settlesWithoutIo(file.write(new Uint8Array(8), 0))).toBe(true);
    await file.close();
  });
});
