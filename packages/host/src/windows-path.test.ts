import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  findInvalidCharacter,
  foldCase,
  format,
  isAbsolute,
  parseAbsolute,
  pathKey,
  relative,
  resolve,
} from './windows-path.js';

const root = parseAbsolute('C:\\vms\\base')!;

describe('windows paths', () => {
  it('isAbsolute takes only a drive, a colon and a backslash', () => {
    expect(isAbsolute('C:\\a.vhd')).toBe(true);
    expect(isAbsolute('z:\\')).toBe(true);
    expect(isAbsolute('C:a.vhd')).toBe(false);
    expect(isAbsolute('\\a.vhd')).toBe(false);
    expect(isAbsolute('')).toBe(false);
    expect(isAbsolute('\\\\server\\share\\a.vhd')).toBe(false);
  });

  it('findInvalidCharacter allows only the colon of a leading drive', () => {
    expect(findInvalidCharacter('C:\\vms\\a.vhd')).toBeUndefined();
    expect(findInvalidCharacter('C:a.vhd')).toEqual({ index: 1, char: ':' });
    expect(findInvalidCharacter('C:\\a:b')).toEqual({ index: 4, char: ':' });
    expect(findInvalidCharacter('C:/a')).toEqual({ index: 1, char: ':' });
    expect(findInvalidCharacter('C:\\a/b')).toEqual({ index: 4, char: '/' });
    for (const char of '*?<>|"') expect(findInvalidCharacter(`a${char}`)?.char).toBe(char);
    expect(findInvalidCharacter('a\u001fb')).toEqual({ index: 1, char: '\u001f' });
  });

  it('resolve normalises dots and stops .. at the drive root', () => {
    expect(format(resolve('..\\..\\..\\x.vhd', root))).toBe('C:\\x.vhd');
    expect(format(resolve('.\\a\\.\\b\\..\\c.vhd', root))).toBe('C:\\vms\\base\\a\\c.vhd');
    expect(format(resolve('\\top\\x.vhd', root))).toBe('C:\\top\\x.vhd');
    expect(format(resolve('d:\\x\\..\\y.vhd', root))).toBe('D:\\y.vhd');
    expect(format(resolve('', root))).toBe('C:\\vms\\base');
  });

  it('pathKey ignores case and keeps length', () => {
    expect(pathKey(parseAbsolute('c:\\VMS\\Ä.vhd')!)).toBe(
      pathKey(parseAbsolute('C:\\vms\\ä.VHD')!),
    );
    expect(pathKey(parseAbsolute('C:\\ß')!)).toHaveLength('C:\\ß'.length);
  });

  it('foldCase upper-cases each character that stays one character, ASCII or not', () => {
    const byCharacter = (name: string) =>
      [...name].map((c) => ([...c.toUpperCase()].length === 1 ? c.toUpperCase() : c)).join('');
    expect(foldCase('a.vhd')).toBe('A.VHD');
    expect(foldCase('straße')).toBe('STRAßE');
    expect(foldCase('été ŉ 𐐨')).toBe('ÉTÉ ŉ 𐐀');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' })), (name) => {
        expect(foldCase(name)).toBe(byCharacter(name));
      }),
    );
  });

  it('relative gives the W2ru form, and nothing across drives', () => {
    const child = parseAbsolute('C:\\vms\\diff')!;
    expect(relative(child, parseAbsolute('C:\\vms\\diff\\p.vhd')!)).toBe('.\\p.vhd');
    expect(relative(child, parseAbsolute('C:\\VMS\\base\\p.vhd')!)).toBe('..\\base\\p.vhd');
    expect(relative(child, parseAbsolute('D:\\p.vhd')!)).toBeUndefined();
  });

  it('relative resolves back to its target', () => {
    const name = fc.stringMatching(/^[a-zA-Z0-9 ._-]{1,8}$/).filter((s) => s !== '.' && s !== '..');
    const path = fc.array(name, { maxLength: 5 }).map((segments) => ({ drive: 'C', segments }));
    fc.assert(
      fc.property(path, path, (folder, target) => {
        const rel = relative(folder, target);
        expect(rel).toBeDefined();
        expect(pathKey(resolve(rel!, folder))).toBe(pathKey(target));
      }),
    );
  });
});
