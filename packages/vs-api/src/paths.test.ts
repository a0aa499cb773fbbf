import { windowsPath } from '@vskit/host';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { thrownName } from './__fixtures__/error-names.js';
import { isVsError } from './errors.js';
import {
  checkCharacters,
  checkGivenLength,
  checkResolvedLength,
  requireAbsolute,
  requirePath,
  resolvePair,
} from './paths.js';

const name = fc.stringMatching(/^[A-Za-z0-9 _-]{1,8}$/).filter((s) => s.trim() === s && s !== '');
const drive = fc.constantFrom('C', 'D', 'e', 'z');
const folder = fc.array(name, { maxLength: 5 });
const text = (d: string, segments: readonly string[]) => `${d}:\\${segments.join('\\')}`;

describe('requirePath', () => {
  it('gives E_POINTER for null and undefined, E_INVALIDARG for a non-string', () => {
    expect(thrownName(() => requirePath(null, 'imagePath'))).toBe('E_POINTER');
    expect(thrownName(() => requirePath(undefined, 'imagePath'))).toBe('E_POINTER');
    expect(thrownName(() => requirePath(42, 'imagePath'))).toBe('E_INVALIDARG');
    expect(requirePath('', 'imagePath')).toBe('');
  });
});

describe('checkCharacters', () => {
  it('refuses * ? : < > / | " and control characters with E_INVALID_NAME, naming the argument', () => {
    for (const bad of ['*', '?', ':', '<', '>', '/', '|', '"', '\u0000', '\u001f']) {
      let error: unknown;
      try {
        checkCharacters(`C:\\vms\\a${bad}b.vhd`, 'parentPath');
      } catch (e) {
        error = e;
      }
      expect(isVsError(error, 'E_INVALID_NAME')).toBe(true);
      expect((error as Error).message).toContain('parentPath');
    }
  });

  it('accepts the colon of a leading drive and relative names', () => {
    expect(thrownName(() => checkCharacters('C:\\vms\\a.vhd', 'imagePath'))).toBeUndefined();
    expect(thrownName(() => checkCharacters('..\\base\\p.vhd', 'imagePath'))).toBeUndefined();
    expect(thrownName(() => checkCharacters('a:b.vhd', 'imagePath'))).toBe('E_INVALID_NAME');
  });
});

