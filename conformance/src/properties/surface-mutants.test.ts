import type { Host } from '@vskit/host';
import { decodeFooter, mapChain, rebase } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import { openHostChain } from '../_internal/chain-access.js';
import { HR } from '../hresults.js';
import type { PropertyDefinition } from '../property.js';
import { runConformance } from '../runner.js';
import type { Subject } from '../subject.js';
import { emulatedSubject } from '../subjects/emulated.js';
import type { DiskMethod } from '../surface-model.js';
import { diskMethodModel, type MethodCase, methodCaseArb } from './disk-method-model.js';
import { diskMethods } from './disk-methods.js';
import { diskProperties } from './disk-properties.js';
import { floppyCreation, floppyType } from './floppy.js';
import { hostDriveCreation } from './host-drive.js';
import { fileSearch, settings } from './search.js';

type Method = (...args: never[]) => unknown;
type Members = Record<string, Method>;
type Out = { value: unknown } | null | undefined;

/** `target` with some members replaced (each given the original). */
function overriding<T extends object>(target: T, overrides: (inner: Members) => Members): T {
  const inner = target as unknown as Members;
  const replaced = overrides(inner);
  return new Proxy(target, {
    get(object, key, receiver) {
      if (typeof key === 'string' && key in replaced) return replaced[key];
      return Reflect.get(object, key, receiver);
    },
  });
}

/**
 * The emulated subject with members of its server (and of the disks GetHardDisk hands) replaced:
 * a deliberately broken subject.
 */
function mutant(
  name: string,
  server: (inner: Members, host: Host) => Members,
  disk: (inner: Members, host: Host) => Members = () => ({}),
): Subject {
  return {
    name,
    createHost: (state) => emulatedSubject.createHost(state),
    async createServer(host) {
      const inner = (await emulatedSubject.createServer(host)) as object;
      const base = inner as unknown as Members;
      return overriding(inner, (members) => ({
        ...server(members, host),
        GetHardDisk: (async (path: unknown, out: Out) => {
          const hr = await (base.GetHardDisk as (p: unknown, o: Out) => Promise<number>)(path, out);
          if (out?.value) out.value = overriding(out.value as object, (m) => disk(m, host));
          return hr;
        }) as Method,
      })) as never;
    },
  };
}

const call = (members: Members, name: string, ...args: unknown[]): Promise<number> =>
  Promise.resolve((members[name] as (...a: unknown[]) => unknown)(...args) as number);

/** The requirement ids a run of `properties` against `subject` fails. */
async function failing(subject: Subject, properties: PropertyDefinition<never>[]) {
  const report = await runConformance(subject, {
    runs: 40,
    seed: 5,
    properties: properties as PropertyDefinition<unknown>[],
  });
  return report.requirements.filter((r) => r.status === 'fail').map((r) => r.id);
}

/** A disk mutant: one get_X replaced by `wrong(inner)`. */
function diskMutant(property: string, wrong: (inner: Members) => Method): Subject {
  return mutant(
    `wrong ${property}`,
    () => ({}),
    (inner) => ({ [`get_${property}`]: wrong(inner) }),
  );
}

const disk = [diskProperties] as PropertyDefinition<never>[];

