import { describe, expect, it } from 'vitest';
import { describeValue } from './describe-value.js';

describe('describeValue', () => {
  it('falls back to JSON for values that are not scenarios', () => {
    expect(describeValue({ a: 1 })).toEqual(['{', '  "a": 1', '}']);
  });
});
