import { describe, expect, it } from 'vitest';
import type { PropertyDefinition } from '../property.js';
import { runConformance } from '../runner.js';
import { emulatedSubject } from '../subjects/emulated.js';
import { diskMethodModel } from './disk-method-model.js';

describe('disk.methods.model', () => {
  it('passes every id against the emulated subject', async () => {
    const report = await runConformance(emulatedSubject, {
      runs: 40,
      seed: 5,
      properties: [diskMethodModel] as PropertyDefinition<unknown>[],
    });
    const failing = report.requirements.filter((r) => r.status === 'fail');
    expect(failing.map((r) => `${r.id}: ${JSON.stringify(r).slice(0, 600)}`)).toEqual([]);
    expect(report.requirements.filter((r) => r.status !== 'pass').map((r) => r.id)).toEqual([]);
  });
});
