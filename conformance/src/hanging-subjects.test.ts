import { describe, expect, it } from 'vitest';
import { HR } from './hresults.js';
import { ALL_PROPERTIES } from './properties/index.js';
import { type ConformanceReport, runConformance } from './runner.js';
import type { ComServer, ComTask, OutParam, Subject } from './subject.js';
import { emulatedSubject } from './subjects/emulated.js';

// Subjects that hang in one place. Each run uses short budgets so the tests stay fast; what is
// asserted is the outcome (which requirements fail, with what message), never a duration.
const budgets = { quickTimeoutMs: 1000, caseTimeoutMs: 3000 };

const never = <T>() => new Promise<T>(() => {});

type Method =
  | 'CreateDifferencingVirtualHardDisk'
  | 'CreateDynamicVirtualHardDisk'
  | 'CreateFixedVirtualHardDisk';
const METHODS: readonly Method[] = [
  'CreateDifferencingVirtualHardDisk',
  'CreateDynamicVirtualHardDisk',
  'CreateFixedVirtualHardDisk',
];

/**
 * The emulated subject with each creation method's answer and task passed through `change`
 * (`undefined` keeps a method as it is), and GetHardDisk through `getHardDisk`.
 */
function hangingSubject(
  name: string,
  change: {
    readonly task?: (task: ComTask, method: Method) => ComTask;
    readonly answer?: (hr: number, method: Method) => number | Promise<number>;
    readonly getHardDisk?: ComServer['GetHardDisk'];
  },
): Subject {
  return {
    name,
    createHost: (state) => emulatedSubject.createHost(state),
    async createServer(host) {
      const inner = (await emulatedSubject.createServer(host)) as ComServer;
      const wrap =
        (method: Method) =>
        async (path: unknown, arg: unknown, out: OutParam<never> | null): Promise<number> => {
          const call = inner[method] as (p: unknown, a: unknown, o: unknown) => Promise<number>;
          const hr = await call.call(inner, path, arg, out);
          const slot = out as OutParam<ComTask> | null;
          if (change.task && slot?.value) slot.value = change.task(slot.value, method);
          return change.answer ? change.answer(hr, method) : hr;
        };
      const server = Object.fromEntries(METHODS.map((m) => [m, wrap(m)])) as unknown as ComServer;
      return {
        // the rest of the surface as it is
        ...(inner as object),
        ...server,
        GetHardDisk: change.getHardDisk ?? ((path, out) => inner.GetHardDisk?.(path, out) ?? 0),
      };
    },
  };
}

const failed = (report: ConformanceReport) =>
  report.requirements.filter((r) => r.status === 'fail').map((r) => r.id);

/** The requirements that pass with a case, as ids. */
const shown = (report: ConformanceReport) =>
  new Set(report.requirements.filter((r) => r.status === 'pass' && r.exercised).map((r) => r.id));

