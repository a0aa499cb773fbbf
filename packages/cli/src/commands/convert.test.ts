/**
 * `vskit convert` as a whole process: chains flattened, raw bytes imported, sparse output, the
 * source never written, the target never overwritten; and what qemu-img makes of the results.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BIN,
  builtCliAndTempFolder,
  errorCode,
  pattern,
  peerAvailable,
  REQUIRE_PEERS,
  run,
  vskit,
  vskitOk,
} from '../__fixtures__/cli-process.js';

const MiB = 2 ** 20;
const tmp = builtCliAndTempFolder();
const hasQemu =
  (await peerAvailable('qemu-img', ['--version'])) &&
  (await peerAvailable('qemu-io', ['--version']));

const digest = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

async function convertJson(args: string[]) {
  const result = await vskitOk(['convert', ...args, '--json']);
  return JSON.parse(result.stdout.toString()) as Record<string, unknown>;
}

/** A depth-3 chain (dynamic base, two children) with data in each layer, and its raw bytes. */
async function chain(name: string) {
  const dir = join(tmp.dir, name);
  await mkdir(dir);
  const base = join(dir, 'base.vhd');
  const mid = join(dir, 'mid.vhd');
  const top = join(dir, 'top.vhd');
  await vskitOk(['create', 'dynamic', base, '12MiB', '--exact']);
  await vskitOk(['write', base, '--offset', '0'], pattern(3 * MiB, 1));
  await vskitOk(['create', 'diff', mid, base]);
  await vskitOk(['write', mid, '--offset', '1MiB'], pattern(4096 + 512, 2));
  await vskitOk(['write', mid, '--offset', '8MiB'], new Uint8Array(MiB)); // zeros, allocated
  await vskitOk(['create', 'diff', top, mid]);
  await vskitOk(['write', top, '--offset', '6MiB'], pattern(700_000, 3));
  const raw = (await vskitOk(['cat', top])).stdout;
  return { dir, base, mid, top, raw, layers: [base, mid, top] };
}

