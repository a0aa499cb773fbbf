/**
 * The IVMHardDisk properties read when asked (`get_File`, `get_Type`, `get_SizeInGuest`,
 * `get_SizeOnHost`, `get_HostFreeDiskSpace`, `get_HostDriveIdentifier`, `get_Parent`): a disk
 * the subject created (or a host-drive image the suite wrote), handed by GetHardDisk, then made
 * read-only, held in use with no sharing, unreadable, deleted, replaced by a folder or junk,
 * given a bad disk type, or its parent or grandparent deleted, replaced or held in use; then
 * every property is read (the case's own first, with a null out-parameter when it says so). The
 * model (`predictProperty`) gives each HRESULT; the subject must agree, hand the right value, and
 * change nothing on any volume.
 * @module
 */
import type { HostFile } from '@vskit/host';
import fc from 'fast-check';
import { hostDriveImage } from '../_internal/host-drive-bytes.js';
import { type Prepared, prepare, stableId, writeImage } from '../_internal/setup.js';
import { MIB } from '../_internal/units.js';
import { dynamicImage, vhdSeconds, withDiskType } from '../_internal/vhd-bytes.js';
import { describeHr, HARD_DISK_TYPE, HR, nameOfHr } from '../hresults.js';
import { type CaseContext, defineProperty } from '../property.js';
import type { ComHardDisk, Subject } from '../subject.js';
import {
  DISK_PROPERTIES,
  type DiskKind,
  type DiskProperty,
  type DiskState,
  predictProperty,
} from '../surface-model.js';
import {
  createThrough,
  differencingCall,
  expectDisk,
  foldersArb,
  getHardDisk,
  NOW,
  nameArb,
  pathOf,
  plainState,
  samePathText,
  sizedCall,
} from './_helpers/hard-disk-calls.js';
import { callMember } from './_helpers/member-calls.js';
import { expectNoChange } from './_helpers/snapshots.js';

const STATES: readonly DiskState[] = [
  'as-is',
  'read-only',
  'deleted',
  'folder',
  'in-use',
  'unreadable',
  'bad-type',
  'junk',
  'parent-deleted',
  'parent-replaced',
  'parent-in-use',
  'grandparent-deleted',
];

/** The host's drive a known host-drive image links to. */
const DRIVE = 'PhysicalDrive1';

/** One generated case. */
export interface HdpCase {
  readonly property: DiskProperty;
  readonly disk: DiskKind;
  readonly state: DiskState;
  readonly nullOut: boolean;
  readonly sizeMB: number;
  /** Differencing: a child of a dynamic disk (1) or of a differencing disk (2). */
  readonly depth: 1 | 2;
  /** A host-drive image: its drive is on the host, spelt as the host does, lower or upper case. */
  readonly drive: 'same' | 'lower' | 'upper' | 'gone';
  readonly folders: readonly string[];
  readonly name: string;
}

/** The states a disk of `kind` can be in (a parent only for a differencing disk). */
function fits(v: HdpCase): HdpCase {
  const parentState = v.state.startsWith('parent-') || v.state === 'grandparent-deleted';
  const state = parentState && v.disk !== 'differencing' ? 'as-is' : v.state;
  const depth = state === 'grandparent-deleted' ? 2 : v.depth;
  const fixed = v.disk === 'fixed';
  return { ...v, state, depth, sizeMB: fixed ? 3 + (v.sizeMB % 6) : v.sizeMB };
}

/** The requirement a case is judged by: the code the model predicts for its property. */
export function hdpIdOf(v: HdpCase): string {
  const hr = predictProperty({ ...v, driveKnown: v.drive !== 'gone' });
  if (hr === HR.E_POINTER) return 'HDP.E_POINTER';
  return `HDP.${v.property}.${nameOfHr(hr) ?? 'S_OK'}`;
}

/** The chain a case builds: the disk's path, its parent's and grandparent's (differencing). */
interface Built {
  readonly image: string;
  readonly parent?: string;
  readonly grandparent?: string;
  readonly identifier?: string;
}

