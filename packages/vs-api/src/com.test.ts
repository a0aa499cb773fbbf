import { describe, expect, it } from 'vitest';
import { testHost, writeVhd } from './__fixtures__/hosts.js';
import { asCom, type ComVMTask, type OutParam } from './com.js';
import { HRESULT, VMTaskResult } from './hresult.js';
import { VirtualServer } from './virtual-server.js';

const PARENT = 'C:\\base\\parent.vhd';

async function setup() {
  const { host } = testHost();
  await writeVhd(host, PARENT, { type: 'dynamic', sizeBytes: 64 * 2 ** 20 });
  const vs = new VirtualServer(host);
  return { host, vs, com: asCom(vs) };
}

describe('asCom', () => {
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
