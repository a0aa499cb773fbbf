import { windowsPath } from '@vskit/host';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Chooser } from './chooser.js';
import { decorate, lengthenGiven, padTo, withInvalidCharacter } from './paths.js';

describe('path grammar', () => {
  it('padTo makes a path exactly the length asked for', () => {
    fc.assert(
      fc.property(fc.integer({ min: 20, max: 300 }), (length) => {
        const path = padTo({ drive: 'C', segments: ['vms', 'disk.vhd'] }, length);
        expect(windowsPath.format(path).length).toBe(length);
      }),
    );
  });
  it('decorations and lengthening keep the file the path names', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 8, maxLength: 8 }), (draws) => {
        const text = 'C:\\vms\\Base\\disk.vhd';
        const key = (t: string) =>
          windowsPath.pathKey(windowsPath.parseAbsolute(t) as windowsPath.WindowsPath);
        expect(key(decorate(new Chooser(draws), text))).toBe(key(text));
        expect(key(lengthenGiven(text, 270))).toBe(key(text));
        expect(lengthenGiven(text, 270).length).toBeGreaterThanOrEqual(270);
      }),
    );
  });
  it('withInvalidCharacter always leaves an invalid character in the path', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 4, maxLength: 4 }), (draws) => {
        expect(
          windowsPath.findInvalidCharacter(
            withInvalidCharacter(new Chooser(draws), 'C:\\a\\b.vhd'),
          ),
        ).toBeDefined();
      }),
    );
  });
});