describe('each IVMHardDisk property answering a wrong code is caught by the id that names it', () => {
  it('get_File looking at the file (E_FILE_NOT_FOUND once it is deleted): HDP.File.S_OK', async () => {
    const subject = diskMutant('File', (inner) => async (out: Out) => {
      const hr = await call(inner, 'get_SizeOnHost', { value: undefined });
      return hr === HR.E_FILE_NOT_FOUND && out ? hr : call(inner, 'get_File', out);
    });
    expect(await failing(subject, disk)).toEqual(['HDP.File.S_OK']);
  });

  it('get_Type answering VM_E_HD_IMAGE_ACCESS for a bad disk type: HDP.Type.VM_E_DRIVE_INVALID', async () => {
    const subject = diskMutant('Type', (inner) => async (out: Out) => {
      const hr = await call(inner, 'get_Type', out);
      return hr === HR.VM_E_DRIVE_INVALID ? HR.VM_E_HD_IMAGE_ACCESS : hr;
    });
    expect(await failing(subject, disk)).toEqual(['HDP.Type.VM_E_DRIVE_INVALID']);
  });

  it("get_SizeInGuest answering Type's VM_E_DRIVE_INVALID: HDP.SizeInGuest.VM_E_HD_IMAGE_ACCESS", async () => {
    const subject = diskMutant('SizeInGuest', (inner) => async (out: Out) => {
      const type = await call(inner, 'get_Type', { value: undefined });
      return type === HR.VM_E_DRIVE_INVALID && out ? type : call(inner, 'get_SizeInGuest', out);
    });
    expect(await failing(subject, disk)).toEqual(['HDP.SizeInGuest.VM_E_HD_IMAGE_ACCESS']);
  });

  it('get_SizeOnHost opening the file (a disk in use fails): HDP.SizeOnHost.S_OK', async () => {
    const subject = diskMutant('SizeOnHost', (inner) => async (out: Out) => {
      const type = await call(inner, 'get_Type', { value: undefined });
      return type === HR.VM_E_HD_IMAGE_OPEN_FAIL && out ? type : call(inner, 'get_SizeOnHost', out);
    });
    expect(await failing(subject, disk)).toEqual(['HDP.SizeOnHost.S_OK']);
  });

  it('get_HostFreeDiskSpace refusing a deleted file: HDP.HostFreeDiskSpace.S_OK', async () => {
    const subject = diskMutant('HostFreeDiskSpace', (inner) => async (out: Out) => {
      const size = await call(inner, 'get_SizeOnHost', { value: undefined });
      return size === HR.E_FILE_NOT_FOUND && out ? size : call(inner, 'get_HostFreeDiskSpace', out);
    });
    expect(await failing(subject, disk)).toEqual(['HDP.HostFreeDiskSpace.S_OK']);
  });

  it('get_HostDriveIdentifier answering S_FALSE for a damaged image: HDP.HostDriveIdentifier.VM_E_HD_IMAGE_ACCESS', async () => {
    const subject = diskMutant('HostDriveIdentifier', (inner) => async (out: Out) => {
      const hr = await call(inner, 'get_HostDriveIdentifier', out);
      if (hr !== HR.VM_E_HD_IMAGE_ACCESS || !out) return hr;
      out.value = null;
      return HR.S_FALSE;
    });
    expect(await failing(subject, disk)).toEqual(['HDP.HostDriveIdentifier.VM_E_HD_IMAGE_ACCESS']);
  });

  it('get_Parent answering E_FILE_NOT_FOUND for a missing grandparent: HDP.Parent.E_PATH_NOT_FOUND', async () => {
    const subject = diskMutant('Parent', (inner) => async (out: Out) => {
      const hr = await call(inner, 'get_Parent', out);
      return hr === HR.E_PATH_NOT_FOUND ? HR.E_FILE_NOT_FOUND : hr;
    });
    expect(await failing(subject, disk)).toEqual(['HDP.Parent.E_PATH_NOT_FOUND']);
  });
});

/** A server mutant: one member replaced by `wrong(inner, host)`. */
function serverMutant(member: string, wrong: (inner: Members, host: Host) => Method): Subject {
  return mutant(`wrong ${member}`, (inner, host) => ({ [member]: wrong(inner, host) }));
}

const returning =
  (member: string, from: number, to: number) =>
  (inner: Members): Method =>
    (async (...args: unknown[]) => {
      const hr = await call(inner, member, ...args);
      return hr === from ? to : hr;
    }) as Method;