describe('a subject that hangs in one place', () => {
  it('WaitForCompletion that never answers a bad timeout: only TASK.wait.bad-timeout fails, every other requirement is shown to hold', async () => {
    const subject = hangingSubject('WaitForCompletion hangs on a bad timeout', {
      task: (task) =>
        Object.create(task, {
          WaitForCompletion: {
            value: (ms: number) =>
              ms !== -1 && (ms < 0 || ms > 4_000_000) ? never() : task.WaitForCompletion(ms),
          },
        }),
    });
    const report = await runConformance(subject, { runs: 5, seed: 7, ...budgets });
    expect(failed(report)).toEqual(['TASK.wait.bad-timeout']);
    const message = report.requirements.find((r) => r.id === 'TASK.wait.bad-timeout')
      ?.counterexample?.message;
    expect(message).toMatch(
      /^TASK\.wait\.bad-timeout: WaitForCompletion\(-?\d+\) did not answer within 1 s/,
    );
    expect(report.unexercised).toBe(0);
    expect(shown(report).size).toBe(report.requirements.length - 1);
  });

  it('a fixed-disk task that never completes: charged once to TASK.wait.infinite, the other methods still judged', async () => {
    const subject = hangingSubject('fixed-disk tasks never complete', {
      task: (task, method) =>
        method !== 'CreateFixedVirtualHardDisk'
          ? task
          : Object.create(task, {
              IsComplete: { get: () => false },
              PercentCompleted: { get: () => 0 },
              WaitForCompletion: {
                value: async (ms: number) => {
                  if (ms === -1) return never();
                  if (ms < 0 || ms > 4_000_000) return HR.E_POINTER;
                  await new Promise((resolve) => setTimeout(resolve, Math.min(ms, 5)));
                  return HR.S_OK;
                },
              },
            }),
    });
    const report = await runConformance(subject, { runs: 5, seed: 7, ...budgets });
    expect(failed(report)).toEqual(['TASK.wait.infinite']);
    expect(
      report.requirements.find((r) => r.id === 'TASK.wait.infinite')?.counterexample?.message,
    ).toMatch(
      /WaitForCompletion\(-1\) on the CreateFixedVirtualHardDisk task did not answer within 3 s/,
    );
    for (const id of ['CDVHD.S_OK', 'CDYN.S_OK', 'CDYN.file', 'TASK.success', 'TASK.percent']) {
      expect(shown(report)).toContain(id);
    }
    // what only a completed fixed disk shows is not shown to hold, not failed
    const notShown = report.requirements.filter((r) => !r.exercised).map((r) => r.id);
    expect(notShown).toContain('CFIX.file');
    expect(notShown.every((id) => id.startsWith('CFIX.'))).toBe(true);
  });

  it('a method that never resolves where it should refuse: only that refusal fails', async () => {
    const subject = hangingSubject('no answer for an unreadable parent', {
      answer: (hr, method) =>
        method === 'CreateDifferencingVirtualHardDisk' && hr === HR.VM_E_HD_IMAGE_OPEN_FAIL
          ? never()
          : hr,
    });
    const properties = ALL_PROPERTIES.filter((p) => p.name.startsWith('model.'));
    const report = await runConformance(subject, { runs: 10, seed: 3, properties, ...budgets });
    expect(failed(report)).toEqual(['CDVHD.VM_E_HD_IMAGE_OPEN_FAIL']);
    expect(
      report.requirements.find((r) => r.id === 'CDVHD.VM_E_HD_IMAGE_OPEN_FAIL')?.counterexample
        ?.message,
    ).toMatch(/CreateDifferencingVirtualHardDisk\(.*\) did not answer within 1 s/);
    expect(report.unexercised).toBe(0);
  });

  it('a GetHardDisk that never resolves at all: a few GetHardDisk requirements fail as hangs, the rest of the run is judged', async () => {
    const subject = hangingSubject('GetHardDisk never answers', { getHardDisk: () => never() });
    const report = await runConformance(subject, { runs: 5, seed: 7, ...budgets });
    const failures = report.requirements.filter((r) => r.status === 'fail');
    // the member is given up after hanging in two kinds of case
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.length).toBeLessThanOrEqual(2);
    for (const failure of failures) {
      expect(failure.id).toMatch(/^(GHD|OPEN)\./);
      expect(failure.counterexample?.message).toMatch(/GetHardDisk\(.*\) did not answer within/);
    }
    // what only a disk GetHardDisk hands can show (its properties and methods, a host-drive
    // image read back) is not shown once the member is given up
    const others = report.requirements.filter(
      (r) =>
        !r.id.startsWith('GHD.') &&
        !/^OPEN\..*(subject|confined|\.w2ru|\.w2ku|\.name|precedence)/.test(r.id) &&
        !/^(HDP|MERGE|MERGETO|COMPACT|CONVERT|PUTPARENT|DISKOPS)\./.test(r.id) &&
        r.id !== 'HDRV.S_OK',
    );
    expect(others.every((r) => r.status === 'pass' && r.exercised)).toBe(true);
  });

  it('a host that never answers outside any timed call: the property is charged and given up', async () => {
    const subject: Subject = {
      ...emulatedSubject,
      name: 'createServer hangs while shutting down',
      createServer: (host) =>
        host.isShuttingDown() ? never() : emulatedSubject.createServer(host),
    };
    const properties = ALL_PROPERTIES.filter((p) => p.name === 'model.dynamic');
    const report = await runConformance(subject, {
      runs: 10,
      seed: 3,
      properties,
      quickTimeoutMs: 1000,
      caseTimeoutMs: 500,
    });
    expect(failed(report)).toEqual(['CDYN.S_OK']);
    expect(report.requirements.find((r) => r.id === 'CDYN.S_OK')?.counterexample?.message).toMatch(
      /the case did not answer within 1 s, outside any call the suite times/,
    );
  });
});
