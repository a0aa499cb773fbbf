/**
 * CreateHostDriveVirtualHardDisk and IVMHostInfo.HostDrives over a generated host drive
 * configuration: a drive of a good, too small or too large size, mounted or not; identifiers
 * the host has (in any letter case), has not, empty, too long or not strings; mountReadOnly as a
 * boolean, a VARIANT_BOOL number or neither; every path condition; shutdown; free space a
 * cluster short of 8 MB or exactly 8 MB. The model (`predictCreateHostDrive`) gives the HRESULT;
 * a refusal changes nothing; a creation gives an image GetHardDisk reads as HostDrive.
 * @module
 */
import type { HostFile } from '@vskit/host';
import fc from 'fast-check';
import { prepare } from '../_internal/setup.js';
import { MIB } from '../_internal/units.js';
import { describeHr, HARD_DISK_TYPE, HR, nameOfHr, TASK_RESULT } from '../hresults.js';
import { type CaseContext, defineProperty } from '../property.js';
import type { HostDriveSpec, HostState } from '../state.js';
import type { ComHardDisk, ComTask, Subject } from '../subject.js';
import { type PathCase, predictCreateHostDrive, SIZE_LIMITS } from '../surface-model.js';
import { waitForTask } from './_helpers/calls.js';
import { expectDisk, getHardDisk, plainState } from './_helpers/hard-disk-calls.js';
import { callMember } from './_helpers/member-calls.js';
import { aimByModel } from './_helpers/model-aims.js';
import {
  arrangePath,
  type Holder,
  holderArb,
  holdFile,
  PATH_CASES,
  type PathPlace,
  placeArb,
} from './_helpers/path-cases.js';
import { expectNoChange } from './_helpers/snapshots.js';

const DRIVE = 'PhysicalDrive1';
const METHOD = 'CreateHostDriveVirtualHardDisk';

/** One generated case. */
export interface HostDriveCase {
  readonly path: PathCase;
  readonly place: PathPlace;
  /** A file already at the path: read-only, in use, or neither (E_ALREADY_EXISTS alike). */
  readonly holder: Holder;
  readonly identifier:
    | 'same'
    | 'lower'
    | 'upper'
    | 'unknown'
    | 'empty'
    | 'long'
    | 'number'
    | 'null';
  readonly mountReadOnly: unknown;
  readonly nullTask: boolean;
  readonly shuttingDown: boolean;
  readonly driveSize: 'ok' | 'small' | 'large';
  readonly mounted: boolean;
  readonly diskFull: boolean;
  /** Free space exactly 8 MB rather than plenty. */
  readonly edge: boolean;
  /** Ask get_HostInfo first (with a null out-parameter when `nullHostInfo`). */
  readonly hostInfo: boolean;
  readonly nullHostInfo: boolean;
  readonly sizeMB: number;
}

function drivesOf(v: HostDriveCase): HostDriveSpec[] {
  const size =
    v.driveSize === 'small'
      ? SIZE_LIMITS.min - 512 * (1 + (v.sizeMB % 8))
      : v.driveSize === 'large'
        ? SIZE_LIMITS.max + MIB * (v.sizeMB % 2)
        : v.sizeMB * MIB;
  return [
    { id: DRIVE, sizeBytes: size, mounted: v.mounted },
    { id: 'PhysicalDrive2', sizeBytes: 64 * MIB, mounted: true },
  ];
}

function identifierOf(v: HostDriveCase): unknown {
  switch (v.identifier) {
    case 'same':
      return DRIVE;
    case 'lower':
      return DRIVE.toLowerCase();
    case 'upper':
      return DRIVE.toUpperCase();
    case 'unknown':
      return 'PhysicalDrive9';
    case 'empty':
      return '';
    case 'long':
      return 'P'.repeat(129);
    case 'number':
      return 1;
    case 'null':
      return null;
  }
}

function predict(v: HostDriveCase): number {
  return predictCreateHostDrive({
    ...v,
    identifier: identifierOf(v),
    drives: drivesOf(v),
  });
}

/** The requirement a case is judged by (get_HostInfo first when it asks). */
export function hostDriveIdOf(v: HostDriveCase): string {
  const hr = predict(v);
  return `HDRV.${nameOfHr(hr) ?? 'S_OK'}`;
}