describe('each IVMVirtualServer member answering a wrong code is caught by the id that names it', () => {
  it('CreateFloppyDiskImage refusing during shutdown (after its other checks): FLOPPY.shutdown-does-not-refuse', async () => {
    const subject = serverMutant(
      'CreateFloppyDiskImage',
      (inner, host) =>
        (async (path: unknown, type: unknown) => {
          const hr = await call(inner, 'CreateFloppyDiskImage', path, type);
          if (hr !== HR.S_OK || !host.isShuttingDown()) return hr;
          await host.unlink(path as string);
          return HR.VM_E_APP_SHUTTING_DOWN;
        }) as Method,
    );
    expect(await failing(subject, [floppyCreation] as PropertyDefinition<never>[])).toEqual([
      'FLOPPY.shutdown-does-not-refuse',
    ]);
  });

  it('GetFloppyDiskImageType answering E_FILE_NOT_FOUND for a missing folder: FTYPE.E_PATH_NOT_FOUND', async () => {
    const subject = serverMutant(
      'GetFloppyDiskImageType',
      returning('GetFloppyDiskImageType', HR.E_PATH_NOT_FOUND, HR.E_FILE_NOT_FOUND),
    );
    expect(await failing(subject, [floppyType] as PropertyDefinition<never>[])).toEqual([
      'FTYPE.E_PATH_NOT_FOUND',
    ]);
  });

  it('CreateHostDriveVirtualHardDisk answering E_INVALIDARG for a drive the host lacks: HDRV.VM_E_HOST_DRIVE_NOT_FOUND', async () => {
    const subject = serverMutant(
      'CreateHostDriveVirtualHardDisk',
      returning('CreateHostDriveVirtualHardDisk', HR.VM_E_HOST_DRIVE_NOT_FOUND, HR.E_INVALIDARG),
    );
    expect(await failing(subject, [hostDriveCreation] as PropertyDefinition<never>[])).toEqual([
      'HDRV.VM_E_HOST_DRIVE_NOT_FOUND',
    ]);
  });

  it('get_HostInfo answering E_FAIL for a null out-parameter: HDRV.HostDrives', async () => {
    const subject = serverMutant(
      'get_HostInfo',
      returning('get_HostInfo', HR.E_POINTER, HR.E_FAIL),
    );
    expect(await failing(subject, [hostDriveCreation] as PropertyDefinition<never>[])).toEqual([
      'HDRV.HostDrives',
    ]);
  });

  const search = [fileSearch] as PropertyDefinition<never>[];
  it('GetHardDiskFiles answering E_INVALIDARG for a null out-parameter: SEARCH.E_POINTER', async () => {
    const subject = serverMutant(
      'GetHardDiskFiles',
      returning('GetHardDiskFiles', HR.E_POINTER, HR.E_INVALIDARG),
    );
    expect(await failing(subject, search)).toEqual(['SEARCH.E_POINTER']);
  });

  it('GetFloppyDiskFiles answering E_POINTER for additional paths of the wrong type: SEARCH.E_INVALIDARG', async () => {
    const subject = serverMutant(
      'GetFloppyDiskFiles',
      returning('GetFloppyDiskFiles', HR.E_INVALIDARG, HR.E_POINTER),
    );
    expect(await failing(subject, search)).toEqual(['SEARCH.E_INVALIDARG']);
  });

  it('GetDVDFiles refusing null additional paths: SEARCH.files', async () => {
    const subject = serverMutant(
      'GetDVDFiles',
      (inner) =>
        (async (additional: unknown, out: Out) =>
          additional === null && out
            ? HR.E_INVALIDARG
            : call(inner, 'GetDVDFiles', additional, out)) as Method,
    );
    expect(await failing(subject, search)).toEqual(['SEARCH.files']);
  });

  const setting = [settings] as PropertyDefinition<never>[];
  it('get_SearchPaths answering E_INVALIDARG for a null out-parameter: SPATH.initial', async () => {
    const subject = serverMutant(
      'get_SearchPaths',
      returning('get_SearchPaths', HR.E_POINTER, HR.E_INVALIDARG),
    );
    expect(await failing(subject, setting)).toEqual(['SPATH.initial']);
  });

  it('put_SearchPaths answering E_PATH_NOT_FOUND for a missing folder: SPATH.E_FILE_NOT_FOUND', async () => {
    const subject = serverMutant(
      'put_SearchPaths',
      returning('put_SearchPaths', HR.E_FILE_NOT_FOUND, HR.E_PATH_NOT_FOUND),
    );
    expect(await failing(subject, setting)).toEqual(['SPATH.E_FILE_NOT_FOUND']);
  });

  it('get_DefaultVMConfigurationPath answering E_INVALIDARG for a null out-parameter: DEFCFG.E_POINTER', async () => {
    const subject = serverMutant(
      'get_DefaultVMConfigurationPath',
      returning('get_DefaultVMConfigurationPath', HR.E_POINTER, HR.E_INVALIDARG),
    );
    expect(await failing(subject, setting)).toEqual(['DEFCFG.E_POINTER']);
  });

  it('put_DefaultVMConfigurationPath answering E_POINTER for a path that is not a string: DEFCFG.E_INVALIDARG', async () => {
    const subject = serverMutant(
      'put_DefaultVMConfigurationPath',
      returning('put_DefaultVMConfigurationPath', HR.E_INVALIDARG, HR.E_POINTER),
    );
    expect(await failing(subject, setting)).toEqual(['DEFCFG.E_INVALIDARG']);
  });
});

