import { describe, expect, it } from 'vitest';
import { CliError } from './errors.js';
import { formatSize, parseSize } from './sizes.js';

describe('parseSize', () => {
  it.each([
    ['4096', 4096],
    ['0', 0],
    ['512B', 512],
    ['4k', 4096],
    ['4KiB', 4096],
    ['64MiB', 64 * 2 ** 20],
    ['512MB', 512 * 2 ** 20],
    ['512mb', 512 * 2 ** 20],
    ['10GiB', 10 * 2 ** 30],
    ['10G', 10 * 2 ** 30],
    ['2TB', 2 * 2 ** 40],
    ['1.5KiB', 1536],
    ['0.5MiB', 2 ** 19],
    [' 3 MB ', 3 * 2 ** 20],
    ['0x100000', 2 ** 20],
    ['0X1fFfFf', 0x1fffff],
    ['0x0', 0],
    ['0x1FFFFFFFFFFFFF', Number.MAX_SAFE_INTEGER],
  ])('reads %s as %d bytes', (text, bytes) => {
    expect(parseSize(text)).toBe(bytes);
  });

  it('counts MB as MiB, as Virtual Server does', () => {
    expect(parseSize('1MB')).toBe(1_048_576);
    expect(parseSize('1GB')).toBe(parseSize('1GiB'));
  });

  it.each([
    '',
    'MB',
    '-1',
    '-64MiB',
    '12XB',
    '1e6',
    '0x',
    '0x1g',
    '0x100MiB',
    '-0x100',
    '0x20000000000000',
    '1.5',
    '0.5B',
    '1.1KiB',
    'ten',
    '10 GiBs',
    '99999999999TiB',
  ])('refuses %j with INVALID_SIZE', (text) => {
    let caught: unknown;
    try {
      parseSize(text, '--offset');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(CliError);
    expect((caught as CliError).code).toBe('INVALID_SIZE');
    expect((caught as CliError).message).toContain('--offset');
  });
});

describe('formatSize', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [64 * 2 ** 20, '64 MiB'],
    [10 * 2 ** 30, '10 GiB'],
    [2040 * 2 ** 30, '1.99 TiB'],
  ])('shows %d bytes as %s', (bytes, text) => {
    expect(formatSize(bytes)).toBe(text);
  });
});
