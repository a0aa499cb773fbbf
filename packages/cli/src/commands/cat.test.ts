import { describe, expect, it } from 'vitest';
import { rangeWithin } from './cat.js';

describe('rangeWithin', () => {
  it('defaults the length to the rest of the disk', () => {
    expect(rangeWithin(4096, 0, undefined)).toBe(4096);
    expect(rangeWithin(4096, 1000, undefined)).toBe(3096);
    expect(rangeWithin(4096, 4096, undefined)).toBe(0);
  });

  it('accepts a range ending exactly at the end', () => {
    expect(rangeWithin(4096, 4000, 96)).toBe(96);
  });

  it('refuses a start or an end past the disk with OUT_OF_RANGE', () => {
    expect(() => rangeWithin(4096, 4097, undefined)).toThrow(
      expect.objectContaining({ code: 'OUT_OF_RANGE' }),
    );
    expect(() => rangeWithin(4096, 4000, 97)).toThrow(
      expect.objectContaining({ code: 'OUT_OF_RANGE' }),
    );
  });
});