describe('vskit convert', () => {
  it('flattens a chain into dynamic, fixed and raw files that read as the chain did; the chain is unchanged', async () => {
    const c = await chain('flatten');
    const before = await Promise.all(c.layers.map(digest));
    const dynamic = join(c.dir, 'flat.vhd');
    const report = await convertJson([c.top, dynamic]);
    expect(report).toMatchObject({
      inputFormat: 'vhd',
      layers: 3,
      type: 'dynamic',
      virtualSize: 12 * MiB,
      blockSize: 2 * MiB,
    });
    // Blocks 0, 1 (base and mid data) and 3 (top): the zeros written at 8 MiB are not stored.
    expect(report.allocatedBlocks).toBe(3);
    const fixed = join(c.dir, 'flat-fixed.vhd');
    expect(await convertJson([c.top, fixed, '--type', 'fixed'])).toMatchObject({
      type: 'fixed',
      fileSize: 12 * MiB + 512,
    });
    const raw = join(c.dir, 'flat.img');
    expect(await convertJson([c.top, raw])).toMatchObject({ type: 'raw', fileSize: 12 * MiB });
    expect(Buffer.compare(await readFile(raw), c.raw)).toBe(0);
    for (const out of [dynamic, fixed]) {
      expect(Buffer.compare((await vskitOk(['cat', out])).stdout, c.raw)).toBe(0);
    }
    expect(await Promise.all(c.layers.map(digest))).toEqual(before);
    // The raw output has holes: fewer blocks on disk than its size (on a sparse file system).
    const facts = await stat(raw);
    expect(facts.blocks * 512).toBeLessThan(facts.size);
  });

  it('imports raw bytes by content, whatever the name, into an image about the size of its data', async () => {
    const dir = join(tmp.dir, 'import');
    await mkdir(dir);
    const data = new Uint8Array(16 * MiB);
    data.set(pattern(4 * MiB, 9), 0);
    data.set(pattern(4 * MiB, 10), 10 * MiB);
    const input = join(dir, 'disk.vhd.bin');
    await writeFile(input, data);
    const out = join(dir, 'disk.vhd');
    const report = await convertJson([input, out]);
    expect(report).toMatchObject({ inputFormat: 'raw', type: 'dynamic', allocatedBlocks: 4 });
    expect((await stat(out)).size).toBeLessThan(8 * MiB + 64 * 1024);
    expect(Buffer.compare((await vskitOk(['cat', out])).stdout, Buffer.from(data))).toBe(0);
  });

  it('pads a raw input that is not whole sectors with zeros, and says so', async () => {
    const input = join(tmp.dir, 'odd.bin');
    await writeFile(input, pattern(1000, 4));
    const out = join(tmp.dir, 'odd.vhd');
    const result = await vskit(['convert', input, out, '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^vskit: warning: .* 24 zero bytes end the disk\n$/);
    expect(JSON.parse(result.stdout.toString())).toMatchObject({ virtualSize: 1024, padding: 24 });
    const back = (await vskitOk(['cat', out])).stdout;
    expect(Buffer.compare(back.subarray(0, 1000), Buffer.from(pattern(1000, 4)))).toBe(0);
    expect(back.subarray(1000).every((b) => b === 0)).toBe(true);
  });

  it('never overwrites: an existing output is EEXIST and stays as it was', async () => {
    const input = join(tmp.dir, 'small.bin');
    await writeFile(input, pattern(8192, 5));
    const out = join(tmp.dir, 'taken.vhd');
    await writeFile(out, 'keep me');
    const result = await vskit(['convert', input, out]);
    expect(result.code).toBe(1);
    expect(errorCode(result.stderr)).toBe('EEXIST');
    expect(await readFile(out, 'utf8')).toBe('keep me');
  });

  it('refuses an unknown --type and --block-size for a non-dynamic output as usage errors', async () => {
    const input = join(tmp.dir, 'small2.bin');
    await writeFile(input, pattern(8192, 6));
    for (const args of [
      ['--type', 'qcow2'],
      ['--type', 'raw', '--block-size', '4096'],
    ]) {
      const result = await vskit(['convert', input, join(tmp.dir, 'x.out'), ...args]);
      expect(result.code).toBe(2);
      expect(errorCode(result.stderr)).toBe('USAGE');
    }
  });
});

describe('vskit convert interrupted (Ctrl-C)', () => {
  const preload = pathToFileURL(
    join(import.meta.dirname, '..', '__fixtures__', 'sigint-at.mjs'),
  ).href;

  it.each(['before-open', 'after-open', 'first-write'])(
    'leaves no file when interrupted %s, exits 130 with CANCELLED, and a rerun works',
    async (at) => {
      const input = join(tmp.dir, `sigint-${at}.bin`);
      await writeFile(input, pattern(6 * MiB, 8));
      for (const type of ['dynamic', 'fixed', 'raw']) {
        const out = join(tmp.dir, `sigint-${at}-${type}.out`);
        const result = await run(
          process.execPath,
          ['--import', preload, BIN, 'convert', input, out, '--type', type],
          { env: { VSKIT_TEST_SIGINT_AT: at, VSKIT_TEST_SIGINT_PATH: out } },
        );
        expect(result.stderr, `${type}: ${result.stderr}`).toMatch(/^vskit: CANCELLED: /);
        expect(result.code, type).toBe(130);
        await expect(stat(out), type).rejects.toMatchObject({ code: 'ENOENT' });
        await vskitOk(['convert', input, out, '--type', type]);
      }
    },
  );
  it.each(['after-open', 'first-write'])(
    "leaves no file when a chain's raw export is interrupted %s, exits 130 with CANCELLED",
    async (at) => {
      // More pieces holding data than the export keeps under way, so that it is still copying
      // when the signal is seen.
      const dir = join(tmp.dir, `sigint-chain-${at}`);
      await mkdir(dir);
      const base = join(dir, 'base.vhd');
      const top = join(dir, 'top.vhd');
      await vskitOk(['create', 'dynamic', base, '32MiB', '--exact']);
      await vskitOk(['write', base, '--offset', '0'], pattern(16 * MiB, 11));
      await vskitOk(['create', 'diff', top, base]);
      await vskitOk(['write', top, '--offset', '20MiB'], pattern(8 * MiB, 12));
      const out = join(dir, 'flat.raw');
      const result = await run(process.execPath, ['--import', preload, BIN, 'convert', top, out], {
        env: { VSKIT_TEST_SIGINT_AT: at, VSKIT_TEST_SIGINT_PATH: out },
      });
      expect(result.stderr).toMatch(/^vskit: CANCELLED: /);
      expect(result.code).toBe(130);
      expect((await readdir(dir)).sort()).toEqual(['base.vhd', 'top.vhd']);
    },
  );
});

describe('vskit convert and the thread pool', () => {
  const preload = pathToFileURL(
    join(import.meta.dirname, '..', '__fixtures__', 'thread-pool-size.mjs'),
  ).href;
  /** The pool size a bin run of `args` had, and whether it ended well. */
  async function poolOf(args: string[], env: Record<string, string> = {}) {
    const log = join(tmp.dir, `pool-${args[0]}-${Object.keys(env).length}.txt`);
    const result = await run(process.execPath, ['--import', preload, BIN, ...args], {
      env: { ...env, VSKIT_TEST_POOL_LOG: log },
    });
    expect(result.code, result.stderr).toBe(0);
    return readFile(log, 'utf8');
  }

  it('runs convert with one thread-pool thread, the other commands with the default, and keeps what the user set', async () => {
    const c = await chain('pool');
    // What this test's own environment sets wins, as a user's would.
    const set = process.env.UV_THREADPOOL_SIZE;
    expect(await poolOf(['convert', c.top, join(c.dir, 'a.raw')])).toBe(set ?? '1');
    expect(await poolOf(['info', c.top])).toBe(set ?? 'unset');
    expect(
      await poolOf(['convert', c.top, join(c.dir, 'b.raw')], { UV_THREADPOOL_SIZE: '3' }),
    ).toBe('3');
    expect(Buffer.compare(await readFile(join(c.dir, 'a.raw')), c.raw)).toBe(0);
    expect(Buffer.compare(await readFile(join(c.dir, 'b.raw')), c.raw)).toBe(0);
  });
});

describe('vskit convert when a write fails (a full disk)', () => {
  const preload = pathToFileURL(
    join(import.meta.dirname, '..', '__fixtures__', 'write-fails-at.mjs'),
  ).href;

  it.each([1, 2, 3])(
    'reports ENOSPC of write %i of a raw export, with others under way, and leaves no file; a rerun works',
    async (at) => {
      const c = await chain(`enospc-${at}`);
      const out = join(c.dir, 'flat.raw');
      const result = await run(
        process.execPath,
        ['--import', preload, BIN, 'convert', c.top, out],
        {
          env: { VSKIT_TEST_FAIL_WRITE_AT: String(at), VSKIT_TEST_FAIL_WRITE_PATH: out },
        },
      );
      expect(result.code, result.stderr).toBe(1);
      expect(errorCode(result.stderr)).toBe('ENOSPC');
      expect((await readdir(c.dir)).sort()).toEqual(['base.vhd', 'mid.vhd', 'top.vhd']);
      await vskitOk(['convert', c.top, out]);
      expect(Buffer.compare(await readFile(out), c.raw)).toBe(0);
    },
  );
});

describe('qemu-img and qemu-io read what vskit convert makes', () => {
  // Skipped (not failed) when qemu-img or qemu-io is missing, unless VSKIT_REQUIRE_PEERS=1.
  it.runIf(hasQemu || REQUIRE_PEERS)(
    'fixed and dynamic results read as the chain; the raw export equals qemu-img convert -O raw (needs qemu-img, qemu-io)',
    async () => {
      expect(hasQemu, 'qemu-img and qemu-io are required by VSKIT_REQUIRE_PEERS=1').toBe(true);
      const c = await chain('qemu');
      const expected = join(c.dir, 'expected.raw');
      await writeFile(expected, c.raw);
      for (const type of ['fixed', 'dynamic']) {
        const out = join(c.dir, `${type}.vhd`);
        await vskitOk(['convert', c.top, out, '--type', type]);
        const compare = await run('qemu-img', ['compare', '-f', 'vpc', '-F', 'raw', out, expected]);
        expect(compare.stdout.toString()).toContain('Images are identical');
        // qemu-io reads one written range byte for byte.
        const io = await run('qemu-io', [
          '-f',
          'vpc',
          '-r',
          '-c',
          `read -P 0 ${8 * MiB} ${MiB}`,
          out,
        ]);
        expect(io.stdout.toString()).not.toContain('Pattern verification failed');
        expect(io.code).toBe(0);
      }
      // Our raw export against qemu's own raw export of the same VHD.
      const flat = join(c.dir, 'dynamic.vhd');
      const ours = join(c.dir, 'ours.raw');
      const theirs = join(c.dir, 'theirs.raw');
      await vskitOk(['convert', flat, ours]);
      const qemu = await run('qemu-img', ['convert', '-f', 'vpc', '-O', 'raw', flat, theirs]);
      expect(qemu.code).toBe(0);
      const compare = await run('qemu-img', ['compare', '-f', 'raw', '-F', 'raw', ours, theirs]);
      expect(compare.stdout.toString()).toContain('Images are identical');
    },
  );
});
