import { execFileSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtCliAndTempFolder, errorCode, vskit } from './__fixtures__/cli-process.js';
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
