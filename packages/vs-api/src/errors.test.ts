import { describe, expect, it } from 'vitest';
import { hresultOf, isVsError, VsError } from './errors.js';
import { HRESULT } from './hresult.js';

describe('VsError', () => {
  it('carries the hresult, its name, and a message naming the argument', () => {
    const error = new VsError('E_ALREADY_EXISTS', 'imagePath', "a file exists at 'C:\\a.vhd'");
    expect(error).toBeInstanceOf(Error);
    expect(error.hresult).toBe(HRESULT.E_ALREADY_EXISTS);
    expect(error.name).toBe('E_ALREADY_EXISTS');
    expect(error.argument).toBe('imagePath');
    expect(error.message).toBe(
      "E_ALREADY_EXISTS (0x800700B7): imagePath: a file exists at 'C:\\a.vhd'",
    );
  });

  it('accepts a number and falls back to the code text', () => {
    const error = new VsError(HRESULT.E_DISK_FULL | 0);
    expect(error.hresult).toBe(HRESULT.E_DISK_FULL);
    expect(error.message).toBe(
      'E_DISK_FULL (0x80070070): not enough free space on the host volume',
    );
  });

  it('toJSON gives the plain facts', () => {
    const error = new VsError('E_POINTER', 'parentPath', 'is null');
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      name: 'E_POINTER',
      hresult: HRESULT.E_POINTER,
      argument: 'parentPath',
      message: 'E_POINTER (0x80004003): parentPath: is null',
    });
  });

  it('isVsError filters by name and hresultOf maps foreign errors to DISP_E_EXCEPTION', () => {
    const error = new VsError('E_FAIL');
    expect(isVsError(error)).toBe(true);
    expect(isVsError(error, 'E_FAIL')).toBe(true);
    expect(isVsError(error, 'E_POINTER')).toBe(false);
    expect(isVsError(new Error('x'))).toBe(false);
    expect(hresultOf(error)).toBe(HRESULT.E_FAIL);
    expect(hresultOf(new TypeError('boom'))).toBe(HRESULT.DISP_E_EXCEPTION);
  });
});
