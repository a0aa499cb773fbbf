import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CREATE_METHODS } from '../catalogue.js';
import { predict } from '../model.js';
import { Chooser } from './chooser.js';
import { aimsOf, buildDifferencing, buildSized } from './scenario.js';

const plentyFacts = (free: number) => ({
  freeBytes: new Map([
    ['C', free],
    ['D', free],
  ]),
});

describe('scenario generator', () => {
  for (const method of CREATE_METHODS) {
    it(`every single aim of ${method} makes its condition the model's verdict in some draw`, () => {
      const misses: string[] = [];
      for (const aim of aimsOf(method).filter((a) => a.length === 1)) {
        const condition = aim[0];
        let hit = false;
        const samples = fc.sample(
          fc.array(fc.nat({ max: 1_000_000 }), { minLength: 48, maxLength: 48 }),
          { numRuns: 40, seed: 7 },
        );
        for (const draws of samples) {
          const c = new Chooser(draws);
          const scenario =
            method === 'CreateDifferencingVirtualHardDisk'
              ? buildDifferencing(c, aim)
              : buildSized(c, method, aim);
          const free = condition === 'disk-full' ? 4 * 2 ** 20 : 2 ** 40;
          const prediction = predict(scenario.state, scenario.call, plentyFacts(free));
          if (prediction.decided?.variant.condition === condition) hit = true;
        }
        if (!hit) misses.push(String(condition));
      }
      expect(misses).toEqual([]);
    });
    it(`every pair aim of ${method} makes both conditions hold, the earlier one deciding, in some draw`, () => {
      const misses: string[] = [];
      for (const aim of aimsOf(method).filter((a) => a.length === 2)) {
        let hit = false;
        const samples = fc.sample(
          fc.array(fc.nat({ max: 1_000_000 }), { minLength: 48, maxLength: 48 }),
          { numRuns: 40, seed: 7 },
        );
        for (const draws of samples) {
          const c = new Chooser(draws);
          const scenario =
            method === 'CreateDifferencingVirtualHardDisk'
              ? buildDifferencing(c, aim)
              : buildSized(c, method, aim);
          const free = aim.includes('disk-full') ? 4 * 2 ** 20 : 2 ** 40;
          const prediction = predict(scenario.state, scenario.call, plentyFacts(free));
          const conditions = prediction.holding.map((h) => h.variant.condition);
          if (
            prediction.decided?.variant.condition === aim[0] &&
            conditions.includes(aim[1] as never)
          )
            hit = true;
        }
        if (!hit) misses.push(aim.join('+'));
      }
      expect(misses).toEqual([]);
    });
  }
});
