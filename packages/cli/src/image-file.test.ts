import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtCliAndTempFolder, errorCode, vskit, vskitOk } from './__fixtures__/cli-process.js';
import { openImageFile } from './image-file.js';

const tmp = builtCliAndTempFolder();

describe('openImageFile', () => {
  it('opens a regular file and refuses a folder and a FIFO with NOT_A_FILE instead of blocking', async () => {
    const regular = join(tmp.dir, 'plain.bin');
    await writeFile(regular, 'abc');
    const file = await openImageFile(regular, 'read');
    expect(await file.size()).toBe(3);
    await file.close();

    const folder = join(tmp.dir, 'folder');
    await mkdir(folder);
    await expect(openImageFile(folder, 'read')).rejects.toMatchObject({ code: 'NOT_A_FILE' });

    const fifo = join(tmp.dir, 'pipe.vhd');
    execFileSync('mkfifo', [fifo]);
    await expect(openImageFile(fifo, 'readWrite')).rejects.toMatchObject({ code: 'NOT_A_FILE' });
    await expect(openImageFile(join(tmp.dir, 'missing.vhd'), 'read')).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('vskit info, cat and check answer at once for a FIFO (one NOT_A_FILE line; check exits 2)', async () => {
    const fifo = join(tmp.dir, 'another-pipe.vhd');
    execFileSync('mkfifo', [fifo]);
    for (const command of ['info', 'cat']) {
      const result = await vskit([command, fifo]);
      expect(result.code).toBe(1);
      expect(errorCode(result.stderr)).toBe('NOT_A_FILE');
    }
    const checked = await vskit(['check', fifo]);
    expect(checked.code).toBe(2);
    expect(checked.stdout.toString()).toContain('NOT_A_FILE');
  });
});

describe('a file of another format', () => {
  /** A 1 MiB file starting with `text`; an MBR with one Linux partition when `mbr`. */
  async function fileOf(name: string, text: string, mbr = false): Promise<string> {
    const bytes = new Uint8Array(2 ** 20);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    if (mbr) bytes.set([0x80, 0, 0, 0, 0x83], 446);
    if (mbr) bytes.set([0x55, 0xaa], 510);
    const path = join(tmp.dir, name);
    await writeFile(path, bytes);
    return path;
  }

  it('is named by info, cat, write, check and create diff instead of BAD_COOKIE', async () => {
    const files: Array<[string, string]> = [
      [await fileOf('disk.vhdx', 'vhdxfile'), 'a VHDX image'],
      [await fileOf('disk.qcow2', 'QFI\xfb\0\0\0\x03'), 'a qcow2 image (version 3)'],
      [await fileOf('disk.vmdk', 'KDMV'), 'a VMDK sparse extent'],
      [await fileOf('disk.img', '', true), 'a raw disk with an MBR partition table'],
    ];
    for (const [path, what] of files) {
      const line = `vskit: NOT_A_VHD: ${path} is ${what}, not a VHD`;
      for (const args of [
        ['info', path],
        ['cat', path],
        ['write', path, '--offset', '0'],
      ]) {
        const result = await vskit(args, { input: 'x' });
        expect(result.code, args.join(' ')).toBe(1);
        expect(result.stderr.startsWith(line), result.stderr).toBe(true);
      }
      const diff = await vskit(['create', 'diff', join(tmp.dir, 'child-of-other.vhd'), path]);
      expect(diff.stderr.startsWith(line), diff.stderr).toBe(true);
      const check = await vskit(['check', path, '--json']);
      expect(check.code).toBe(2);
      expect(JSON.parse(check.stdout.toString()).problems).toEqual([
        expect.objectContaining({ code: 'NOT_A_VHD', message: expect.stringContaining(what) }),
      ]);
    }
  });

  it("reads a VHD whose disk holds an MBR as a VHD, and never calls a child by its parent's format", async () => {
    const fixed = join(tmp.dir, 'mbr-inside.vhd');
    await vskitOk(['create', 'fixed', fixed, '1MiB']);
    await vskitOk(['write', fixed, '--offset', '0', '--input', await fileOf('mbr.img', '', true)]);
    await vskitOk(['info', fixed]);

    const parent = join(tmp.dir, 'becomes-vhdx.vhd');
    const child = join(tmp.dir, 'child-of-vhdx.vhd');
    await vskitOk(['create', 'dynamic', parent, '1MiB']);
    await vskitOk(['create', 'diff', child, parent]);
    await writeFile(parent, await readFile(await fileOf('other.vhdx', 'vhdxfile')));
    const result = await vskit(['info', child]);
    expect(result.code).toBe(1);
    expect(result.stderr).not.toContain(`${child} is`);
  });
});
