import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  BIN,
  builtCliAndTempFolder,
  errorCode,
  run,
  vskit,
  vskitOk,
} from '../__fixtures__/cli-process.js';

const MiB = 2 ** 20;
const tmp = builtCliAndTempFolder();

async function createJson(args: string[]) {
  const result = await vskitOk(['create', ...args, '--json']);
  return JSON.parse(result.stdout.toString()) as Record<string, unknown>;
}

describe('vskit create', () => {
  it('creates a fixed image of the size asked rounded up to a CHS capacity, its file one footer longer', async () => {
    const file = join(tmp.dir, 'fixed.vhd');
    const report = await createJson(['fixed', file, '4MiB']);
    // 4 MiB is 8192 sectors; 121/4/17 is the first geometry that reaches them (as qemu-img).
    const size = 121 * 4 * 17 * 512;
    expect(report).toMatchObject({
      file,
      type: 'fixed',
      virtualSize: size,
      requestedSize: 4 * MiB,
      geometry: { cylinders: 121, heads: 4, sectorsPerTrack: 17 },
      qemuVirtualSize: size,
      fileSize: size + 512,
    });
    expect((await stat(file)).size).toBe(size + 512);
  });

  it('--exact keeps the size asked and reports the smaller size qemu shows', async () => {
    const file = join(tmp.dir, 'exact.vhd');
    const report = await createJson(['fixed', file, '4MiB', '--exact']);
    expect(report).toMatchObject({
      virtualSize: 4 * MiB,
      requestedSize: 4 * MiB,
      geometry: { cylinders: 120, heads: 4, sectorsPerTrack: 17 },
      qemuVirtualSize: 120 * 4 * 17 * 512,
      fileSize: 4 * MiB + 512,
    });
    const human = await vskit([
      'create',
      'dynamic',
      join(tmp.dir, 'exact-1g.vhd'),
      '1GiB',
      '--exact',
    ]);
    expect(human.code).toBe(0);
    const text = human.stdout.toString();
    expect(text).toContain('virtual size  1 GiB (1073741824 bytes)');
    expect(text).toContain(
      'note: qemu-img shows 1023.75 MiB (1073479680 bytes), 262144 bytes less: it sizes this image by its geometry, 2080/16/63',
    );
    expect(text).not.toContain('rounded up    from');
  });

  it('--exact applies to fixed and dynamic images only', async () => {
    const result = await vskit([
      'create',
      'diff',
      join(tmp.dir, 'exact-child.vhd'),
      join(tmp.dir, 'no-parent-needed.vhd'),
      '--exact',
    ]);
    expect(result.code).toBe(2);
    expect(errorCode(result.stderr)).toBe('USAGE');
    await expect(stat(join(tmp.dir, 'exact-child.vhd'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it("a child of an exact-size parent takes the maximum geometry, so qemu shows it at the parent's size", async () => {
    const parent = join(tmp.dir, 'exact-parent.vhd');
    await createJson(['dynamic', parent, '4MiB', '--exact']);
    const child = join(tmp.dir, 'exact-parent-child.vhd');
    const report = await createJson(['diff', child, parent]);
    expect(report).toMatchObject({
      virtualSize: 4 * MiB,
      geometry: { cylinders: 65535, heads: 16, sectorsPerTrack: 255 },
      qemuVirtualSize: 4 * MiB,
    });
    expect(report.requestedSize).toBeUndefined();
  });

  it('creates a dynamic image with 2 MiB blocks by default, nothing allocated', async () => {
    const file = join(tmp.dir, 'dynamic.vhd');
    const report = await createJson(['dynamic', file, '512MB']);
    expect(report).toMatchObject({
      type: 'dynamic',
      virtualSize: 1041 * 16 * 63 * 512,
      requestedSize: 512 * MiB,
      qemuVirtualSize: 1041 * 16 * 63 * 512,
      blockSize: 2 * MiB,
    });
    expect((await stat(file)).size).toBeLessThan(64 * 1024);
    expect(report.uniqueId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it('takes --block-size for a dynamic image', async () => {
    const report = await createJson([
      'dynamic',
      join(tmp.dir, 'small-blocks.vhd'),
      '8MiB',
      '--block-size',
      '512KiB',
    ]);
    expect(report.blockSize).toBe(512 * 1024);
  });

  it('creates a differencing child with relative and absolute locators and the parent name', async () => {
    const parent = join(tmp.dir, 'parent.vhd');
    await createJson(['dynamic', parent, '8MiB']);
    const child = join(tmp.dir, 'child.vhd');
    const report = await createJson(['diff', child, parent]);
    expect(report).toMatchObject({
      type: 'differencing',
      virtualSize: 241 * 4 * 17 * 512,
      geometry: { cylinders: 241, heads: 4, sectorsPerTrack: 17 },
      qemuVirtualSize: 241 * 4 * 17 * 512,
      parent: {
        path: parent,
        unicodeName: 'parent.vhd',
        relativePath: '.\\parent.vhd',
        absolutePath: `Z:${parent.replaceAll('/', '\\')}`,
      },
    });
  });

  it('prints a readable summary without --json', async () => {
    const result = await vskit(['create', 'dynamic', join(tmp.dir, 'human.vhd'), '3MB']);
    expect(result.code).toBe(0);
    const text = result.stdout.toString();
    expect(text).toMatch(/^created dynamic \//);
    expect(text).toContain('virtual size  3.02 MiB (3168256 bytes)');
    expect(text).toContain(
      'rounded up    from 3145728 bytes to CHS 91/4/17: every reader shows one size',
    );
    expect(text).not.toContain('note:');
  });

  it('refuses to overwrite an existing file and leaves it untouched', async () => {
    const file = join(tmp.dir, 'precious.vhd');
    await writeFile(file, 'keep me');
    for (const args of [
      ['fixed', file, '4MiB'],
      ['dynamic', file, '4MiB'],
      ['diff', file, join(tmp.dir, 'parent.vhd')],
    ]) {
      const result = await vskit(['create', ...args]);
      expect(result.code).toBe(1);
      expect(errorCode(result.stderr)).toBe('EEXIST');
    }
    expect(await readFile(file, 'utf8')).toBe('keep me');
  });

  it('refuses a size that is not a whole number of sectors, creating nothing', async () => {
    const file = join(tmp.dir, 'odd.vhd');
    const result = await vskit(['create', 'dynamic', file, '1000']);
    expect(result.code).toBe(2);
    expect(errorCode(result.stderr)).toBe('INVALID_SIZE');
    await expect(stat(file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('passes the format limits on as error codes and removes the partial file', async () => {
    const huge = join(tmp.dir, 'huge.vhd');
    const tooLarge = await vskit(['create', 'dynamic', huge, '2041GiB']);
    expect(tooLarge.code).toBe(1);
    expect(errorCode(tooLarge.stderr)).toBe('SIZE_TOO_LARGE');
    await expect(stat(huge)).rejects.toMatchObject({ code: 'ENOENT' });
    const odd = join(tmp.dir, 'odd-blocks.vhd');
    const badBlock = await vskit(['create', 'dynamic', odd, '8MiB', '--block-size', '3MiB']);
    expect(badBlock.code).toBe(1);
    expect(errorCode(badBlock.stderr)).toBe('BAD_BLOCK_SIZE');
    await expect(stat(odd)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('creates the largest dynamic image, 2040 GiB, in a small file', async () => {
    const report = await createJson(['dynamic', join(tmp.dir, 'max.vhd'), '2040GiB']);
    expect(report.virtualSize).toBe(2040 * 2 ** 30);
    expect(report.fileSize).toBeLessThan(5 * MiB);
  });

  it('refuses a parent that is not a VHD and leaves no child behind', async () => {
    const junk = join(tmp.dir, 'junk.bin');
    await writeFile(junk, Buffer.alloc(4096, 7));
    const child = join(tmp.dir, 'orphan.vhd');
    const result = await vskit(['create', 'diff', child, junk]);
    expect(result.code).toBe(1);
    expect(errorCode(result.stderr)).toMatch(/^(BAD_COOKIE|TRUNCATED|BAD_CHECKSUM)$/);
    await expect(stat(child)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a missing parent with ENOENT', async () => {
    const result = await vskit([
      'create',
      'diff',
      join(tmp.dir, 'c2.vhd'),
      join(tmp.dir, 'nope.vhd'),
    ]);
    expect(result.code).toBe(1);
    expect(errorCode(result.stderr)).toBe('ENOENT');
  });

  it('refuses --block-size outside create dynamic, and unknown kinds', async () => {
    const blockSize = await vskit([
      'create',
      'fixed',
      join(tmp.dir, 'f2.vhd'),
      '4MiB',
      '--block-size',
      '1MiB',
    ]);
    expect(blockSize.code).toBe(2);
    expect(errorCode(blockSize.stderr)).toBe('USAGE');
    const kind = await vskit(['create', 'sparse', join(tmp.dir, 'f3.vhd'), '4MiB']);
    expect(kind.code).toBe(2);
    expect(kind.stderr).toContain("unknown kind 'sparse'");
  });
});

describe('Ctrl-C during vskit create', () => {
  const preload = pathToFileURL(
    join(import.meta.dirname, '..', '__fixtures__', 'sigint-at.mjs'),
  ).href;

  /** Runs `vskit create KIND FILE ...rest` with SIGINT sent to it at `at` while it makes FILE. */
  function interrupted(at: string, kind: string, file: string, rest: string[]) {
    return run(process.execPath, ['--import', preload, BIN, 'create', kind, file, ...rest], {
      env: { VSKIT_TEST_SIGINT_AT: at, VSKIT_TEST_SIGINT_PATH: file },
    });
  }

  it.each(['before-open', 'after-open', 'first-write'])(
    'leaves no file when interrupted %s, exits 130 with CANCELLED, and a re-create works',
    async (at) => {
      const parent = join(tmp.dir, `sigint-parent-${at}.vhd`);
      await vskitOk(['create', 'dynamic', parent, '4MiB']);
      const cases: Array<[string, string[]]> = [
        ['fixed', ['4MiB']],
        ['dynamic', ['4MiB']],
        ['diff', [parent]],
      ];
      for (const [kind, rest] of cases) {
        const file = join(tmp.dir, `sigint-${at}-${kind}.vhd`);
        const result = await interrupted(at, kind, file, rest);
        expect(result.stderr, `${kind}: ${result.stderr}`).toMatch(/^vskit: CANCELLED: /);
        expect(result.code, kind).toBe(130);
        await expect(stat(file), kind).rejects.toMatchObject({ code: 'ENOENT' });
        await vskitOk(['create', kind, file, ...rest]);
      }
    },
  );
});
