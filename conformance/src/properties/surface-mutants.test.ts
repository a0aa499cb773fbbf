import type { Host } from '@vskit/host';
import { describe, expect, it } from 'vitest';
import { HR } from '../hresults.js';
import type { PropertyDefinition } from '../property.js';
import { runConformance } from '../runner.js';
import type { Subject } from '../subject.js';
import { emulatedSubject } from '../subjects/emulated.js';
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
  disk: (inner: Members) => Members = () => ({}),
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
          if (out?.value) out.value = overriding(out.value as object, disk);
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
