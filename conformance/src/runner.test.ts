import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defineProperty } from './property.js';
import { renderReport } from './report.js';
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

  it('aims cases at a requirement the run left without one, so it is exercised', async () => {
    const aimed = defineProperty<number>({
      name: 'synthetic.aimed',
      covers: ['CODEC.geometry', 'CODEC.timestamp'],
      primary: 'CODEC.geometry',
      arbitrary: () => fc.constant(0),
      aimAt: (id) => (id === 'CODEC.timestamp' ? fc.constant(1) : undefined),
      async check(_subject, n, ctx) {
        ctx.exercise(n === 1 ? 'CODEC.timestamp' : 'CODEC.geometry');
      },
    });
    const report = await runConformance(emulatedSubject, {
      runs: 3,
      seed: 1,
      properties: [aimed],
    });
    expect(report.requirements.map((r) => [r.id, r.cases, r.exercised])).toEqual([
      ['CODEC.geometry', 3, true],
      ['CODEC.timestamp', 10, true],
    ]);
    expect(report.ok).toBe(true);
    expect(report.unexercised).toBe(0);
  });
  it('does not count a requirement no case exercised as passed', async () => {
    const blind = defineProperty<number>({
      name: 'synthetic.blind',
      covers: ['CODEC.geometry', 'CODEC.timestamp'],
      primary: 'CODEC.geometry',
      arbitrary: () => fc.nat(),
      async check(_subject, _n, ctx) {
        ctx.exercise('CODEC.geometry');
      },
    });
    const report = await runConformance(emulatedSubject, { runs: 2, seed: 1, properties: [blind] });
    const timestamp = report.requirements.find((r) => r.id === 'CODEC.timestamp');
    expect(timestamp).toMatchObject({ status: 'pass', cases: 0, exercised: false });
    expect(report.unexercised).toBe(1);
    expect(report.ok).toBe(false);
  });
  it('prints --aim in the replay of a failure an aimed case found, and the replay finds it again', async () => {
    const hidden = defineProperty<number>({
      name: 'synthetic.hidden',
      covers: ['CODEC.geometry', 'CODEC.timestamp'],
      primary: 'CODEC.geometry',
      arbitrary: () => fc.constant(0),
      aimAt: (id) => (id === 'CODEC.timestamp' ? fc.integer({ min: 1, max: 100 }) : undefined),
      async check(_subject, n, ctx) {
        if (n === 0) return ctx.exercise('CODEC.geometry');
        ctx.exercise('CODEC.timestamp');
        ctx.expect('CODEC.timestamp', n < 50, () => `${n} is 50 or more`);
      },
    });
    const report = await runConformance(emulatedSubject, {
      runs: 1,
      seed: 5,
      properties: [hidden],
    });
    const failure = report.requirements.find((r) => r.id === 'CODEC.timestamp')?.counterexample;
    expect(failure?.replay).toMatch(/--filter synthetic\.hidden --aim CODEC\.timestamp$/);
    const replay = await runConformance(emulatedSubject, {
      runs: 1,
      seed: failure?.seed as number,
      path: failure?.path as string,
      aim: 'CODEC.timestamp',
      properties: [hidden],
    });
    expect(replay.requirements.find((r) => r.id === 'CODEC.timestamp')?.status).toBe('fail');
    const passingReplay = await runConformance(emulatedSubject, {
      runs: 1,
      seed: 1,
      path: '0',
      properties: [hidden],
    });
    expect(passingReplay.unexercised).toBe(1);
    expect(passingReplay.ok).toBe(true);
  });
});

describe('runConformance arguments', () => {
  it('refuses something that is not a subject, a run count below 1 and a seed that is not a whole number, before running anything', async () => {
    await expect(runConformance(null as never)).rejects.toThrow(TypeError);
    await expect(
      runConformance({ name: 'half', createHost: emulatedSubject.createHost } as never),
    ).rejects.toThrow(/not a subject/);
    for (const runs of [0, -1, Number.NaN, 1.5, Number.POSITIVE_INFINITY]) {
      await expect(runConformance(emulatedSubject, { runs })).rejects.toThrow(RangeError);
    }
    for (const seed of [Number.NaN, 0.5, 'x' as unknown as number]) {
      await expect(runConformance(emulatedSubject, { seed })).rejects.toThrow(RangeError);
    }
  });
});

