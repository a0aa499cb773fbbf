import { copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createNodeHost } from '@vskit/host-node';
import {
  asCom,
  type ComVMHardDisk,
  type ComVMTask,
  formatHresult,
  VirtualServer,
} from '@vskit/vs-api';
import { describe, expect, it } from 'vitest';
import {
  builtCliAndTempFolder,
  ERROR_LINE,
  errorCode,
  vskit,
} from '../__fixtures__/cli-process.js';
import { DISK_METHODS, parseDiskCall } from './vs-disk.js';

const tmp = builtCliAndTempFolder();

/** A task out-parameter. */
type TaskOut = { value: ComVMTask | undefined };

/** `vskit vs disk PATH MEMBER ARGS... --volume C=<tmp>` (with `--json` when asked). */
function disk(path: string, member: string, args: string[] = [], json = false) {
  return vskit([
    'vs',
    'disk',
    path,
    member,
    ...args,
    '--volume',
    `C=${tmp.dir}`,
    ...(json ? ['--json'] : []),
  ]);
}

function vs(method: string, args: string[]) {
  return vskit(['vs', method, ...args, '--volume', `C=${tmp.dir}`]);
}

describe('parseDiskCall', () => {
  it('reads the methods and their arguments: paths as they are, types by name or number', () => {
    expect(parseDiskCall(['C:\\c.vhd', 'merge'])).toEqual({
      path: 'C:\\c.vhd',
      member: 'Merge',
      args: [],
    });
    expect(parseDiskCall(['C:\\c.vhd', 'MergeTo', 'C:\\o.vhd', 'fixedsize']).args).toEqual([
      'C:\\o.vhd',
      1,
    ]);
    expect(parseDiskCall(['C:\\c.vhd', 'Convert', 'C:\\o.vhd', 'Dynamic']).args).toEqual([
      'C:\\o.vhd',
      0,
    ]);
    // A number goes through as it is: vs-api judges the type.
    expect(parseDiskCall(['C:\\c.vhd', 'Convert', 'o.vhd', '7']).args).toEqual(['o.vhd', 7]);
    expect(parseDiskCall(['C:\\c.vhd', 'COMPACT']).member).toBe('Compact');
    expect(parseDiskCall(['C:\\c.vhd', 'put_parent', 'C:\\p.vhd'])).toEqual({
      path: 'C:\\c.vhd',
      member: 'put_Parent',
      args: ['C:\\p.vhd'],
    });
    // Parent alone is the property; get_ names a property too.
    expect(parseDiskCall(['C:\\c.vhd', 'Parent']).member).toBe('Parent');
    expect(parseDiskCall(['C:\\c.vhd', 'get_Parent']).member).toBe('Parent');
    expect(Object.keys(DISK_METHODS)).toEqual([
      'Merge',
      'MergeTo',
      'Compact',
      'Convert',
      'put_Parent',
    ]);
  });

  it('refuses a wrong count, an unknown member and a type that is no name or number', () => {
    const usage = expect.objectContaining({ code: 'USAGE' });
    expect(() => parseDiskCall(['C:\\c.vhd', 'Merge', 'extra'])).toThrow(usage);
    expect(() => parseDiskCall(['C:\\c.vhd', 'MergeTo', 'C:\\o.vhd'])).toThrow(usage);
    expect(() => parseDiskCall(['C:\\c.vhd', 'put_Parent'])).toThrow(usage);
    expect(() => parseDiskCall(['C:\\c.vhd', 'Type', 'x'])).toThrow(usage);
    expect(() => parseDiskCall(['C:\\c.vhd', 'Delete'])).toThrow(usage);
    expect(() => parseDiskCall(['C:\\c.vhd'])).toThrow(usage);
    expect(() => parseDiskCall(['C:\\c.vhd', 'Convert', 'C:\\o.vhd', 'Sparse'])).toThrow(
      expect.objectContaining({ code: 'INVALID_NUMBER' }),
    );
  });
});

describe('vskit vs --help', () => {
  it('names every disk method with its arguments, and shows put_Parent in an example', async () => {
    const help = await vskit(['vs', '--help']);
    expect(help.code).toBe(0);
    const text = help.stdout.toString();
    expect(text).toMatch(/^ +vskit vs disk <path> <Member> \[<args>\.\.\.\]/m);
    for (const line of [
      'disk <path> Merge',
      'disk <path> MergeTo <newPath> <Dynamic|FixedSize|0|1>',
      'disk <path> Compact',
      'disk <path> Convert <newPath> <Dynamic|FixedSize|0|1>',
      'disk <path> put_Parent <parentPath>',
    ]) {
      expect(text).toContain(`  ${line}`);
    }
    expect(text).toContain("$ vskit vs disk 'C:\\vms\\c.vhd' put_Parent 'C:\\store\\p.vhd'");
  });
});

