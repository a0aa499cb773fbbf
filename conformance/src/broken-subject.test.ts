import { describe, expect, it } from 'vitest';
import { runConformance } from './runner.js';
import type { Subject } from './subject.js';
import { emulatedSubject } from './subjects/emulated.js';

const failing = (report: Awaited<ReturnType<typeof runConformance>>) =>
  new Set(report.requirements.filter((r) => r.status === 'fail').map((r) => r.id));

describe('the README example subject (E_ALREADY_EXISTS turned into S_OK)', () => {
  it('fails exactly the E_ALREADY_EXISTS and concurrent-creation requirements', async () => {
    const url = new URL('../examples/broken-subject.mjs', import.meta.url).href;
    const broken = (await import(url)).default as Subject;
    const options = { runs: 40, seed: 20261125 };
    const [brokenReport, baseReport] = [
      await runConformance(broken, options),
      await runConformance(emulatedSubject, options),
    ];
    const base = failing(baseReport);
    const added = [...failing(brokenReport)].filter((id) => !base.has(id)).sort();
    expect(added).toEqual([
      'CDVHD.E_ALREADY_EXISTS.file',
      'CDVHD.E_ALREADY_EXISTS.folder',
      'CDVHD.concurrent-same-path',
    ]);
    expect(brokenReport.ok).toBe(false);
    const fileFailure = brokenReport.requirements.find(
      (r) => r.id === 'CDVHD.E_ALREADY_EXISTS.file',
    );
    expect(fileFailure?.counterexample?.replay).toMatch(/^--seed 20261125 --path [\d:]+ --filter /);
  });
});

describe('a subject whose task methods return nothing', () => {
  it('fails the WaitForCompletion requirements: a missing HRESULT is not S_OK', async () => {
    const silent: Subject = {
      name: 'WaitForCompletion returns undefined',
      createHost: (state) => emulatedSubject.createHost(state),
      async createServer(host) {
        const inner = (await emulatedSubject.createServer(
          host,
        )) as import('./subject.js').ComServer;
        const silence = (out: { value?: unknown } | null | undefined) => {
          const task = out?.value as
            | { WaitForCompletion(ms: number): Promise<unknown> }
            | undefined;
          if (task !== undefined && task !== null) {
            const wait = task.WaitForCompletion.bind(task);
            (out as { value: unknown }).value = Object.create(task, {
              WaitForCompletion: {
                value: async (ms: number) => {
                  await wait(ms);
                  return undefined;
                },
              },
            });
          }
        };
        return {
          ...inner,
          CreateDifferencingVirtualHardDisk: async (i, p, out) => {
            const hr = await inner.CreateDifferencingVirtualHardDisk(i, p, out);
            silence(out);
            return hr;
          },
          CreateDynamicVirtualHardDisk: async (i, s, out) => {
            const hr = await inner.CreateDynamicVirtualHardDisk(i, s, out);
            silence(out);
            return hr;
          },
          CreateFixedVirtualHardDisk: async (i, s, out) => {
            const hr = await inner.CreateFixedVirtualHardDisk(i, s, out);
            silence(out);
            return hr;
          },
        };
      },
    };
    const report = await runConformance(silent, { runs: 5, seed: 7, filter: 'task.lifecycle' });
    const failed = failing(report);
    expect(failed.has('TASK.wait.bounded')).toBe(true);
  });
});

describe('a report that points at the cause', () => {
  const load = async (name: string) =>
    (await import(new URL(`../examples/${name}`, import.meta.url).href)).default as Subject;

  it('reports a subject that refuses a relative imagePath first and mainly under CDVHD.remark.relative-image', async () => {
    const report = await runConformance(await load('relative-image-refused.mjs'), {
      runs: 10,
      seed: 1,
    });
    const remark = report.requirements.find((r) => r.id === 'CDVHD.remark.relative-image');
    expect(remark?.status).toBe('fail');
    expect(remark?.counterexample?.suspected).toMatch(/relative imagePath/);
    const first = report.causes?.[0];
    expect(first?.cause).toBe('CDVHD.remark.relative-image');
    const charged = report.requirements.filter(
      (r) => r.chargedTo === 'CDVHD.remark.relative-image',
    );
    // the unrelated ids the failures showed up under are charged to the cause, not failed
    expect(charged.map((r) => r.id)).toEqual(
      expect.arrayContaining(['CDVHD.S_OK', 'TASK.success']),
    );
    expect(charged.every((r) => r.status === 'pass')).toBe(true);
    expect(first?.ids.length).toBeGreaterThan(failing(report).size);
    expect(report.ok).toBe(false);
  });

  it('keeps a subject that answers E_FILE_NOT_FOUND for E_PATH_NOT_FOUND at exactly its E_PATH_NOT_FOUND failures, none charged elsewhere', async () => {
    const report = await runConformance(await load('file-for-path-not-found.mjs'), {
      runs: 10,
      seed: 1,
    });
    const failed = [...failing(report)];
    expect(failed.length).toBeGreaterThan(0);
    expect(failed.filter((id) => !/\.E_PATH_NOT_FOUND(\.|$)/.test(id))).toEqual([]);
    expect(report.requirements.filter((r) => r.chargedTo !== undefined)).toEqual([]);
    expect(report.causes?.map((g) => g.cause).sort()).toEqual(failed.sort());
  });
});