async function build(prepared: Prepared, v: HdpCase, ctx: CaseContext, id: string) {
  const at = (name: string) => pathOf('C', v.folders, name);
  const image = at(`${v.name}.vhd`);
  if (v.disk === 'host-drive') {
    const identifier =
      v.drive === 'gone'
        ? 'PhysicalDrive9'
        : v.drive === 'lower'
          ? DRIVE.toLowerCase()
          : v.drive === 'upper'
            ? DRIVE.toUpperCase()
            : DRIVE;
    await prepared.host.mkdir(at(''), { recursive: true });
    const bytes = hostDriveImage(
      identifier,
      v.sizeMB * MIB,
      false,
      stableId(image),
      vhdSeconds(new Date(NOW)),
    );
    await prepared.host.writeFile(image, bytes);
    return { image, identifier };
  }
  if (v.disk !== 'differencing') {
    await createThrough(prepared, sizedCall(v.disk, image, v.sizeMB), ctx, id);
    return { image };
  }
  const base = at(`b-${v.name}.vhd`);
  await createThrough(prepared, sizedCall('dynamic', base, v.sizeMB), ctx, id);
  if (v.depth === 1) {
    await createThrough(prepared, differencingCall(image, base), ctx, id);
    return { image, parent: base };
  }
  const mid = at(`m-${v.name}.vhd`);
  await createThrough(prepared, differencingCall(mid, base), ctx, id);
  await createThrough(prepared, differencingCall(image, mid), ctx, id);
  return { image, parent: mid, grandparent: base };
}

/** Puts the chain into the case's state; returns the handle held open, if any. */
async function arrange(prepared: Prepared, v: HdpCase, built: Built): Promise<HostFile | null> {
  const host = prepared.host;
  const { image, parent, grandparent } = built;
  switch (v.state) {
    case 'as-is':
      return null;
    case 'read-only':
      await host.setReadOnly(image, true);
      return null;
    case 'deleted':
      await host.unlink(image);
      return null;
    case 'folder':
      await host.unlink(image);
      await host.mkdir(image);
      return null;
    case 'in-use':
      return host.open(image, 'read', { share: 'none' });
    case 'unreadable':
      prepared.probe.makeUnreadable(image);
      return null;
    case 'bad-type': {
      const bytes = await host.readFile(image);
      const damaged = v.disk === 'host-drive' ? bumpByte(bytes, 100) : withDiskType(bytes, 5);
      await host.writeFile(image, damaged);
      return null;
    }
    case 'junk':
      await host.writeFile(image, new Uint8Array(2048).fill(0x5a));
      return null;
    case 'parent-deleted':
      if (parent !== undefined) await host.unlink(parent);
      return null;
    case 'parent-replaced':
      if (parent !== undefined) {
        await host.unlink(parent);
        const stranger = dynamicImage(
          v.sizeMB * MIB,
          vhdSeconds(new Date(NOW)),
          stableId(`other ${parent}`),
        );
        await writeImage(host, parent, stranger);
      }
      return null;
    case 'parent-in-use':
      return parent === undefined ? null : host.open(parent, 'read', { share: 'none' });
    case 'grandparent-deleted':
      if (grandparent !== undefined) await host.unlink(grandparent);
      return null;
  }
}

function bumpByte(bytes: Uint8Array, at: number): Uint8Array {
  const out = bytes.slice();
  out[at] = ((out[at] as number) + 1) & 0xff;
  return out;
}

/** What a successful read must hand back. */
async function expectValue(
  prepared: Prepared,
  subject: Subject,
  v: HdpCase,
  built: Built,
  value: unknown,
  ctx: CaseContext,
  id: string,
): Promise<void> {
  const ok = (good: boolean, want: unknown) =>
    ctx.expect(
      id,
      good,
      () => `get_${v.property} handed ${JSON.stringify(value)}, expected ${JSON.stringify(want)}`,
    );
  switch (v.property) {
    case 'File':
      return ok(value === built.image, built.image);
    case 'Type': {
      const want =
        v.disk === 'dynamic'
          ? HARD_DISK_TYPE.Dynamic
          : v.disk === 'fixed'
            ? HARD_DISK_TYPE.FixedSize
            : v.disk === 'differencing'
              ? HARD_DISK_TYPE.Differencing
              : HARD_DISK_TYPE.HostDrive;
      return ok(Number(value) === want, want);
    }
    case 'SizeInGuest':
      return ok(Number(value) === v.sizeMB * MIB, v.sizeMB * MIB);
    case 'SizeOnHost': {
      const size = (await prepared.host.stat(built.image))?.size;
      return ok(Number(value) === size, size);
    }
    case 'HostFreeDiskSpace': {
      const free = prepared.host.volumeInfo('C')?.freeBytes;
      const n = Number(value);
      return ok(subject.exactFreeSpace === false ? Number.isFinite(n) && n >= 0 : n === free, free);
    }
    case 'HostDriveIdentifier':
      return v.disk === 'host-drive'
        ? ok(value === built.identifier, built.identifier)
        : ok(value === null || value === undefined, null);
    case 'Parent': {
      if (v.disk !== 'differencing') return ok(value === null || value === undefined, null);
      const file =
        typeof value === 'object' && value !== null && 'File' in value
          ? (value as { File: unknown }).File
          : value;
      return ok(built.parent !== undefined && samePathText(file, built.parent), built.parent);
    }
  }
}

