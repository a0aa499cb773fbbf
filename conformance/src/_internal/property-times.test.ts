import { describe, expect, it } from 'vitest';
import { PropertyTimes } from './property-times.js';

describe('PropertyTimes', () => {
  it('lists each property with the time since the one before, slowest first, then the rest', () => {
    const clock = [0, 100, 400, 450];
    const times = new PropertyTimes(() => clock.shift() as number);
    times.finished('a');
    times.finished('b');
    times.finished('c');
    const lines = times.table(1000).trimEnd().split('\n');
    expect(lines[0]).toBe('time per property:');
    expect(lines.slice(1).map((line) => line.trim())).toEqual([
      '550 ms  55%  (aimed cases, causes)',
      '300 ms  30%  b',
      '100 ms  10%  a',
      '50 ms   5%  c',
    ]);
  });
});
