import { isTemporaryName, windowsPath } from '@vskit/host';
import { describe, expect, it } from 'vitest';
import { testHost } from './__fixtures__/hosts.js';
import { temporaryPathFor } from './creation.js';
import { VMTaskResult } from './hresult.js';
import { VirtualServer } from './virtual-server.js';

const parse = (path: string) => windowsPath.parseAbsolute(path) as windowsPath.WindowsPath;
const RANDOM = new Uint8Array([1, 2, 3, 4]);

describe('temporaryPathFor', () => {
  it("puts the temporary file beside the image, under a name of the image's", () => {
    const image = parse('C:\\vms\\a.vhd');
    const temporary = temporaryPathFor(image, RANDOM);
    expect(windowsPath.format(windowsPath.dirname(temporary))).toBe('C:\\vms');
    expect(isTemporaryName(windowsPath.basename(temporary), windowsPath.pathKey(image))).toBe(true);
  });

  it('goes up to the nearest folder where the path stays below MAX_PATH', () => {
    const deep = `C:\\${'d'.repeat(120)}\\${'e'.repeat(120)}\\x.vhd`;
    expect(deep.length).toBeLessThan(windowsPath.MAX_PATH);
    const temporary = windowsPath.format(temporaryPathFor(parse(deep), RANDOM));
    expect(temporary.length).toBeLessThan(windowsPath.MAX_PATH);
    expect(temporary.startsWith(`C:\\${'d'.repeat(120)}\\~vskit-`)).toBe(true);
  });
});

describe('creation through a temporary file', () => {
  it('leaves no temporary file, and a failure to clear old ones does not fail the creation', async () => {
    const { host } = testHost();
    await host.mkdir('C:\\vms');
    host.faults.failNth('readdir', 1, 'EIO');
    const task = await new VirtualServer(host).createDynamicVirtualHardDisk('C:\\vms\\a.vhd', 8);
    await task.waitForCompletion(-1);
    expect(task.result).toBe(VMTaskResult.Success);
    expect(host.faults.log().some((r) => r.op === 'readdir' && r.injected)).toBe(true);
    expect(await host.readdir('C:\\vms')).toEqual(['a.vhd']);
  });

  it('a deep image is renamed from the folder above and both folders are synced', async () => {
    const { host } = testHost();
    const folder = `C:\\${'d'.repeat(120)}\\${'e'.repeat(120)}`;
    const image = `${folder}\\x.vhd`;
    host.faults.reset();
    const task = await new VirtualServer(host).createDynamicVirtualHardDisk(image, 8);
    await task.waitForCompletion(-1);
    expect(task.result).toBe(VMTaskResult.Success);
    const synced = host.faults
      .log()
      .filter((r) => r.op === 'syncFolder')
      .map((r) => r.path);
    expect(synced).toContain(folder);
    expect(synced).toContain(`C:\\${'d'.repeat(120)}`);
    expect(await host.durableSnapshot()).toEqual(await host.snapshot());
    expect(await host.readdir(`C:\\${'d'.repeat(120)}`)).toEqual(['e'.repeat(120)]);
  });
});
