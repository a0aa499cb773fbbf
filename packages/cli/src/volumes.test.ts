import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkVolumeFolders, driveMap, parseVolume, parseVolumes } from './volumes.js';

describe('parseVolume', () => {
  it('reads X=/dir with NTFS by default', () => {
    expect(parseVolume('c=/srv/c')).toEqual({ drive: 'C', root: '/srv/c', fileSystem: 'NTFS' });
    expect(parseVolume('C:=/srv/c')).toEqual({ drive: 'C', root: '/srv/c', fileSystem: 'NTFS' });
  });

  it('reads a file-system suffix', () => {
    expect(parseVolume('D=/mnt/d:FAT32').fileSystem).toBe('FAT32');
    expect(parseVolume('E=/mnt/e:fat16')).toEqual({
      drive: 'E',
      root: '/mnt/e',
      fileSystem: 'FAT16',
    });
  });

  it.each(['', 'C', 'C=', '/srv', 'CD=/x', '1=/x'])('refuses %j with INVALID_VOLUME', (spec) => {
    expect(() => parseVolume(spec)).toThrow(expect.objectContaining({ code: 'INVALID_VOLUME' }));
  });

  it('refuses a drive given twice', () => {
    expect(() => parseVolumes(['C=/a', 'c=/b'])).toThrow(
      expect.objectContaining({ code: 'INVALID_VOLUME' }),
    );
  });
});

describe('driveMap', () => {
  it('keeps Z: as / and adds every volume', () => {
    expect(driveMap(['C=/mnt/c'])).toEqual({ Z: '/', C: '/mnt/c' });
  });
});

describe('checkVolumeFolders', () => {
  it('names an unknown file-system suffix as INVALID_VOLUME (exit 2), a file as NOT_A_FILE, a missing folder by errno', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vskit-volumes-'));
    try {
      await writeFile(join(dir, 'f'), 'x');
      await expect(checkVolumeFolders(parseVolumes([`C=${dir}`]))).resolves.toBeUndefined();
      await expect(checkVolumeFolders(parseVolumes([`C=${dir}:EXT4`]))).rejects.toMatchObject({
        code: 'INVALID_VOLUME',
        exitCode: 2,
      });
      await expect(checkVolumeFolders(parseVolumes([`C=${dir}:`]))).rejects.toMatchObject({
        code: 'INVALID_VOLUME',
      });
      await expect(checkVolumeFolders(parseVolumes([`C=${join(dir, 'f')}`]))).rejects.toMatchObject(
        { code: 'NOT_A_FILE' },
      );
      await expect(
        checkVolumeFolders(parseVolumes([`C=${join(dir, 'missing')}`])),
      ).rejects.toMatchObject({ code: 'ENOENT' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
