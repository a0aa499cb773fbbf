/**
 * Two processes at once on real files: a writer holds its image exclusively (a second writer
 * exits 1 with LOCKED, a reader runs beside it), a killed writer's lock holds until it is stale,
 * and of racing creates of one path exactly one wins, through the CLI and through vs-api on the
 * node host.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, stat, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { temporaryName } from '@vskit/host';
import { WRITER_LOCK_STALE_MS, writerLockPath } from '@vskit/host-node';
import { describe, expect, it } from 'vitest';
import {
  BIN,
  builtCliAndTempFolder,
  errorCode,
  pattern,
  vskit,
  vskitOk,
} from './__fixtures__/cli-process.js';

const tmp = builtCliAndTempFolder();

/** A `vskit write` that holds its image until its stdin ends. */
interface HeldWriter {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; stderr: string }>;
}

function startWriter(image: string): HeldWriter {
  const child = spawn(process.execPath, [BIN, 'write', image, '--offset', '0'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const err: Buffer[] = [];
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  child.stdout?.resume();
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) =>
    child.on('close', (code) => resolve({ code, stderr: Buffer.concat(err).toString() })),
  );
  return { child, done };
}

/** Waits (no deadline but the test's) until `path` exists: the writer holds its lock. */
async function until(path: string, writer: HeldWriter): Promise<void> {
  let exited = false;
  void writer.done.then(() => {
    exited = true;
  });
  while (
    !(await stat(path).then(
      () => true,
      () => false,
    ))
  ) {
    if (exited) throw new Error(`the writer ended before ${path} appeared`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('one writer at a time, between processes', () => {
  it('a second vskit write is LOCKED and names the file; a reader runs beside; the first finishes intact', async () => {
    const image = join(tmp.dir, 'busy.vhd');
    const input = join(tmp.dir, 'input.bin');
    await vskitOk(['create', 'dynamic', image, '16MiB']);
    await writeFile(input, pattern(4096, 2));
    const first = startWriter(image);
    await until(writerLockPath(image), first);

    const second = await vskit(['write', image, '--offset', '1MiB', '--input', input]);
    expect(second.code).toBe(1);
    expect(errorCode(second.stderr)).toBe('LOCKED');
    expect(second.stderr).toContain(image);

    const reader = await vskit(['cat', image, '--length', '512']);
    expect(reader.code).toBe(0);
    expect(reader.stdout.length).toBe(512);

    first.child.stdin?.end(pattern(8192, 1));
    expect(await first.done).toEqual({ code: 0, stderr: '' });
    await expect(stat(writerLockPath(image))).rejects.toMatchObject({ code: 'ENOENT' });
    await vskitOk(['check', image]);
    expect((await vskitOk(['cat', image, '--length', '8192'])).stdout).toEqual(
      Buffer.from(pattern(8192, 1)),
    );
    // Once the first is done, the second may write.
    await vskitOk(['write', image, '--offset', '1MiB', '--input', input]);
  });

  it('a killed writer keeps the image LOCKED until its lock is stale, then the next writer takes it', async () => {
    const image = join(tmp.dir, 'killed.vhd');
    await vskitOk(['create', 'dynamic', image, '16MiB']);
    const writer = startWriter(image);
    await until(writerLockPath(image), writer);
    writer.child.kill('SIGKILL');
    await writer.done;
    // The dead process could not remove its lock.
    expect((await stat(writerLockPath(image))).isDirectory()).toBe(true);
    const refused = await vskit(['write', image, '--offset', '0'], { input: 'x' });
    expect(errorCode(refused.stderr)).toBe('LOCKED');
    // Age the lock past the stale threshold, as time would.
    const old = new Date(Date.now() - 2 * WRITER_LOCK_STALE_MS);
    await utimes(writerLockPath(image), old, old);
    await vskitOk(['write', image, '--offset', '0'], new TextEncoder().encode('taken over'));
    await vskitOk(['check', image]);
    await expect(stat(writerLockPath(image))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('racing creates between processes', () => {
  it('of eight vskit create runs of one path exactly one wins; the others are EEXIST; nothing else is left', async () => {
    const folder = join(tmp.dir, 'race-cli');
    await vskitOk(['create', 'dynamic', join(tmp.dir, 'warm.vhd'), '3MiB']);
    await import('node:fs/promises').then((fs) => fs.mkdir(folder));
    const image = join(folder, 'same.vhd');
    const runs = await Promise.all(
      Array.from({ length: 8 }, () => vskit(['create', 'dynamic', image, '64MiB'])),
    );
    expect(runs.filter((r) => r.code === 0)).toHaveLength(1);
    for (const loser of runs.filter((r) => r.code !== 0)) {
      expect(loser.code).toBe(1);
      expect(errorCode(loser.stderr)).toBe('EEXIST');
    }
    await vskitOk(['check', image]);
    expect(await readdir(folder)).toEqual(['same.vhd']);
  });

  it('of eight vskit vs CreateDynamicVirtualHardDisk runs of one path on the node host exactly one gets S_OK', async () => {
    const root = join(tmp.dir, 'race-vs');
    await import('node:fs/promises').then((fs) => fs.mkdir(root));
    const runs = await Promise.all(
      Array.from({ length: 8 }, () =>
        vskit([
          'vs',
          'CreateDynamicVirtualHardDisk',
          'C:\\vms\\same.vhd',
          '16',
          '--volume',
          `C=${root}`,
        ]),
      ),
    );
    const outcomes = runs.map((r) => r.stdout.toString() + r.stderr);
    expect(outcomes.filter((o) => /task error +S_OK/.test(o))).toHaveLength(1);
    for (const o of outcomes.filter((x) => !/task error +S_OK/.test(x))) {
      expect(o).toContain('E_ALREADY_EXISTS');
    }
    expect(await readdir(join(root, 'vms'))).toEqual(['same.vhd']);
    await vskitOk(['check', join(root, 'vms', 'same.vhd')]);
  });
});

describe('atomic vskit create', () => {
  it('removes the temporary file a crashed create of the same path left, and leaves no other', async () => {
    const image = join(tmp.dir, 'after-crash.vhd');
    const leftover = temporaryName(image, new Uint8Array([1, 2, 3, 4]));
    const other = temporaryName(join(tmp.dir, 'someone-else.vhd'), new Uint8Array([1, 2, 3, 4]));
    await writeFile(join(tmp.dir, leftover), new Uint8Array(1024));
    await writeFile(join(tmp.dir, other), new Uint8Array(10));
    await vskitOk(['create', 'fixed', image, '3MiB']);
    const names = await readdir(tmp.dir);
    expect(names).not.toContain(leftover);
    expect(names).toContain(other);
    expect(names.filter((n) => n.startsWith('~vskit-'))).toEqual([other]);
    await vskitOk(['check', image]);
  });
});
