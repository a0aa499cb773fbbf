import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { testHost, writeVhd } from './__fixtures__/hosts.js';
import { asCom, type ComVMTask, type OutParam } from './com.js';
import { HRESULT, hresultName, VMTaskResult } from './hresult.js';
import { VirtualServer } from './virtual-server.js';

const PARENT = 'C:\\base\\parent.vhd';

async function setup() {
  const { host } = testHost();
  await writeVhd(host, PARENT, { type: 'dynamic', sizeBytes: 64 * 2 ** 20 });
  const vs = new VirtualServer(host);
  return { host, vs, com: asCom(vs) };
}

describe('asCom', () => {
  it('answers E_POINTER for an out-parameter whose value cannot be set, and writes nothing', async () => {
    const { host, com } = await setup();
    const before = await host.snapshot();
    const frozen = Object.freeze({ value: undefined }) as OutParam<ComVMTask>;
    const getterOnly = {
      get value() {
        return undefined;
      },
    } as OutParam<ComVMTask>;
    for (const out of [frozen, getterOnly]) {
      expect(await com.CreateDynamicVirtualHardDisk('C:\\f.vhd', 8, out)).toBe(HRESULT.E_POINTER);
      expect(await com.CreateFixedVirtualHardDisk('C:\\f.vhd', 8, out)).toBe(HRESULT.E_POINTER);
      expect(await com.CreateDifferencingVirtualHardDisk('C:\\c.vhd', PARENT, out)).toBe(
        HRESULT.E_POINTER,
      );
    }
    expect(await host.snapshot()).toEqual(before);
  });

  it('cancels the task when its out-parameter refuses it: DISP_E_EXCEPTION, nothing written', async () => {
    const { host, com } = await setup();
    const before = await host.snapshot();
    let stored: unknown;
    const picky = {
      get value() {
        return stored;
      },
      set value(v: unknown) {
        if (v !== undefined) throw new TypeError('this out-parameter takes no task');
        stored = v;
      },
    } as OutParam<ComVMTask>;
    expect(await com.CreateFixedVirtualHardDisk('C:\\new\\f.vhd', 64, picky)).toBe(
      HRESULT.DISP_E_EXCEPTION,
    );
    expect(await host.snapshot()).toEqual(before);
    // the path is free again: the abandoned task is over
    const out: OutParam<ComVMTask> = { value: undefined };
    expect(await com.CreateFixedVirtualHardDisk('C:\\new\\f.vhd', 8, out)).toBe(HRESULT.S_OK);
    await out.value?.WaitForCompletion(-1);
    expect(out.value?.Result).toBe(VMTaskResult.Success);
  });

  it('answers E_POINTER for a null or undefined out-parameter before any other check', async () => {
    const { host, com } = await setup();
    host.beginShutdown();
    const before = await host.snapshot();
    for (const out of [null, undefined]) {
      expect(await com.CreateDifferencingVirtualHardDisk('bad|', 'x', out)).toBe(HRESULT.E_POINTER);
      expect(await com.CreateDynamicVirtualHardDisk('', 0, out)).toBe(HRESULT.E_POINTER);
      expect(await com.CreateFixedVirtualHardDisk('', 0, out)).toBe(HRESULT.E_POINTER);
      expect(await com.GetHardDisk('', out)).toBe(HRESULT.E_POINTER);
    }
    expect(await host.snapshot()).toEqual(before);
  });

  it('returns the promise face’s VsError as the HRESULT and leaves the out-parameter alone', async () => {
    const { com } = await setup();
    const out: OutParam<ComVMTask> = { value: undefined };
    expect(await com.CreateDynamicVirtualHardDisk('C:\\a.vhd', 0, out)).toBe(HRESULT.E_INVALIDARG);
    expect(out.value).toBeUndefined();
    expect(await com.CreateDifferencingVirtualHardDisk('a.vhd', 'b.vhd', out)).toBe(
      HRESULT.E_BAD_PATHNAME,
    );
  });

  it('gives an IVMTask-shaped task: PascalCase getters, WaitForCompletion and Cancel as HRESULTs', async () => {
    const { com, vs } = await setup();
    const out: OutParam<ComVMTask> = { value: undefined };
    expect(await com.CreateDifferencingVirtualHardDisk('C:\\vms\\c.vhd', PARENT, out)).toBe(
      HRESULT.S_OK,
    );
    const task = out.value as ComVMTask;
    expect(typeof task.ID).toBe('string');
    expect(task.Description).toContain('C:\\vms\\c.vhd');
    expect(await task.WaitForCompletion(-2)).toBe(HRESULT.E_POINTER);
    expect(await task.WaitForCompletion(4_000_001)).toBe(HRESULT.E_POINTER);
    expect(await task.WaitForCompletion(0)).toBe(HRESULT.S_OK);
    expect(await task.WaitForCompletion(-1)).toBe(HRESULT.S_OK);
    expect(task.IsComplete).toBe(true);
    expect(task.IsCancelable).toBe(false);
    expect(task.PercentCompleted).toBe(100);
    expect(task.Result).toBe(VMTaskResult.Success);
    expect(task.Error).toBe(HRESULT.S_OK);
    expect(task.ErrorDescription).toBe('');
    expect(await task.Cancel()).toBe(HRESULT.E_FAIL);
    expect(task.task).toBeDefined();
    expect(com.server).toBe(vs);
  });

  it('Cancel of a running task answers S_OK and the task ends Cancelled', async () => {
    const { host, com } = await setup();
    const before = await host.snapshot();
    const out: OutParam<ComVMTask> = { value: undefined };
    expect(await com.CreateFixedVirtualHardDisk('C:\\vms\\f.vhd', 64, out)).toBe(HRESULT.S_OK);
    expect(await out.value?.Cancel()).toBe(HRESULT.S_OK);
    expect(out.value?.Result).toBe(VMTaskResult.Cancelled);
    expect(await host.snapshot()).toEqual(before);
  });
});