describe('vskit vs disk <path> put_Parent <parentPath>', () => {
  it('re-links a child to its parent copied elsewhere: S_OK, and Parent then names the copy', async () => {
    expect((await vs('CreateDynamicVirtualHardDisk', ['C:\\rl\\base\\p.vhd', '8'])).code).toBe(0);
    expect(
      (await vs('CreateDifferencingVirtualHardDisk', ['C:\\rl\\vms\\c.vhd', 'C:\\rl\\base\\p.vhd']))
        .code,
    ).toBe(0);
    await mkdir(join(tmp.dir, 'rl', 'store'));
    await copyFile(join(tmp.dir, 'rl', 'base', 'p.vhd'), join(tmp.dir, 'rl', 'store', 'p.vhd'));

    const put = await disk('C:\\rl\\vms\\c.vhd', 'put_Parent', ['C:\\rl\\store\\p.vhd']);
    expect(put.stderr).toBe('');
    expect(put.code).toBe(0);
    expect(put.stdout.toString()).toBe('S_OK (0x00000000)\n');
    await rm(join(tmp.dir, 'rl', 'base', 'p.vhd'));
    const parent = await disk('C:\\rl\\vms\\c.vhd', 'Parent');
    expect(parent.stdout.toString()).toBe('S_OK (0x00000000)\n  Parent  C:\\rl\\store\\p.vhd\n');

    const json = await disk('C:\\rl\\vms\\c.vhd', 'put_parent', ['C:\\rl\\store\\p.vhd'], true);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout.toString())).toMatchObject({
      method: 'disk',
      member: 'put_Parent',
      arguments: ['C:\\rl\\vms\\c.vhd', 'put_Parent', 'C:\\rl\\store\\p.vhd'],
      hresult: 0,
      hresultText: 'S_OK (0x00000000)',
    });
  });

  it("prints the HRESULT, what failed and vs-api's reason, exit 1: another disk, no such parent", async () => {
    expect((await vs('CreateDynamicVirtualHardDisk', ['C:\\rf\\p.vhd', '8'])).code).toBe(0);
    expect((await vs('CreateDynamicVirtualHardDisk', ['C:\\rf\\q.vhd', '8'])).code).toBe(0);
    expect(
      (await vs('CreateDifferencingVirtualHardDisk', ['C:\\rf\\c.vhd', 'C:\\rf\\p.vhd'])).code,
    ).toBe(0);
    const other = await disk('C:\\rf\\c.vhd', 'put_Parent', ['C:\\rf\\q.vhd']);
    expect(other.code).toBe(1);
    expect(other.stdout.toString()).toBe('VM_E_PARENT_CHILD_ID_MISMATCH (0xA0040685)\n');
    expect(other.stderr).toMatch(ERROR_LINE);
    expect(other.stderr).toMatch(
      /^vskit: VM_E_PARENT_CHILD_ID_MISMATCH \(0xA0040685\): disk put_Parent failed: parent: /,
    );
    const json = await disk('C:\\rf\\c.vhd', 'put_Parent', ['C:\\rf\\q.vhd'], true);
    expect(JSON.parse(json.stdout.toString())).toMatchObject({
      member: 'put_Parent',
      hresult: 0xa0040685,
      error: { code: 'VM_E_PARENT_CHILD_ID_MISMATCH', exitCode: 1, hresult: 0xa0040685 },
    });
    // GetHardDisk on the parent's path comes first: its failure is the answer.
    const missing = await disk('C:\\rf\\c.vhd', 'put_Parent', ['C:\\rf\\none.vhd']);
    expect(missing.code).toBe(1);
    expect(errorCode(missing.stderr)).toBe('E_FILE_NOT_FOUND');
    // Not a differencing disk.
    const dynamic = await disk('C:\\rf\\q.vhd', 'put_Parent', ['C:\\rf\\p.vhd']);
    expect(errorCode(dynamic.stderr)).toBe('VM_E_WRONG_HD_IMAGE_TYPE');
  });
});

