import { describe, expect, it } from 'vitest';
import { describeEntryDrift } from './stateful.js';

describe('describeEntryDrift', () => {
  it('names only what is there: unexpected entries, missing ones, or both', () => {
    expect(describeEntryDrift(['C:\\S\\A.VHD'], [])).toBe('unexpected entries C:\\S\\A.VHD');
    expect(describeEntryDrift([], ['C:\\T'])).toBe('missing C:\\T');
    expect(describeEntryDrift(['C:\\X', 'C:\\Y'], ['C:\\T'])).toBe(
      'unexpected entries C:\\X, C:\\Y; missing C:\\T',
    );
  });
});
