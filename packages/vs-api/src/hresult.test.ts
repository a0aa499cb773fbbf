import { describe, expect, it } from 'vitest';
import {
  formatHresult,
  formatHresultHex,
  HRESULT,
  HRESULT_TEXT,
  hresultName,
  isHresultValue,
  succeeded,
  VMHardDiskType,
  VMTaskResult,
} from './hresult.js';

/** HRESULTS.md, transcribed: name -> value. */
const TABLE: Record<string, number> = {
  S_OK: 0x00000000,
  S_FALSE: 0x00000001,
  E_POINTER: 0x80004003,
  E_FAIL: 0x80004005,
  E_INVALIDARG: 0x80070057,
  DISP_E_EXCEPTION: 0x80020009,
  E_FILE_NOT_FOUND: 0x80070002,
  E_PATH_NOT_FOUND: 0x80070003,
  E_INVALID_DRIVE: 0x8007000f,
  E_SHARING_VIOLATION: 0x80070020,
  E_BUFFER_OVERFLOW: 0x8007006f,
  E_DISK_FULL: 0x80070070,
  E_INVALID_NAME: 0x8007007b,
  E_BAD_PATHNAME: 0x800700a1,
  E_ALREADY_EXISTS: 0x800700b7,
  VM_E_TIMED_OUT: 0xa0040202,
  VM_E_VM_UNKNOWN: 0xa0040207,
  VM_E_APP_SHUTTING_DOWN: 0xa0040209,
  VM_E_DRIVE_INVALID: 0xa0040502,
  VM_E_PARENT_PATH_NOT_FOUND: 0xa0040677,
  VM_E_FILE_TOO_LARGE_FOR_VOLUME: 0xa0040679,
  VM_E_FILE_READ_ONLY: 0xa004067a,
  VM_E_WRONG_HD_IMAGE_TYPE: 0xa004067b,
  VM_E_HD_IMAGE_OPEN_FAIL: 0xa004067c,
  VM_E_HOST_DRIVE_NOT_FOUND: 0xa004067e,
  VM_E_HD_IMAGE_ACCESS: 0xa0040681,
  VM_E_INVALID_HD_FILE: 0xa0040682,
  VM_E_IMAGE_SIZE_TOO_LARGE: 0xa0040683,
  VM_E_IMAGE_SIZE_TOO_SMALL: 0xa0040684,
  VM_E_PARENT_CHILD_ID_MISMATCH: 0xa0040685,
  VM_E_DRIVE_IN_USE: 0xa0040727,
};

describe('HRESULT', () => {
  it('holds every code of HRESULTS.md with its published value, and nothing else', () => {
    expect({ ...HRESULT }).toEqual(TABLE);
  });

  it('holds unsigned 32-bit numbers with distinct values', () => {
    const values = Object.values(HRESULT);
    for (const value of values) {
      expect(Number.isInteger(value) && value >= 0 && value <= 0xffffffff).toBe(true);
    }
    expect(new Set(values).size).toBe(values.length);
  });

  it('Win32-derived codes are HRESULT_FROM_WIN32 of their error number', () => {
    const win32: Array<[keyof typeof HRESULT, number]> = [
      ['E_FILE_NOT_FOUND', 2],
      ['E_PATH_NOT_FOUND', 3],
      ['E_INVALID_DRIVE', 15],
      ['E_SHARING_VIOLATION', 32],
      ['E_BUFFER_OVERFLOW', 111],
      ['E_DISK_FULL', 112],
      ['E_INVALID_NAME', 123],
      ['E_BAD_PATHNAME', 161],
      ['E_ALREADY_EXISTS', 183],
    ];
    for (const [name, code] of win32) expect(HRESULT[name]).toBe((0x80070000 | code) >>> 0);
  });

  it('has a text for every name', () => {
    expect(Object.keys(HRESULT_TEXT).sort()).toEqual(Object.keys(HRESULT).sort());
  });
});

describe('hresultName and formatHresult', () => {
  it('name every known value, and read signed values as unsigned', () => {
    for (const [name, value] of Object.entries(TABLE)) {
      expect(hresultName(value)).toBe(name);
      expect(hresultName(value | 0)).toBe(name);
    }
  });

  it('formatHresult prints the name and 0x%08X', () => {
    expect(formatHresult(HRESULT.E_ALREADY_EXISTS)).toBe('E_ALREADY_EXISTS (0x800700B7)');
    expect(formatHresult(HRESULT.S_OK)).toBe('S_OK (0x00000000)');
    expect(formatHresult(0x80070001)).toBe('0x80070001');
  });

  it('succeeded is true for S_OK and S_FALSE only among the known codes', () => {
    const ok = Object.entries(TABLE)
      .filter(([, v]) => succeeded(v))
      .map(([n]) => n);
    expect(ok.sort()).toEqual(['S_FALSE', 'S_OK']);
  });
});

describe('enumerations', () => {
  it('VMTaskResult matches HRESULTS.md', () => {
    expect(VMTaskResult).toEqual({
      Success: 0,
      Cancelled: 1,
      UnexpectedError: 2,
      OutOfMemoryError: 3,
      DiskRelatedError: 4,
      IncompatibleSavedStateError: 5,
      TimeOutError: 6,
      IllegalValueError: 7,
      ThreadCrashError: 8,
    });
  });

  it('VMHardDiskType matches HRESULTS.md', () => {
    expect(VMHardDiskType).toEqual({ Dynamic: 0, FixedSize: 1, Differencing: 2, HostDrive: 4 });
  });
});

describe('values that cannot be an HRESULT', () => {
  it('NaN, fractions, out-of-range numbers and non-numbers never read as S_OK', () => {
    for (const bad of [
      Number.NaN,
      0.5,
      2 ** 32,
      -(2 ** 31) - 1,
      Number.POSITIVE_INFINITY,
      '0',
      undefined,
    ]) {
      const value = bad as unknown as number;
      expect(isHresultValue(value)).toBe(false);
      expect(hresultName(value)).toBeUndefined();
      expect(formatHresult(value)).toBe(`not an HRESULT: ${String(bad)}`);
      expect(formatHresultHex(value)).not.toMatch(/^0x/);
      expect(succeeded(value)).toBe(false);
    }
    // signed and unsigned spellings of one code are both HRESULTs
    expect(hresultName(-2147024713)).toBe('E_ALREADY_EXISTS');
    expect(isHresultValue(0xffffffff)).toBe(true);
  });
});