describe('asCom on arbitrary input', () => {
  const pathLike = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.constantFrom(null, undefined, '', 'C:\\', 'C:\\base\\parent.vhd', '..\\x.vhd', '\\x.vhd'),
    fc
      .array(fc.constantFrom('a', 'B', '..', '.', '', 'x.vhd', 'C:', 'c:', '|', '\u0001', 'é'), {
        maxLength: 6,
      })
      .map((parts) => parts.join('\\')),
    fc.integer() as fc.Arbitrary<unknown>,
  );
  const sizeLike = fc.oneof(
    fc.integer({ min: -5, max: 10 }),
    fc.double(),
    fc.constantFrom(2_088_959, 2_088_960, Number.NaN, null, '8'),
  );

  it('always answers a documented HRESULT (never throws, never DISP_E_EXCEPTION); refusals change nothing', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('diff', 'dynamic', 'fixed', 'get'),
        pathLike,
        pathLike,
        sizeLike,
        async (method, a, b, size) => {
          const { host, com } = await setup();
          const before = await host.snapshot();
          const out: OutParam<never> = { value: undefined };
          const pa = a as string;
          let hr: number;
          if (method === 'diff')
            hr = await com.CreateDifferencingVirtualHardDisk(pa, b as string, out);
          else if (method === 'dynamic')
            hr = await com.CreateDynamicVirtualHardDisk(pa, size as number, out);
          else if (method === 'fixed')
            hr = await com.CreateFixedVirtualHardDisk(pa, Math.min(Number(size), 64), out);
          else hr = await com.GetHardDisk(pa, out);
          expect(hresultName(hr)).toBeDefined();
          expect(hr).not.toBe(HRESULT.DISP_E_EXCEPTION);
          if (hr !== HRESULT.S_OK || method === 'get') {
            expect(await host.snapshot()).toEqual(before);
          } else {
            const task = out.value as unknown as ComVMTask;
            expect(await task.WaitForCompletion(-1)).toBe(HRESULT.S_OK);
            expect(task.Result).toBe(VMTaskResult.Success);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
