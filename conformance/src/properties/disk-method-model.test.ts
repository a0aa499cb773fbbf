import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PropertyDefinition } from '../property.js';
import { runConformance } from '../runner.js';
import { emulatedSubject } from '../subjects/emulated.js';
import { nodeSubject } from '../subjects/node.js';
import { diskMethodModel, FULL_VOLUME_IDS, methodCaseArb } from './disk-method-model.js';

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

describe('disk.methods.model on real folders (free space cannot be steered)', () => {
  it('never fills a volume, and has no aim at the ids only a full volume reaches', () => {
    const states = fc.sample(methodCaseArb(undefined, false), { numRuns: 300, seed: 3 });
    expect(states.filter((v) => v.state === 'volume-full')).toEqual([]);
    expect(FULL_VOLUME_IDS.map((id) => diskMethodModel.aimAt?.(id, nodeSubject))).toEqual(
      FULL_VOLUME_IDS.map(() => undefined),
    );
  });
});
