import { spawn } from 'node:child_process';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { TEMPORARY_NAME_PATTERN } from '@vskit/host';
import { describe, expect, it } from 'vitest';
import {
  BIN,
  builtCliAndTempFolder,
  ERROR_LINE,
  errorCode,
  vskit,
} from '../__fixtures__/cli-process.js';

const MiB = 2 ** 20;
const tmp = builtCliAndTempFolder();

/**
 * Runs `vskit vs METHOD ARGS... --volume VOLUME` (default: drive C: over the temporary folder),
 * with `--json` when asked.
 */
function vs(method: string, args: string[], options: { volume?: string; json?: boolean } = {}) {
  const volume = options.volume ?? `C=${tmp.dir}`;
  return vskit(['vs', method, ...args, '--volume', volume, ...(options.json ? ['--json'] : [])]);
}

describe('vskit vs', () => {
  it('creates a dynamic disk and a differencing child on a real folder, S_OK', async () => {
    const dynamic = await vs('CreateDynamicVirtualHardDisk', ['C:\\base\\p.vhd', '16']);
    expect(dynamic.stderr).toBe('');
    expect(dynamic.code).toBe(0);
    expect(dynamic.stdout.toString()).toMatch(
      /^S_OK \(0x00000000\)\n {2}task result +Success \(0\)\n {2}task error +S_OK \(0x00000000\)\n$/,
    );
    expect((await stat(join(tmp.dir, 'base', 'p.vhd'))).isFile()).toBe(true);

    const diff = await vs(
      'CreateDifferencingVirtualHardDisk',
      ['C:\\vms\\c.vhd', 'C:\\base\\p.vhd'],
      { json: true },
    );
    expect(diff.code).toBe(0);
    const report = JSON.parse(diff.stdout.toString());
    expect(report).toMatchObject({
      method: 'CreateDifferencingVirtualHardDisk',
      hresult: 0,
      hresultText: 'S_OK (0x00000000)',
      task: { isComplete: true, result: 0, resultName: 'Success', error: 0 },
    });

    // The chain vs-api made opens with vskit info: its W2ru locator leads to the parent.
    const info = await vskit(['info', join(tmp.dir, 'vms', 'c.vhd'), '--json']);
    expect(info.code).toBe(0);
    const layers = JSON.parse(info.stdout.toString()).layers;
    expect(layers).toHaveLength(2);
    expect(layers[1]).toMatchObject({
      path: join(tmp.dir, 'base', 'p.vhd'),
      virtualSize: 16 * MiB,
    });
  });

  it('reads a vs-api chain whose child moved, by its C: locator once --volume maps the drive', async () => {
    const volume = `C=${tmp.dir}`;
    const base = await vs('CreateDynamicVirtualHardDisk', ['C:\\w\\p.vhd', '8']);
    expect(base.code).toBe(0);
    const child = await vs('CreateDifferencingVirtualHardDisk', [
      'C:\\w\\vms\\c.vhd',
      'C:\\w\\p.vhd',
    ]);
    expect(child.code).toBe(0);
    await mkdir(join(tmp.dir, 'moved', 'deep'), { recursive: true });
    const moved = join(tmp.dir, 'moved', 'deep', 'c.vhd');
    await rename(join(tmp.dir, 'w', 'vms', 'c.vhd'), moved);

    const unmapped = await vskit(['info', moved]);
    expect(unmapped.code).toBe(1);
    expect(errorCode(unmapped.stderr)).toBe('PARENT_NOT_FOUND');
    expect(unmapped.stderr).toContain('W2ku C:\\w\\p.vhd (no such drive here)');

    const mapped = await vskit(['info', moved, '--volume', volume, '--json']);
    expect(mapped.code).toBe(0);
    expect(JSON.parse(mapped.stdout.toString()).layers[1]).toMatchObject({
      foundBy: 'W2ku',
      foundAt: 'C:\\w\\p.vhd',
      path: join(tmp.dir, 'w', 'p.vhd'),
    });
  });

  it('opens a chain made by vskit create with vs-api (GetHardDisk finds the parent)', async () => {
    const root = join(tmp.dir, 'cli-made');
    await mkdir(join(root, 'base'), { recursive: true });
    await mkdir(join(root, 'vms'), { recursive: true });
    expect(
      (await vskit(['create', 'dynamic', join(root, 'base', 'p.vhd'), '16MiB', '--exact'])).code,
    ).toBe(0);
    expect(
      (await vskit(['create', 'diff', join(root, 'vms', 'c.vhd'), join(root, 'base', 'p.vhd')]))
        .code,
    ).toBe(0);
    const result = await vs('GetHardDisk', ['C:\\vms\\c.vhd'], { volume: `C=${root}`, json: true });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.toString()).hardDisk).toMatchObject({
      TypeName: 'Differencing',
      SizeInGuest: 16 * MiB,
      Parent: 'C:\\base\\p.vhd',
    });
  });

  it('prints E_ALREADY_EXISTS by name and hex and exits 1 when the image exists', async () => {
    const first = await vs('CreateFixedVirtualHardDisk', ['C:\\twice.vhd', '3']);
    expect(first.code).toBe(0);
    const again = await vs('CreateFixedVirtualHardDisk', ['C:\\twice.vhd', '3']);
    expect(again.code).toBe(1);
    expect(again.stdout.toString()).toBe('E_ALREADY_EXISTS (0x800700B7)\n');
    expect(again.stderr).toMatch(ERROR_LINE);
    expect(errorCode(again.stderr)).toBe('E_ALREADY_EXISTS');
    expect(again.stderr).toBe(
      "vskit: E_ALREADY_EXISTS (0x800700B7): CreateFixedVirtualHardDisk failed: imagePath: a file exists at 'C:\\twice.vhd'\n",
    );
  });

  it("names the argument and vs-api's reason on the error line, and in --json an error record", async () => {
    const result = await vs('CreateDifferencingVirtualHardDisk', ['C:\\c.vhd', 'C:\\nope.vhd'], {
      json: true,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "vskit: E_PATH_NOT_FOUND (0x80070003): CreateDifferencingVirtualHardDisk failed: parentPath: 'C:\\nope.vhd' does not exist\n",
    );
    expect(JSON.parse(result.stdout.toString())).toMatchObject({
      hresult: 0x80070003,
      error: {
        code: 'E_PATH_NOT_FOUND',
        message:
          "CreateDifferencingVirtualHardDisk failed: parentPath: 'C:\\nope.vhd' does not exist",
        exitCode: 1,
        hresult: 0x80070003,
        hresultText: 'E_PATH_NOT_FOUND (0x80070003)',
      },
    });
  });

  it('describes a disk with GetHardDisk', async () => {
    expect((await vs('CreateDynamicVirtualHardDisk', ['C:\\gh.vhd', '8'])).code).toBe(0);
    const result = await vs('GetHardDisk', ['C:\\gh.vhd'], { json: true });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout.toString())).toMatchObject({
      hresult: 0,
      hardDisk: { TypeName: 'Dynamic', SizeInGuest: 8 * MiB, Parent: null },
    });
  });

  it('returns E_INVALIDARG for a size of zero', async () => {
    const result = await vs('CreateDynamicVirtualHardDisk', ['C:\\zero.vhd', '0']);
    expect(result.code).toBe(1);
    expect(result.stdout.toString()).toBe('E_INVALIDARG (0x80070057)\n');
  });

  it('refuses a --volume with an unknown file system as INVALID_VOLUME, one line, exit 2', async () => {
    const result = await vs('GetHardDisk', ['C:\\x.vhd'], { volume: `C=${tmp.dir}:EXT4` });
    expect(result.code).toBe(2);
    expect(errorCode(result.stderr)).toBe('INVALID_VOLUME');
    expect(result.stderr).toMatch(ERROR_LINE);
  });

  it('Ctrl-C cancels a running task: its partial file and folders are removed, exit 130', async () => {
    const root = join(tmp.dir, 'interrupt');
    await mkdir(root);
    const child = spawn(
      process.execPath,
      [
        BIN,
        'vs',
        'CreateFixedVirtualHardDisk',
        'C:\\new\\big.vhd',
        '4000',
        '--volume',
        `C=${root}`,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString('utf8');
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    // Interrupt once the task has begun writing the image (under its temporary name).
    const writing = async () =>
      (await readdir(join(root, 'new')).catch(() => [] as string[])).some((name) =>
        TEMPORARY_NAME_PATTERN.test(name),
      );
    while (!(await writing())) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(errorCode(stderr)).toBe('CANCELLED');
    expect(stderr).toMatch(ERROR_LINE);
    expect(await readdir(root)).toEqual([]);
  });

  it('refuses an unknown method and a missing --volume as usage errors', async () => {
    const unknown = await vs('DeleteEverything', []);
    expect(unknown.code).toBe(2);
    expect(errorCode(unknown.stderr)).toBe('USAGE');
    const noVolume = await vskit(['vs', 'GetHardDisk', 'C:\\x.vhd']);
    expect(noVolume.code).toBe(2);
    expect(errorCode(noVolume.stderr)).toBe('USAGE');
  });

  it('reads the members of the disk GetHardDisk returns: vskit vs disk <path> <Member>', async () => {
    expect((await vs('CreateDynamicVirtualHardDisk', ['C:\\dm\\p.vhd', '8'])).code).toBe(0);
    expect(
      (await vs('CreateDifferencingVirtualHardDisk', ['C:\\dm\\c.vhd', 'C:\\dm\\p.vhd'])).code,
    ).toBe(0);
    const type = await vskit(['vs', 'disk', 'C:\\dm\\c.vhd', 'Type', '--volume', `C=${tmp.dir}`]);
    expect(type.code).toBe(0);
    expect(type.stdout.toString()).toBe('S_OK (0x00000000)\n  Type  Differencing (2)\n');
    const parent = await vskit([
      'vs',
      'disk',
      'C:\\dm\\c.vhd',
      'get_Parent',
      '--volume',
      `C=${tmp.dir}`,
      '--json',
    ]);
    expect(JSON.parse(parent.stdout.toString())).toMatchObject({
      method: 'disk',
      member: 'Parent',
      hresult: 0,
      value: 'C:\\dm\\p.vhd',
    });
    // S_FALSE is a success: exit 0
    const none = await vskit(['vs', 'disk', 'C:\\dm\\p.vhd', 'Parent', '--volume', `C=${tmp.dir}`]);
    expect(none.code).toBe(0);
    expect(none.stdout.toString()).toBe('S_FALSE (0x00000001)\n  Parent  (none)\n');
    await rm(join(tmp.dir, 'dm', 'p.vhd'));
    const gone = await vskit(['vs', 'disk', 'C:\\dm\\c.vhd', 'Parent', '--volume', `C=${tmp.dir}`]);
    // each run calls GetHardDisk first, so a chain that no longer opens fails there
    expect(gone.code).toBe(1);
    expect(errorCode(gone.stderr)).toBe('VM_E_PARENT_PATH_NOT_FOUND');
    const bad = await vskit(['vs', 'disk', 'C:\\dm\\c.vhd', 'Delete', '--volume', `C=${tmp.dir}`]);
    expect(bad.code).toBe(2);
    expect(errorCode(bad.stderr)).toBe('USAGE');
  });

  it('creates floppy and host-drive images, lists files and host drives', async () => {
    const drive = ['--host-drive', 'PhysicalDrive1=8GiB'];
    const floppy = await vs('CreateFloppyDiskImage', ['C:\\fd\\a.vfd', 'HighDensity']);
    expect(floppy.code).toBe(0);
    expect((await stat(join(tmp.dir, 'fd', 'a.vfd'))).size).toBe(1_474_560);
    const type = await vs('GetFloppyDiskImageType', ['C:\\fd\\a.vfd'], { json: true });
    expect(JSON.parse(type.stdout.toString())).toMatchObject({ hresult: 0, value: 2 });
    const files = await vs('GetFloppyDiskFiles', ['C:\\fd'], { json: true });
    expect(JSON.parse(files.stdout.toString()).value).toEqual(['C:\\fd\\a.vfd']);
    const info = await vskit(['vs', 'get_HostInfo', '--volume', `C=${tmp.dir}`, ...drive]);
    expect(info.stdout.toString()).toBe('S_OK (0x00000000)\n  HostDrives  PhysicalDrive1\n');
    const link = await vskit([
      'vs',
      'CreateHostDriveVirtualHardDisk',
      'C:\\fd\\hd.vhd',
      'PhysicalDrive1',
      'true',
      '--volume',
      `C=${tmp.dir}`,
      ...drive,
    ]);
    expect(link.code).toBe(0);
    const id = await vskit([
      'vs',
      'disk',
      'C:\\fd\\hd.vhd',
      'HostDriveIdentifier',
      '--volume',
      `C=${tmp.dir}`,
      ...drive,
    ]);
    expect(id.stdout.toString()).toBe('S_OK (0x00000000)\n  HostDriveIdentifier  PhysicalDrive1\n');
    const put = await vs('put_SearchPaths', ['C:\\fd', 'C:\\missing']);
    expect(put.code).toBe(1);
    expect(errorCode(put.stderr)).toBe('E_FILE_NOT_FOUND');
  });
});