function stateOf(v: HostDriveCase): HostState {
  const state = plainState();
  const [c, ...rest] = state.volumes;
  const volumes =
    c !== undefined && (v.diskFull || v.edge)
      ? [{ ...c, free: { kind: 'edge' as const, needBytes: 8 * MIB, short: v.diskFull } }, ...rest]
      : state.volumes;
  return { ...state, volumes, shuttingDown: v.shuttingDown, hostDrives: drivesOf(v) };
}

async function checkHostInfo(
  prepared: Awaited<ReturnType<typeof prepare>>,
  v: HostDriveCase,
  ctx: CaseContext,
): Promise<void> {
  const id = 'HDRV.HostDrives';
  const out: { value: unknown } = { value: undefined };
  const what = `get_HostInfo(${v.nullHostInfo ? 'null' : 'out'})`;
  const hr = await callMember(
    ctx,
    { id, member: 'get_HostInfo', what },
    prepared.server,
    'get_HostInfo',
    [v.nullHostInfo ? null : out],
  );
  ctx.exercise(id);
  if (v.nullHostInfo) {
    ctx.expect(id, hr === HR.E_POINTER, () => `${what} gave ${describeHr(hr)}, expected E_POINTER`);
    return;
  }
  const drives = (out.value as { HostDrives?: unknown } | undefined)?.HostDrives;
  const want = drivesOf(v).map((drive) => drive.id);
  ctx.expect(
    id,
    hr === HR.S_OK && JSON.stringify(drives) === JSON.stringify(want),
    () =>
      `${what} gave ${describeHr(hr)} with HostDrives ${JSON.stringify(drives)}, expected ${JSON.stringify(want)}`,
  );
}

async function runCase(subject: Subject, v: HostDriveCase, ctx: CaseContext): Promise<void> {
  const id = hostDriveIdOf(v);
  const prepared = await prepare(subject, stateOf(v));
  let held: HostFile | null = null;
  try {
    if (v.hostInfo) await checkHostInfo(prepared, v, ctx);
    const path = await arrangePath(prepared.host, v.path, v.place, '.vhd');
    if (v.path === 'file' && typeof path === 'string') {
      held = await holdFile(prepared.host, path, v.holder);
    }
    const before = await prepared.host.snapshot();
    const identifier = identifierOf(v);
    const task: { value: ComTask | null | undefined } = { value: undefined };
    const want = predict(v);
    const what = `${METHOD}(${JSON.stringify(path)}, ${JSON.stringify(identifier)}, ${JSON.stringify(v.mountReadOnly)}${v.nullTask ? ', null' : ''})`;
    const hr = await callMember(
      ctx,
      {
        id,
        member: METHOD,
        what,
        kind: `${METHOD} (${id})`,
        budget: want === HR.S_OK ? 'work' : 'quick',
      },
      prepared.server,
      METHOD,
      [path, identifier, v.mountReadOnly, v.nullTask ? null : task],
    );
    ctx.exercise(id);
    ctx.expect(
      id,
      hr === want,
      () => `${what} gave ${describeHr(hr)}, expected ${describeHr(want)}`,
    );
    if (want !== HR.S_OK) {
      expectNoChange(ctx, 'HDRV.no-change', what, before, await prepared.host.snapshot());
      return;
    }
    const started = task.value;
    if (started === null || started === undefined) ctx.fail(id, `${what} handed no task`);
    await waitForTask(ctx, id, started, METHOD);
    ctx.expect(
      id,
      Number(started.Result) === TASK_RESULT.Success,
      () =>
        `${what}: the task ended with Result ${started.Result}, Error ${describeHr(started.Error)}`,
    );
    await checkImage(prepared, v, path as string, ctx, id);
  } finally {
    await held?.close();
    await prepared.dispose();
  }
}