describe('requirements a subject cannot set up', () => {
  // A property that covers a free-space requirement but never reaches it.
  const idle = defineProperty<number>({
    name: 'synthetic.free-space-unreached',
    covers: ['STATE.free-space-exact', 'CODEC.timestamp'],
    primary: 'CODEC.timestamp',
    arbitrary: () => fc.nat(),
    async check(_subject, _n, ctx) {
      ctx.exercise('CODEC.timestamp');
    },
  });

  it('a free-space requirement left unexercised is not applicable for exactFreeSpace: false, and ok stays true', async () => {
    const realFolders = { ...emulatedSubject, name: 'real folders', exactFreeSpace: false };
    const report = await runConformance(realFolders, { runs: 3, seed: 1, properties: [idle] });
    expect(report.ok).toBe(true);
    expect(report.unexercised).toBe(0);
    const line = report.requirements.find((r) => r.id === 'STATE.free-space-exact');
    expect(line).toMatchObject({ status: 'pass', exercised: false, applicable: false });
    expect(renderReport(report)).toMatch(/STATE\.free-space-exact .*not applicable/);
    expect(renderReport(report)).toMatch(/1 not applicable/);

    // a subject that claims exact free space must show it: the same run is not ok
    const exact = await runConformance(emulatedSubject, { runs: 3, seed: 1, properties: [idle] });
    expect(exact.ok).toBe(false);
    expect(exact.unexercised).toBe(1);
    expect(exact.requirements.find((r) => r.id === 'STATE.free-space-exact')?.applicable).toBe(
      undefined,
    );
  });
});

describe('a call that never answers', () => {
  it('is charged once with its unshrunk counterexample, not called again, and the other requirements still run', async () => {
    let calls = 0;
    let firstHung: number | undefined;
    const hanging = defineProperty<number>({
      name: 'synthetic.hang',
      covers: ['CODEC.geometry', 'CODEC.timestamp'],
      primary: 'CODEC.geometry',
      arbitrary: () => fc.integer({ min: 0, max: 1000 }),
      async check(_subject, n, ctx) {
        ctx.exercise('CODEC.timestamp');
        if (n < 300) return;
        ctx.exercise('CODEC.geometry');
        await ctx.answer(
          {
            id: 'CODEC.geometry',
            what: `call(${n})`,
            kind: 'call of 300 or more',
            member: 'call',
            budget: 'quick',
          },
          () => {
            calls++;
            firstHung ??= n;
            return new Promise(() => {});
          },
        );
      },
    });
    const report = await runConformance(emulatedSubject, {
      runs: 50,
      seed: 4,
      properties: [hanging],
      quickTimeoutMs: 50,
    });
    expect(calls).toBe(1);
    const geometry = report.requirements.find((r) => r.id === 'CODEC.geometry');
    expect(geometry?.status).toBe('fail');
    expect(geometry?.counterexample?.message).toMatch(/call\(\d+\) did not answer within 0\.05 s/);
    expect(geometry?.counterexample?.value).toBe(firstHung);
    const timestamp = report.requirements.find((r) => r.id === 'CODEC.timestamp');
    expect(timestamp).toMatchObject({ status: 'pass', exercised: true });
  });

  it('in a case as a whole (outside any timed call) fails the primary requirement and the property is not run again', async () => {
    let cases = 0;
    const stuck = defineProperty<number>({
      name: 'synthetic.stuck',
      covers: ['CODEC.geometry', 'CODEC.timestamp'],
      primary: 'CODEC.geometry',
      arbitrary: () => fc.nat(),
      async check() {
        cases++;
        await new Promise(() => {});
      },
    });
    const report = await runConformance(emulatedSubject, {
      runs: 20,
      seed: 1,
      properties: [stuck],
      caseTimeoutMs: 25,
    });
    expect(cases).toBe(1);
    const geometry = report.requirements.find((r) => r.id === 'CODEC.geometry');
    expect(geometry?.counterexample?.message).toMatch(/the case did not answer within 0\.05 s/);
    expect(report.requirements.find((r) => r.id === 'CODEC.timestamp')?.exercised).toBe(false);
  });

  it('budgets must be positive numbers of milliseconds', async () => {
    for (const bad of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(runConformance(emulatedSubject, { caseTimeoutMs: bad })).rejects.toThrow(
        RangeError,
      );
      await expect(runConformance(emulatedSubject, { quickTimeoutMs: bad })).rejects.toThrow(
        RangeError,
      );
    }
  });
});