describe('vskit vs disk <path> Merge | MergeTo | Compact | Convert', () => {
  /**
   * Calls on a fixed disk, whose HRESULTs need no result file: the CLI prints the one the COM
   * face answers for the same call on the same files.
   */
  const calls: Array<{
    member: string;
    args: string[];
    com: (d: ComVMHardDisk, task: TaskOut) => Promise<number>;
  }> = [
    { member: 'Merge', args: [], com: (d, t) => d.Merge(t) },
    {
      member: 'MergeTo',
      args: ['C:\\mt\\out.vhd', 'HostDrive'],
      com: (d, t) => d.MergeTo('C:\\mt\\out.vhd', 4, t),
    },
    { member: 'Compact', args: [], com: (d, t) => d.Compact(t) },
    {
      member: 'Convert',
      args: ['C:\\mt\\out.vhd', '2'],
      com: (d, t) => d.Convert('C:\\mt\\out.vhd', 2, t),
    },
  ];
  it('print the HRESULT the COM face gives, its name and hex on the error line', async () => {
    expect((await vs('CreateFixedVirtualHardDisk', ['C:\\mt\\fixed.vhd', '3'])).code).toBe(0);
    const com = asCom(
      new VirtualServer(
        createNodeHost({ volumes: [{ drive: 'C', root: tmp.dir, fileSystem: 'NTFS' }] }),
      ),
    );
    for (const call of calls) {
      const out = { value: undefined as ComVMHardDisk | undefined };
      expect(await com.GetHardDisk('C:\\mt\\fixed.vhd', out)).toBe(0);
      const task: TaskOut = { value: undefined };
      const expected = await call.com(out.value as ComVMHardDisk, task);
      await task.value?.WaitForCompletion(-1);
      const run = await disk('C:\\mt\\fixed.vhd', call.member, call.args);
      expect(run.stdout.toString().split('\n')[0], call.member).toBe(formatHresult(expected));
      if (expected !== 0) {
        expect(run.code, call.member).toBe(1);
        expect(run.stderr, call.member).toMatch(ERROR_LINE);
        expect(run.stderr, call.member).toContain(`disk ${call.member} failed`);
      }
      const json = await disk('C:\\mt\\fixed.vhd', call.member, call.args, true);
      expect(JSON.parse(json.stdout.toString()), call.member).toMatchObject({
        method: 'disk',
        member: call.member,
        hresult: expected,
      });
    }
  });
});

/**
 * `C:\\<folder>\\p.vhd` made by `create` (`sizeMB`), its child `c.vhd` holding 3000 bytes of
 * its own at `offset` (written with vskit write); resolves to the child's real path.
 */
async function chainWithData(
  folder: string,
  create: string,
  sizeMB: string,
  offset: number,
): Promise<string> {
  const parent = `C:\\${folder}\\p.vhd`;
  expect((await vs(create, [parent, sizeMB])).code).toBe(0);
  expect(
    (await vs('CreateDifferencingVirtualHardDisk', [`C:\\${folder}\\c.vhd`, parent])).code,
  ).toBe(0);
  const data = join(tmp.dir, folder, 'data.bin');
  await writeFile(
    data,
    Uint8Array.from({ length: 3000 }, (_, i) => (i * 3 + 5) & 0xff),
  );
  const child = join(tmp.dir, folder, 'c.vhd');
  expect((await vskit(['write', child, '--offset', String(offset), '--input', data])).code).toBe(0);
  return child;
}

describe('vskit vs disk <path> Convert and MergeTo, end to end', () => {
  it('Convert flattens the chain into a new fixed image that reads as the chain', async () => {
    const child = await chainWithData('cv', 'CreateDynamicVirtualHardDisk', '8', 4096);
    const json = await disk('C:\\cv\\c.vhd', 'Convert', ['C:\\cv\\flat.vhd', 'FixedSize'], true);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout.toString())).toMatchObject({
      member: 'Convert',
      arguments: ['C:\\cv\\c.vhd', 'Convert', 'C:\\cv\\flat.vhd', 1],
      hresult: 0,
      task: { result: 0, resultName: 'Success', error: 0 },
    });
    const type = await disk('C:\\cv\\flat.vhd', 'Type');
    expect(type.stdout.toString()).toBe('S_OK (0x00000000)\n  Type  FixedSize (1)\n');
    const flat = await vskit(['cat', join(tmp.dir, 'cv', 'flat.vhd')]);
    const chain = await vskit(['cat', child]);
    expect(Buffer.compare(flat.stdout, chain.stdout)).toBe(0);
  });

  it('MergeTo flattens the chain into a new dynamic image that reads as the chain', async () => {
    const child = await chainWithData('mg', 'CreateFixedVirtualHardDisk', '4', 2 ** 20);
    const merged = await disk('C:\\mg\\c.vhd', 'MergeTo', ['C:\\mg\\flat.vhd', 'Dynamic']);
    expect(merged.stderr).toBe('');
    expect(merged.code).toBe(0);
    expect(merged.stdout.toString()).toBe(
      'S_OK (0x00000000)\n  task result  Success (0)\n  task error   S_OK (0x00000000)\n',
    );
    const flat = await vskit(['cat', join(tmp.dir, 'mg', 'flat.vhd')]);
    const chain = await vskit(['cat', child]);
    expect(Buffer.compare(flat.stdout, chain.stdout)).toBe(0);
    // The new path is taken now: the creation's E_ALREADY_EXISTS, printed as any failure.
    const again = await disk('C:\\mg\\c.vhd', 'MergeTo', ['C:\\mg\\flat.vhd', '0']);
    expect(again.code).toBe(1);
    expect(again.stdout.toString()).toBe('E_ALREADY_EXISTS (0x800700B7)\n');
    expect(errorCode(again.stderr)).toBe('E_ALREADY_EXISTS');
  });
});