/** The new image: HostDrive, the drive's size, the host's spelling, the read-only flag. */
async function checkImage(
  prepared: Awaited<ReturnType<typeof prepare>>,
  v: HostDriveCase,
  path: string,
  ctx: CaseContext,
  id: string,
): Promise<void> {
  const disk: ComHardDisk = expectDisk(
    await getHardDisk(prepared, path, ctx, { id, kind: 'host-drive image', expect: 'disk' }),
    ctx,
    id,
    path,
  );
  const size = drivesOf(v)[0]?.sizeBytes;
  ctx.expect(
    id,
    Number(disk.Type) === HARD_DISK_TYPE.HostDrive && Number(disk.SizeInGuest) === size,
    () =>
      `GetHardDisk of the image: Type ${disk.Type}, SizeInGuest ${disk.SizeInGuest}; expected 4 and ${size}`,
  );
  const out: { value: unknown } = { value: undefined };
  const hr = await callMember(
    ctx,
    { id, member: 'IVMHardDisk.get_HostDriveIdentifier', what: 'get_HostDriveIdentifier(out)' },
    disk,
    'get_HostDriveIdentifier',
    [out],
  );
  ctx.expect(
    id,
    hr === HR.S_OK && out.value === DRIVE,
    () =>
      `get_HostDriveIdentifier gave ${describeHr(hr)} and ${JSON.stringify(out.value)}, expected ${DRIVE} (the host's spelling)`,
  );
  const bytes = await prepared.host.readFile(path);
  const readOnly = ((bytes[15] ?? 0) & 1) === 1;
  const wantReadOnly =
    v.mounted ||
    (typeof v.mountReadOnly === 'number' ? v.mountReadOnly !== 0 : v.mountReadOnly === true);
  ctx.expect(
    id,
    bytes.length === 512 && readOnly === wantReadOnly,
    () =>
      `the image is ${bytes.length} bytes with read-only flag ${readOnly}, expected 512 and ${wantReadOnly} (mounted ${v.mounted}, mountReadOnly ${JSON.stringify(v.mountReadOnly)})`,
  );
}

const rare = (max: number) => fc.nat({ max }).map((n) => n === 0);

/** A case. */
export function hostDriveArb(subject: Subject): fc.Arbitrary<HostDriveCase> {
  const exact = subject.exactFreeSpace !== false;
  return fc.record({
    path: fc.oneof(
      { weight: 3, arbitrary: fc.constant<PathCase>('ok') },
      fc.constantFrom(...PATH_CASES),
    ),
    place: placeArb,
    holder: holderArb,
    identifier: fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom<HostDriveCase['identifier']>('same', 'lower', 'upper'),
      },
      fc.constantFrom<HostDriveCase['identifier']>('unknown', 'empty', 'long', 'number', 'null'),
    ),
    mountReadOnly: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom<unknown>(true, false, 0, -1) },
      fc.constantFrom<unknown>('yes', undefined, null),
    ),
    nullTask: rare(9),
    shuttingDown: rare(6),
    driveSize: fc.oneof(
      { weight: 4, arbitrary: fc.constant<HostDriveCase['driveSize']>('ok') },
      fc.constantFrom<HostDriveCase['driveSize']>('small', 'large'),
    ),
    mounted: fc.boolean(),
    diskFull: exact ? rare(5) : fc.constant(false),
    edge: exact ? fc.boolean() : fc.constant(false),
    hostInfo: rare(3),
    nullHostInfo: fc.boolean(),
    sizeMB: fc.integer({ min: 3, max: 4096 }),
  });
}

const IDS = [
  'HDRV.E_POINTER',
  'HDRV.E_INVALIDARG',
  'HDRV.VM_E_APP_SHUTTING_DOWN',
  'HDRV.E_INVALID_NAME',
  'HDRV.E_BAD_PATHNAME',
  'HDRV.E_BUFFER_OVERFLOW',
  'HDRV.E_PATH_NOT_FOUND',
  'HDRV.E_ALREADY_EXISTS',
  'HDRV.VM_E_HOST_DRIVE_NOT_FOUND',
  'HDRV.VM_E_IMAGE_SIZE_TOO_SMALL',
  'HDRV.VM_E_IMAGE_SIZE_TOO_LARGE',
  'HDRV.E_DISK_FULL',
  'HDRV.S_OK',
  'HDRV.no-change',
  'HDRV.HostDrives',
];

/** CreateHostDriveVirtualHardDisk and HostInfo.HostDrives. */
export const hostDriveCreation = defineProperty<HostDriveCase>({
  name: 'host-drive',
  covers: IDS,
  primary: 'HDRV.S_OK',
  arbitrary: (subject) => hostDriveArb(subject),
  aimAt(id, subject) {
    if (id === 'HDRV.E_DISK_FULL' && subject.exactFreeSpace === false) return undefined;
    if (id === 'HDRV.HostDrives')
      return hostDriveArb(subject).map((v) => ({ ...v, hostInfo: true }));
    return aimByModel(IDS, () => hostDriveArb(subject), hostDriveIdOf, ['HDRV.no-change'])(id);
  },
  check: (subject, v, ctx) => runCase(subject, v, ctx),
});