describe('Merge, MergeTo, Compact, Convert and put_Parent answering a wrong code for a null argument are caught by the id that names it', () => {
  const methods = [diskMethods] as PropertyDefinition<never>[];
  const cases: [string, string][] = [
    ['Merge', 'MERGE.E_POINTER.task'],
    ['MergeTo', 'MERGETO.E_POINTER.task'],
    ['Compact', 'COMPACT.E_POINTER.task'],
    ['Convert', 'CONVERT.E_POINTER.task'],
    ['put_Parent', 'PUTPARENT.E_POINTER'],
  ];
  for (const [member, id] of cases) {
    it(`${member} answering E_INVALIDARG for E_POINTER: ${id}`, async () => {
      const subject = mutant(
        `wrong ${member}`,
        () => ({}),
        (inner) => ({ [member]: returning(member, HR.E_POINTER, HR.E_INVALIDARG)(inner) }),
      );
      expect(await failing(subject, methods)).toEqual([id]);
    });
  }
});

/** The id prefix of each method's requirements. */
const PREFIX: Record<string, string> = {
  Merge: 'MERGE.',
  Compact: 'COMPACT.',
  MergeTo: 'MERGETO.',
  Convert: 'CONVERT.',
  put_Parent: 'PUTPARENT.',
};

/**
 * disk.methods.model with only `member`'s cases and ids (and those every method shares): a
 * mutant of one method cannot fail another's ids, and the run costs a fifth.
 */
function modelOf(member: string): PropertyDefinition<never>[] {
  const own = (id: string) => id.startsWith(PREFIX[member] as string) || id.startsWith('DISKOPS.');
  const property: PropertyDefinition<MethodCase> = {
    ...diskMethodModel,
    covers: diskMethodModel.covers.filter(own),
    arbitrary: () => methodCaseArb([member as DiskMethod]),
  };
  return [property] as PropertyDefinition<never>[];
}

/** A method mutant: `member` replaced by `wrong(inner, host)` on every disk GetHardDisk hands. */
function methodMutant(member: string, wrong: (inner: Members, host: Host) => Method): Subject {
  return mutant(
    `broken ${member}`,
    () => ({}),
    (inner, host) => ({ [member]: wrong(inner, host) }),
  );
}

/** The disk's path, as its File property reads. */
async function fileOf(inner: Members): Promise<string> {
  const out = { value: undefined as unknown };
  await call(inner, 'get_File', out);
  return String(out.value);
}

/**
 * `member` as the original, but once its task completes with Result Success `after()` runs
 * (the task's WaitForCompletion answers only then).
 */
