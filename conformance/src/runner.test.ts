import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineProperty } from './property.js';
import { runConformance } from './runner.js';
import { emulatedSubject } from './subjects/emulated.js';

// Two requirements of the catalogue, broken on purpose by a synthetic property.
const twoBugs = defineProperty<number>({
  name: 'synthetic.two-bugs',
  covers: ['CODEC.geometry', 'CODEC.timestamp'],
  primary: 'CODEC.geometry',
  arbitrary: () => fc.integer({ min: 0, max: 1000 }),
  async check(_subject, n, ctx) {
    ctx.exercise('CODEC.geometry');
    ctx.exercise('CODEC.timestamp');
    ctx.expect('CODEC.geometry', n < 500, () => `${n} is 500 or more`);
    ctx.expect('CODEC.timestamp', n % 2 === 0, () => `${n} is odd`);
  },
});

const crashing = defineProperty<number>({
  name: 'synthetic.crash',
  covers: ['CODEC.footer.truncated'],
  primary: 'CODEC.footer.truncated',
  arbitrary: () => fc.nat(),
  async check() {
    throw new TypeError('boom');
  },
});

describe('runConformance', () => {
  it('sets a failing requirement aside and runs again, so a second bug is found too', async () => {
    const report = await runConformance(emulatedSubject, {
      runs: 50,
      seed: 3,
      properties: [twoBugs],
    });
    const failed = report.requirements.filter((r) => r.status === 'fail');
    expect(failed.map((r) => r.id).sort()).toEqual(['CODEC.geometry', 'CODEC.timestamp']);
    const geometry = failed.find((r) => r.id === 'CODEC.geometry');
    expect(geometry?.counterexample?.value).toBe(500);
    const odd = failed.find((r) => r.id === 'CODEC.timestamp')?.counterexample?.value as number;
    expect(odd % 2).toBe(1);
    expect(odd).toBeLessThan(500);
    expect(report.ok).toBe(false);
  });
  it('charges an unexpected exception to the property primary requirement', async () => {
    const report = await runConformance(emulatedSubject, {
      runs: 5,
      seed: 1,
      properties: [crashing],
    });
    expect(report.requirements).toHaveLength(1);
    expect(report.requirements[0]?.status).toBe('fail');
    expect(report.requirements[0]?.counterexample?.message).toContain('boom');
  });
  it('reports only the requirements of the properties it ran, with their case counts', async () => {
    const report = await runConformance(emulatedSubject, {
      runs: 7,
      seed: 1,
      filter: 'codec.numbers',
    });
    expect(report.requirements.map((r) => [r.id, r.cases])).toEqual([
      ['CODEC.geometry', 7],
      ['CODEC.timestamp', 7],
    ]);
    expect(report.ok).toBe(true);
    expect(report.seed).toBe(1);
  });
});