/** Reads `v.property` of `disk` and judges the answer and the value. */
async function readOne(
  prepared: Prepared,
  subject: Subject,
  v: HdpCase,
  built: Built,
  disk: ComHardDisk,
  ctx: CaseContext,
): Promise<void> {
  const id = hdpIdOf(v);
  const out: { value: unknown } = { value: undefined };
  const member = `get_${v.property}`;
  const hr = await callMember(
    ctx,
    {
      id,
      member: `IVMHardDisk.${member}`,
      what: `${member}(${v.nullOut ? 'null' : 'out'}) on a ${v.disk} disk, ${v.state}`,
      kind: `${member} (${v.state})`,
    },
    disk,
    member,
    [v.nullOut ? null : out],
  );
  const want = predictProperty({ ...v, driveKnown: v.drive !== 'gone' });
  ctx.exercise(id);
  ctx.expect(
    id,
    hr === want,
    () =>
      `${member} on a ${v.disk} disk (${v.state}) gave ${describeHr(hr)}, expected ${describeHr(want)}`,
  );
  if (hr === HR.S_OK || hr === HR.S_FALSE) {
    await expectValue(prepared, subject, v, built, out.value, ctx, id);
  }
}

async function runCase(subject: Subject, v: HdpCase, ctx: CaseContext): Promise<void> {
  const id = hdpIdOf(v);
  const state = {
    ...plainState(),
    hostDrives: [
      { id: DRIVE, sizeBytes: v.sizeMB * MIB, mounted: false },
      { id: 'PhysicalDrive2', sizeBytes: 64 * MIB, mounted: true },
    ],
  };
  const prepared = await prepare(subject, state);
  let held: HostFile | null = null;
  try {
    const built = await build(prepared, v, ctx, id);
    const disk = expectDisk(
      await getHardDisk(prepared, built.image, ctx, { id, kind: 'properties', expect: 'disk' }),
      ctx,
      id,
      built.image,
    );
    held = await arrange(prepared, v, built);
    const before = await prepared.host.snapshot();
    // the case's property first (with its out-parameter), then every other one
    for (const property of [v.property, ...DISK_PROPERTIES.filter((p) => p !== v.property)]) {
      const read = { ...v, property, nullOut: property === v.property && v.nullOut };
      await readOne(prepared, subject, read, built, disk, ctx);
    }
    const what = 'reading the properties';
    expectNoChange(ctx, 'HDP.no-change', what, before, await prepared.host.snapshot());
  } finally {
    await held?.close();
    await prepared.dispose();
  }
}

/** A case (of `properties`, in `states`). */
export function hdpArb(
  properties: readonly DiskProperty[] = DISK_PROPERTIES,
  states: readonly DiskState[] = STATES,
  nullOut: fc.Arbitrary<boolean> = fc.nat({ max: 9 }).map((n) => n === 0),
): fc.Arbitrary<HdpCase> {
  return fc
    .record({
      property: fc.constantFrom(...properties),
      disk: fc.constantFrom<DiskKind>('dynamic', 'fixed', 'differencing', 'host-drive'),
      state: fc.constantFrom(...states),
      nullOut,
      sizeMB: fc.integer({ min: 3, max: 40 }),
      depth: fc.constantFrom<1 | 2>(1, 2),
      drive: fc.constantFrom<HdpCase['drive']>('same', 'lower', 'upper', 'gone'),
      folders: foldersArb,
      name: nameArb,
    })
    .map(fits);
}

const COVERS = [
  'HDP.E_POINTER',
  ...DISK_PROPERTIES.flatMap((property) =>
    STATES.flatMap((state) =>
      (['dynamic', 'fixed', 'differencing', 'host-drive'] as const).flatMap((disk) =>
        (['same', 'gone'] as const).map((drive) =>
          hdpIdOf(
            fits({
              property,
              disk,
              state,
              drive,
              nullOut: false,
              sizeMB: 3,
              depth: 1,
              folders: [],
              name: '',
            }),
          ),
        ),
      ),
    ),
  ),
  'HDP.no-change',
].filter((id, i, all) => all.indexOf(id) === i);

/** The IVMHardDisk properties. */
export const diskProperties = defineProperty<HdpCase>({
  name: 'disk.properties',
  covers: COVERS,
  primary: 'HDP.no-change',
  arbitrary: () => hdpArb(),
  aimAt(id) {
    if (!COVERS.includes(id)) return undefined;
    if (id === 'HDP.E_POINTER') return hdpArb(DISK_PROPERTIES, STATES, fc.constant(true));
    if (id === 'HDP.no-change') return hdpArb();
    const property = id.split('.')[1] as DiskProperty;
    return hdpArb([property], STATES, fc.constant(false)).filter((v) => hdpIdOf(v) === id);
  },
  check: (subject, v, ctx) => runCase(subject, v, ctx),
});