function afterSuccess(
  inner: Members,
  member: string,
  before: (...args: unknown[]) => Promise<() => Promise<void>>,
): Method {
  return (async (...args: unknown[]) => {
    const after = await before(...args);
    const hr = await call(inner, member, ...args);
    const out = args[args.length - 1] as Out;
    const task = out?.value as { WaitForCompletion(t: number): Promise<number>; Result: number };
    if (hr !== HR.S_OK || !task) return hr;
    let done: Promise<void> | undefined;
    const wait = async (timeout: number) => {
      const answer = await task.WaitForCompletion(timeout);
      // a source it cannot write (read-only) is left as it is
      done ??= Number(task.Result) === 0 ? after().catch(() => undefined) : Promise.resolve();
      await done;
      return answer;
    };
    if (out) out.value = taskWith(task, { WaitForCompletion: wait });
    return hr;
  }) as Method;
}

/** `task` with some members replaced; the rest read from the task itself. */
function taskWith(task: object, replaced: Record<string, unknown>): object {
  return new Proxy(task, {
    get(object, key) {
      if (typeof key === 'string' && key in replaced) return replaced[key];
      const value = Reflect.get(object, key, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

/** Writes `bytes` at each offset through the chain whose top is `path`. */
async function overwrite(host: Host, path: string, at: readonly number[], bytes: Uint8Array) {
  const opened = await openHostChain(host, path, { writable: true });
  try {
    for (const offset of at) await opened.chain.write(bytes, offset);
    await opened.chain.sync();
  } finally {
    await opened.chain.close();
  }
}

const BLOCK = 2 * 1_048_576;

describe('Merge, Compact, MergeTo, Convert and put_Parent in generated states: each broken one is caught by the id that names it', () => {
  const wrongCodes: [string, number, number, string][] = [
    [
      'Merge',
      HR.VM_E_PARENT_CHILD_ID_MISMATCH,
      HR.VM_E_INVALID_HD_FILE,
      'MERGE.VM_E_PARENT_CHILD_ID_MISMATCH',
    ],
    ['Compact', HR.VM_E_FILE_READ_ONLY, HR.E_FAIL, 'COMPACT.VM_E_FILE_READ_ONLY'],
    ['MergeTo', HR.E_ALREADY_EXISTS, HR.E_FAIL, 'MERGETO.E_ALREADY_EXISTS'],
    ['Convert', HR.E_PATH_NOT_FOUND, HR.E_FILE_NOT_FOUND, 'CONVERT.E_PATH_NOT_FOUND'],
    ['put_Parent', HR.VM_E_FILE_READ_ONLY, HR.E_FAIL, 'PUTPARENT.VM_E_FILE_READ_ONLY'],
  ];
  for (const [member, from, to, id] of wrongCodes) {
    it(`${member} answering a wrong code: ${id}`, async () => {
      const subject = methodMutant(member, (inner) => returning(member, from, to)(inner));
      expect(await failing(subject, modelOf(member))).toEqual([id]);
    });
  }

  it('a Merge that zeroes the rest of a partly written block: MERGE.parent-reads', async () => {
    const subject = methodMutant('Merge', (inner, host) =>
      afterSuccess(inner, 'Merge', async () => {
        // the sectors of the child's blocks it does not hold, and the parent's path
        const rest: number[] = [];
        let parent: string | undefined;
        try {
          const opened = await openHostChain(host, await fileOf(inner));
          try {
            const runs = [];
            for await (const run of mapChain(opened.chain)) runs.push(run);
            const held = new Set(
              runs.filter((r) => r.depth === 0).map((r) => Math.floor(r.start / BLOCK)),
            );
            for (const r of runs) {
              if (r.depth === 0 || !held.has(Math.floor(r.start / BLOCK))) continue;
              for (let at = r.start; at < r.start + r.length; at += 512) rest.push(at);
            }
            parent = opened.paths[1];
          } finally {
            await opened.chain.close();
          }
        } catch {
          return async () => undefined;
        }
        return async () => {
          if (parent !== undefined) await overwrite(host, parent, rest, new Uint8Array(512));
        };
      }),
    );
    expect(await failing(subject, modelOf('Merge'))).toEqual(['MERGE.parent-reads']);
  });

  it('a Compact that drops a block holding data: COMPACT.reads', async () => {
    const subject = methodMutant('Compact', (inner, host) =>
      afterSuccess(inner, 'Compact', async () => async () => {
        const path = await fileOf(inner);
        const opened = await openHostChain(host, path);
        let first = -1;
        try {
          const block = new Uint8Array(BLOCK);
          for (let at = 0; at + BLOCK <= opened.chain.virtualSize && first < 0; at += BLOCK) {
            await opened.chain.read(block, at);
            if (block.some((b) => b !== 0)) first = at;
          }
        } finally {
          await opened.chain.close();
        }
        if (first >= 0) await overwrite(host, path, [first], new Uint8Array(BLOCK));
      }),
    );
    expect(await failing(subject, modelOf('Compact'))).toEqual(['COMPACT.reads']);
  });

  it('a Convert that writes the source: CONVERT.sources-unchanged', async () => {
    const subject = methodMutant('Convert', (inner, host) =>
      afterSuccess(inner, 'Convert', async () => async () => {
        await overwrite(host, await fileOf(inner), [0], new Uint8Array(512).fill(0xee));
      }),
    );
    expect(await failing(subject, modelOf('Convert'))).toEqual(['CONVERT.sources-unchanged']);
  });

  it('a MergeTo task that reads 100% before it is done: DISKOPS.progress', async () => {
    const subject = methodMutant(
      'MergeTo',
      (inner) =>
        (async (...args: unknown[]) => {
          const hr = await call(inner, 'MergeTo', ...args);
          const out = args[2] as Out;
          if (out?.value) out.value = taskWith(out.value as object, { PercentCompleted: 100 });
          return hr;
        }) as Method,
    );
    expect(await failing(subject, modelOf('MergeTo'))).toEqual(['DISKOPS.progress']);
  });

  it('a put_Parent without the UUID check (it re-links any parent): PUTPARENT.VM_E_PARENT_CHILD_ID_MISMATCH', async () => {
    const subject = methodMutant(
      'put_Parent',
      (inner, host) =>
        (async (parent: unknown) => {
          const hr = await call(inner, 'put_Parent', parent);
          if (hr !== HR.VM_E_PARENT_CHILD_ID_MISMATCH) return hr;
          const parentPath = await fileOf(parent as Members);
          const bytes = await host.readFile(parentPath);
          const stat = await host.stat(parentPath);
          const file = await host.open(await fileOf(inner), 'readWrite');
          try {
            await rebase(file, {
              parent: {
                footer: decodeFooter(bytes.subarray(bytes.length - 512)),
                modified: stat?.mtime ?? new Date(0),
                unicodeName: parentPath.slice(parentPath.lastIndexOf('\\') + 1),
                absolutePath: parentPath,
              },
              unsafe: true,
            });
          } finally {
            await file.close();
          }
          return HR.S_OK;
        }) as Method,
    );
    expect(await failing(subject, modelOf('put_Parent'))).toEqual([
      'PUTPARENT.VM_E_PARENT_CHILD_ID_MISMATCH',
    ]);
  });
});

/** The last 512 bytes of the file at `path` (its footer), or undefined when it cannot be read. */
async function footerAt(host: Host, path: string): Promise<Uint8Array | undefined> {
  try {
    const file = await host.open(path, 'read', { share: 'readWrite' });
    try {
      const footer = new Uint8Array(512);
      await file.read(footer, (await file.size()) - 512);
      return footer;
    } finally {
      await file.close();
    }
  } catch {
    return undefined;
  }
}

/** Whether the VHD at `path` has its saved-state flag set (footer byte 84). */
const flagged = async (host: Host, path: string) => ((await footerAt(host, path))?.[84] ?? 0) !== 0;

/** The VHD disk type at `path` (footer bytes 60-63: 2 fixed, 3 dynamic, 4 differencing). */
const diskTypeAt = async (host: Host, path: string) => (await footerAt(host, path))?.[63];

/** The path of the disk's parent, as its Parent property reads (undefined: none). */
async function parentOf(inner: Members): Promise<string | undefined> {
  const out = { value: undefined as unknown };
  const hr = await call(inner, 'get_Parent', out);
  return hr === HR.S_OK && out.value ? fileOf(out.value as Members) : undefined;
}

/** Whether the disk or its parent has its saved-state flag set. */
async function chainFlagged(inner: Members, host: Host): Promise<boolean> {
  const parent = await parentOf(inner);
  return (
    (await flagged(host, await fileOf(inner))) || (parent !== undefined && flagged(host, parent))
  );
}

/**
 * MergeTo or Convert refusing with `code` where `refuses()` says so (asked before the call),
 * in a way no snapshot tells from a refusal: the real call runs, its task is waited for, and the
 * new image and every folder it made are removed again.
 */
function newImageRefusing(
  member: string,
  code: number,
  refuses: (inner: Members, host: Host) => Promise<boolean>,
): (inner: Members, host: Host) => Method {
  return (inner, host) =>
    (async (...args: unknown[]) => {
      const refuse = await refuses(inner, host);
      const target = String(args[0]);
      const missing: string[] = [];
      for (let at = target.lastIndexOf('\\'); at > 2; at = target.lastIndexOf('\\', at - 1)) {
        const folder = target.slice(0, at);
        if (await host.exists(folder)) break;
        missing.push(folder);
      }
      const hr = await call(inner, member, ...args);
      const task = (args[2] as Out)?.value as { WaitForCompletion(t: number): Promise<number> };
      if (hr !== HR.S_OK || !refuse || !task) return hr;
      await task.WaitForCompletion(-1);
      await host.unlink(target);
      for (const folder of missing) await host.rmdir(folder);
      return code;
    }) as Method;
}

describe('the disk methods in states of the disk, its parent and the volume written: each wrong code is caught by the id that names it', () => {
  // the method, the code it should give, the wrong code it gives; judged by `PREFIX` + the code
  const wrongCodes: [string, keyof typeof HR, keyof typeof HR][] = [
    ['Merge', 'VM_E_HD_IMAGE_OPEN_FAIL', 'VM_E_INVALID_HD_FILE'],
    ['Compact', 'VM_E_HD_IMAGE_OPEN_FAIL', 'VM_E_INVALID_HD_FILE'],
    ['MergeTo', 'VM_E_HD_IMAGE_OPEN_FAIL', 'VM_E_INVALID_HD_FILE'],
    ['Convert', 'VM_E_HD_IMAGE_OPEN_FAIL', 'VM_E_INVALID_HD_FILE'],
    ['put_Parent', 'VM_E_HD_IMAGE_OPEN_FAIL', 'VM_E_HD_IMAGE_ACCESS'],
    ['Merge', 'VM_E_INVALID_HD_FILE', 'VM_E_HD_IMAGE_ACCESS'],
    ['Compact', 'VM_E_INVALID_HD_FILE', 'VM_E_HD_IMAGE_ACCESS'],
    ['MergeTo', 'VM_E_INVALID_HD_FILE', 'VM_E_HD_IMAGE_OPEN_FAIL'],
    ['Convert', 'VM_E_INVALID_HD_FILE', 'VM_E_HD_IMAGE_OPEN_FAIL'],
    ['MergeTo', 'VM_E_FILE_TOO_LARGE_FOR_VOLUME', 'E_DISK_FULL'],
    ['Convert', 'VM_E_FILE_TOO_LARGE_FOR_VOLUME', 'VM_E_IMAGE_SIZE_TOO_LARGE'],
    ['MergeTo', 'E_DISK_FULL', 'VM_E_FILE_TOO_LARGE_FOR_VOLUME'],
    ['Convert', 'E_DISK_FULL', 'E_FAIL'],
    ['put_Parent', 'VM_E_HD_IMAGE_ACCESS', 'VM_E_INVALID_HD_FILE'],
    ['put_Parent', 'E_PATH_NOT_FOUND', 'E_FILE_NOT_FOUND'],
    ['put_Parent', 'E_INVALIDARG', 'VM_E_PARENT_CHILD_ID_MISMATCH'],
  ];
  for (const [member, from, to] of wrongCodes) {
    const id = `${PREFIX[member]}${from}`;
    it(`${member} answering ${to} for ${from}: ${id}`, async () => {
      const subject = methodMutant(member, (inner) => returning(member, HR[from], HR[to])(inner));
      expect(await failing(subject, modelOf(member))).toEqual([id]);
    });
  }

  it('Merge answering VM_E_FILE_READ_ONLY for a disk flagged as saved state: MERGE.saved-state', async () => {
    const subject = methodMutant(
      'Merge',
      (inner, host) =>
        (async (out: Out) => {
          const flag = await chainFlagged(inner, host);
          const hr = await call(inner, 'Merge', out);
          return hr === HR.E_SHARING_VIOLATION && flag ? HR.VM_E_FILE_READ_ONLY : hr;
        }) as Method,
    );
    expect(await failing(subject, modelOf('Merge'))).toEqual(['MERGE.saved-state']);
  });

  it("a Merge task ending DISP_E_EXCEPTION for the host's ENOSPC: MERGE.full-volume", async () => {
    const subject = methodMutant(
      'Merge',
      (inner) =>
        (async (out: Out) => {
          const hr = await call(inner, 'Merge', out);
          if (out?.value) {
            const task = out.value as { Error: number };
            out.value = new Proxy(task, {
              get(object, key) {
                const value = Reflect.get(object, key, object);
                if (key === 'Error' && value === HR.E_DISK_FULL) return HR.DISP_E_EXCEPTION;
                return typeof value === 'function' ? value.bind(object) : value;
              },
            });
          }
          return hr;
        }) as Method,
    );
    expect(await failing(subject, modelOf('Merge'))).toEqual(['MERGE.full-volume']);
  });

  /** Compact refusing a dynamic disk with `code` where `refuses(host, path)` says so. */
  const compactRefusing = (code: number, refuses: (host: Host, path: string) => Promise<boolean>) =>
    methodMutant(
      'Compact',
      (inner, host) =>
        (async (out: Out) => {
          const path = await fileOf(inner);
          const dynamic = (await diskTypeAt(host, path)) === 3;
          if (out && dynamic && (await refuses(host, path))) return code;
          return call(inner, 'Compact', out);
        }) as Method,
    );

  it('Compact refusing a dynamic disk flagged as saved state: COMPACT.saved-state', async () => {
    const subject = compactRefusing(HR.E_SHARING_VIOLATION, flagged);
    expect(await failing(subject, modelOf('Compact'))).toEqual(['COMPACT.saved-state']);
  });

  it('Compact refusing a dynamic disk with E_DISK_FULL on a volume with less than a block free: COMPACT.full-volume', async () => {
    const subject = compactRefusing(
      HR.E_DISK_FULL,
      async (host, path) => (host.volumeInfo(path.slice(0, 1))?.freeBytes ?? 0) < BLOCK,
    );
    expect(await failing(subject, modelOf('Compact'))).toEqual(['COMPACT.full-volume']);
  });

  for (const [member, id] of [
    ['MergeTo', 'MERGETO.saved-state'],
    ['Convert', 'CONVERT.saved-state'],
  ] as const) {
    it(`${member} refusing a source flagged as saved state: ${id}`, async () => {
      const subject = methodMutant(
        member,
        newImageRefusing(member, HR.E_SHARING_VIOLATION, chainFlagged),
      );
      expect(await failing(subject, modelOf(member))).toEqual([id]);
    });
  }

  it('put_Parent refusing a differencing disk or parent flagged as saved state: PUTPARENT.saved-state', async () => {
    const subject = methodMutant(
      'put_Parent',
      (inner, host) =>
        (async (parent: unknown) => {
          const path = await fileOf(inner);
          const given = parent ? await fileOf(parent as Members) : undefined;
          const flag =
            (await flagged(host, path)) || (given !== undefined && (await flagged(host, given)));
          if (flag && (await diskTypeAt(host, path)) === 4) return HR.E_SHARING_VIOLATION;
          return call(inner, 'put_Parent', parent);
        }) as Method,
    );
    expect(await failing(subject, modelOf('put_Parent'))).toEqual(['PUTPARENT.saved-state']);
  });
});
