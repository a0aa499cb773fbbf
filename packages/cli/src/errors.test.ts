import { HostError } from '@vskit/host';
import { describe, expect, it } from 'vitest';
import {
  CliError,
  describeError,
  EXIT_USAGE,
  errorLine,
  exitCodeFor,
  usageError,
} from './errors.js';

describe('errorLine', () => {
  it('names a HostError by its errno code without repeating it', () => {
    expect(errorLine(new HostError('EEXIST', 'open', '/tmp/a.vhd'))).toBe(
      "vskit: EEXIST: open '/tmp/a.vhd'",
    );
  });

  it('names an error with a code field (VhdFormatError shape) by that code', () => {
    const error = Object.assign(new Error('BAD_COOKIE: footer cookie is "garbage!"'), {
      code: 'BAD_COOKIE',
    });
    expect(errorLine(error)).toBe('vskit: BAD_COOKIE: footer cookie is "garbage!"');
  });

  it('names a Node system error by its errno', () => {
    const error = Object.assign(new Error("ENOENT: no such file or directory, open '/x'"), {
      code: 'ENOENT',
    });
    expect(errorLine(error)).toBe("vskit: ENOENT: no such file or directory, open '/x'");
  });

  it('names an HRESULT failure with its hex value', () => {
    const error = Object.assign(new Error('E_ALREADY_EXISTS (0x800700B7): imagePath: exists'), {
      name: 'E_ALREADY_EXISTS',
      hresult: 0x800700b7,
    });
    expect(errorLine(error)).toBe('vskit: E_ALREADY_EXISTS (0x800700B7): imagePath: exists');
  });

  it('keeps the line to one line', () => {
    const line = errorLine(new CliError('USAGE', 'first\nsecond'));
    expect(line).toBe('vskit: USAGE: first second');
  });

  it('calls an error without a code INTERNAL and unexpected', () => {
    expect(describeError(new TypeError('x is undefined'))).toEqual({
      code: 'INTERNAL',
      message: 'x is undefined',
      expected: false,
    });
    expect(describeError('plain string').code).toBe('INTERNAL');
  });

  it('ignores a code that is not a stable upper-case name', () => {
    const error = Object.assign(new Error('odd'), { code: 'err_lowercase' });
    expect(describeError(error).code).toBe('INTERNAL');
  });
});

describe('exitCodeFor', () => {
  it('gives usage errors their own status and everything else 1', () => {
    expect(exitCodeFor(usageError('bad'))).toBe(EXIT_USAGE);
    expect(exitCodeFor(new HostError('ENOENT', 'open'))).toBe(1);
    expect(exitCodeFor(new Error('x'))).toBe(1);
  });
});