describe('resolvePair', () => {
  it('refuses two relative (or empty, or rooted) paths with E_BAD_PATHNAME', () => {
    for (const [a, b] of [
      ['', ''],
      ['a.vhd', 'b.vhd'],
      ['\\vms\\a.vhd', '..\\b.vhd'],
      ['', '\\b.vhd'],
    ] as const) {
      expect(thrownName(() => resolvePair(a, b))).toBe('E_BAD_PATHNAME');
    }
  });

  it('resolves a relative parent against the folder of the image file', () => {
    fc.assert(
      fc.property(
        drive,
        folder,
        name,
        folder,
        name,
        (d, imageFolder, imageName, rel, parentName) => {
          const imagePath = text(d, [...imageFolder, `${imageName}.vhd`]);
          const parentPath = [...rel, `${parentName}.vhd`].join('\\');
          const { image, parent } = resolvePair(imagePath, parentPath);
          expect(image.drive).toBe(d.toUpperCase());
          expect(parent.drive).toBe(d.toUpperCase());
          expect(parent.segments).toEqual([...imageFolder, ...rel, `${parentName}.vhd`]);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('resolves a relative image against the folder of the parent file', () => {
    fc.assert(
      fc.property(drive, folder, name, name, (d, parentFolder, parentName, imageName) => {
        const { image } = resolvePair(
          `.\\${imageName}.vhd`,
          text(d, [...parentFolder, parentName]),
        );
        expect(image).toEqual({
          drive: d.toUpperCase(),
          segments: [...parentFolder, `${imageName}.vhd`],
        });
      }),
      { numRuns: 100 },
    );
  });

  it('`..` climbs one folder per segment and stops at the drive root', () => {
    fc.assert(
      fc.property(drive, folder, fc.nat(8), name, (d, imageFolder, ups, parentName) => {
        const parentPath = [...Array.from({ length: ups }, () => '..'), parentName].join('\\');
        const { parent } = resolvePair(text(d, [...imageFolder, 'c.vhd']), parentPath);
        const kept = imageFolder.slice(0, Math.max(0, imageFolder.length - ups));
        expect(parent.segments).toEqual([...kept, parentName]);
        expect(parent.drive).toBe(d.toUpperCase());
      }),
      { numRuns: 100 },
    );
  });

  it('a rooted path takes the other path’s drive', () => {
    fc.assert(
      fc.property(drive, folder, folder, name, (d, imageFolder, rooted, parentName) => {
        const rootedPath = `\\${[...rooted, parentName].join('\\')}`;
        const { parent } = resolvePair(text(d, [...imageFolder, 'c.vhd']), rootedPath);
        expect(parent).toEqual({ drive: d.toUpperCase(), segments: [...rooted, parentName] });
        const { image } = resolvePair(rootedPath, text(d, [...imageFolder, 'p.vhd']));
        expect(image).toEqual({ drive: d.toUpperCase(), segments: [...rooted, parentName] });
      }),
      { numRuns: 100 },
    );
  });

  it('keeps the case of names, and paths differing only in case share a key', () => {
    fc.assert(
      fc.property(drive, folder, name, (d, segments, file) => {
        const lower = resolvePair(
          text(d.toLowerCase(), [...segments, file]).toLowerCase(),
          'p.vhd',
        );
        const upper = resolvePair(text(d, [...segments, file]).toUpperCase(), 'p.vhd');
        const given = resolvePair(text(d, [...segments, file]), 'p.vhd');
        expect(given.image.segments).toEqual([...segments, file]);
        expect(windowsPath.pathKey(lower.image)).toBe(windowsPath.pathKey(upper.image));
        expect(windowsPath.samePath(lower.parent, upper.parent)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('both absolute: each stands alone, even on different drives', () => {
    const { image, parent } = resolvePair('C:\\vms\\c.vhd', 'D:\\base\\..\\p.vhd');
    expect(windowsPath.format(image)).toBe('C:\\vms\\c.vhd');
    expect(windowsPath.format(parent)).toBe('D:\\p.vhd');
  });

  it('an empty path names the folder holding the other path’s file *(decision)*', () => {
    expect(windowsPath.format(resolvePair('', 'C:\\base\\p.vhd').image)).toBe('C:\\base');
    expect(windowsPath.format(resolvePair('C:\\vms\\c.vhd', '').parent)).toBe('C:\\vms');
  });
});

describe('requireAbsolute', () => {
  it('refuses empty, relative and rooted paths with E_BAD_PATHNAME', () => {
    for (const path of ['', 'a.vhd', '.\\a.vhd', '\\vms\\a.vhd', 'C:a.vhd']) {
      expect(thrownName(() => requireAbsolute(path, 'imagePath'))).toBe('E_BAD_PATHNAME');
    }
    expect(windowsPath.format(requireAbsolute('c:\\A\\.\\b.vhd', 'imagePath'))).toBe(
      'C:\\A\\b.vhd',
    );
  });
});

describe('path length', () => {
  it('E_BUFFER_OVERFLOW from 260 characters on, given or resolved', () => {
    fc.assert(
      fc.property(fc.integer({ min: 4, max: 400 }), (length) => {
        const path = `C:\\${'a'.repeat(length - 3)}`;
        expect(path.length).toBe(length);
        const given = thrownName(() => checkGivenLength(path, 'imagePath'));
        const resolved = thrownName(() =>
          checkResolvedLength(
            windowsPath.parseAbsolute(path) as windowsPath.WindowsPath,
            'imagePath',
          ),
        );
        const expected = length >= 260 ? 'E_BUFFER_OVERFLOW' : undefined;
        expect(given).toBe(expected);
        expect(resolved).toBe(expected);
      }),
      { numRuns: 100 },
    );
  });

  it('a short relative path can resolve to 260 characters or more', () => {
    const imagePath = `C:\\${'f'.repeat(250)}\\c.vhd`;
    const { parent } = resolvePair(imagePath, 'parent.vhd');
    expect(thrownName(() => checkGivenLength('parent.vhd', 'parentPath'))).toBeUndefined();
    expect(thrownName(() => checkResolvedLength(parent, 'parentPath'))).toBe('E_BUFFER_OVERFLOW');
  });
});
