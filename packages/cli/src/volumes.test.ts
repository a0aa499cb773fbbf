import { describe, expect, it } from 'vitest';
import { driveMap, parseVolume, parseVolumes } from './volumes.js';

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
