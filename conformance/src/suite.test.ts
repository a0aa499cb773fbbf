import { describe, expect, it } from 'vitest';
import { ALL_PROPERTIES } from './properties/index.js';
import { runConformance } from './runner.js';
import { emulatedSubject } from './subjects/emulated.js';

// The conformance suite itself, against vs-api on emulated volumes, with modest runs per
// property (the CLI's default run uses 100). Each property is its own test so a failure names it.
describe('vs-api on the emulated host conforms', () => {
  for (const property of ALL_PROPERTIES) {
    it(`${property.name}: every requirement it covers passes`, async () => {
      const report = await runConformance(emulatedSubject, {
        runs: 25,
        seed: 42,
        properties: [property],
      });
      const failures = report.requirements
        .filter((r) => r.status === 'fail')
        .map((r) => `${r.id}: ${r.counterexample?.message} (replay ${r.counterexample?.replay})`);
      expect(failures).toEqual([]);
      expect(report.requirements.map((r) => r.id).sort()).toEqual(
        [...new Set(property.covers)].sort(),
      );
    });
  }
});

describe('vs-api on the node host (temporary folders) conforms', () => {
  it('on the dynamic-disk model, the child file, GetHardDisk and chain opening, with a few runs', async () => {
    const { nodeSubject } = await import('./subjects/node.js');
    const properties = ALL_PROPERTIES.filter((p) =>
      ['model.dynamic', 'child.file', 'get-hard-disk', 'open.subject'].includes(p.name),
    );
    const report = await runConformance(nodeSubject, { runs: 8, seed: 42, properties });
    expect(report.requirements.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual([]);
  });
});
