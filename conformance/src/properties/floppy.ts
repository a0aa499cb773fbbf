/**
 * CreateFloppyDiskImage (no task) and GetFloppyDiskImageType: generated paths (every shared path
 * condition), image types good and bad, shutdown, free space one cluster short of the image or
 * exactly enough, and files of every floppy size and others, read-only or held in use. The
 * model (`predictCreateFloppy`, `predictFloppyType`) gives the HRESULT; a refusal changes
 * nothing; a creation leaves the image of the right size, which GetFloppyDiskImageType names.
 * @module
 */
import type { HostFile } from '@vskit/host';
import fc from 'fast-check';
import { prepare } from '../_internal/setup.js';
import { describeHr, HR, nameOfHr } from '../hresults.js';
import { type CaseContext, defineProperty } from '../property.js';
import type { HostState } from '../state.js';
import type { Subject } from '../subject.js';
import {
  type FloppyCall,
  type FloppyTypeCall,
  type PathCase,
  predictCreateFloppy,
  predictFloppyType,
} from '../surface-model.js';
import { plainState } from './_helpers/hard-disk-calls.js';
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

const IMAGE_BYTES: Readonly<Record<number, number>> = { 1: 737_280, 2: 1_474_560 };

/** One generated CreateFloppyDiskImage case. */
export interface FloppyCase extends FloppyCall {
  readonly place: PathPlace;
  /** A file already at the path: read-only, in use, or neither (E_ALREADY_EXISTS alike). */
  readonly holder: Holder;
  readonly shuttingDown: boolean;
  /** Free space exactly the image's clusters (not full) rather than plenty. */
  readonly edge: boolean;
}

const hrName = (hr: number): string => nameOfHr(hr) ?? 'S_OK';

/** The requirement a creation case is judged by. */
export function floppyIdOf(v: FloppyCase): string {
  const hr = predictCreateFloppy(v);
  if (hr === HR.S_OK) return v.shuttingDown ? 'FLOPPY.shutdown-does-not-refuse' : 'FLOPPY.S_OK';
  return `FLOPPY.${hrName(hr)}`;
}

/** C: with free space at the edge of `needBytes` (short by a cluster when `short`). */
function stateWithEdge(needBytes: number, short: boolean, shuttingDown: boolean): HostState {
  const state = plainState();
  const [c, ...rest] = state.volumes;
  if (c === undefined) return state;
  return {
    ...state,
    shuttingDown,
    volumes: [{ ...c, free: { kind: 'edge', needBytes, short } }, ...rest],
  };
}

async function runCreate(subject: Subject, v: FloppyCase, ctx: CaseContext): Promise<void> {
  const id = floppyIdOf(v);
  const need = IMAGE_BYTES[v.imageType as number] ?? IMAGE_BYTES[2];
  const state =
    v.diskFull || v.edge
      ? stateWithEdge(need as number, v.diskFull, v.shuttingDown)
      : { ...plainState(), shuttingDown: v.shuttingDown };
  const prepared = await prepare(subject, state);
  let held: HostFile | null = null;
  try {
    const path = await arrangePath(prepared.host, v.path, v.place, '.vfd');
    if (v.path === 'file' && typeof path === 'string') {
      held = await holdFile(prepared.host, path, v.holder);
    }
    const before = await prepared.host.snapshot();
    const what = `CreateFloppyDiskImage(${JSON.stringify(path)}, ${JSON.stringify(v.imageType)})`;
    const hr = await callMember(
      ctx,
      { id, member: 'CreateFloppyDiskImage', what, kind: `CreateFloppyDiskImage (${id})` },
      prepared.server,
      'CreateFloppyDiskImage',
      [path, v.imageType],
    );
    const want = predictCreateFloppy(v);
    ctx.exercise(id);
    ctx.expect(
      id,
      hr === want,
      () => `${what} gave ${describeHr(hr)}, expected ${describeHr(want)}`,
    );
    if (want !== HR.S_OK) {
      expectNoChange(ctx, 'FLOPPY.no-change', what, before, await prepared.host.snapshot());
      return;
    }
    const file = typeof path === 'string' ? await prepared.host.stat(path) : undefined;
    ctx.expect(
      id,
      file?.kind === 'file' && file.size === need,
      () => `${what}: the image is ${file?.kind} of ${file?.size} bytes, expected ${need}`,
    );
    const out: { value: unknown } = { value: undefined };
    const typeHr = await callMember(
      ctx,
      { id, member: 'GetFloppyDiskImageType', what: `GetFloppyDiskImageType(${path})` },
      prepared.server,
      'GetFloppyDiskImageType',
      [path, out],
    );
    ctx.expect(
      id,
      typeHr === HR.S_OK && out.value === v.imageType,
      () =>
        `GetFloppyDiskImageType of the new image gave ${describeHr(typeHr)} and ${JSON.stringify(out.value)}, expected ${v.imageType}`,
    );
  } finally {
    await held?.close();
    await prepared.dispose();
  }
}

const BAD_TYPES: readonly unknown[] = [0, 3, -1, 1.5, '1', null, undefined, 4];

/** A creation case (with a path case among `paths`). */
export function floppyArb(
  subject: Subject,
  paths: readonly PathCase[] = PATH_CASES,
): fc.Arbitrary<FloppyCase> {
  const exact = subject.exactFreeSpace !== false;
  return fc.record({
    path: fc.oneof(
      { weight: 2, arbitrary: fc.constant<PathCase>('ok') },
      fc.constantFrom(...paths),
    ),
    imageType: fc.oneof(
      { weight: 4, arbitrary: fc.constantFrom<unknown>(1, 2) },
      fc.constantFrom(...BAD_TYPES),
    ),
    diskFull: exact ? fc.nat({ max: 4 }).map((n) => n === 0) : fc.constant(false),
    edge: exact ? fc.boolean() : fc.constant(false),
    shuttingDown: fc.nat({ max: 4 }).map((n) => n === 0),
    place: placeArb,
    holder: holderArb,
  });
}

const CREATE_IDS = [
  'FLOPPY.E_POINTER',
  'FLOPPY.E_INVALIDARG',
  'FLOPPY.shutdown-does-not-refuse',
  'FLOPPY.E_INVALID_NAME',
  'FLOPPY.E_BAD_PATHNAME',
  'FLOPPY.E_BUFFER_OVERFLOW',
  'FLOPPY.E_PATH_NOT_FOUND',
  'FLOPPY.E_ALREADY_EXISTS',
  'FLOPPY.E_DISK_FULL',
  'FLOPPY.S_OK',
  'FLOPPY.no-change',
];

/** CreateFloppyDiskImage. */
export const floppyCreation = defineProperty<FloppyCase>({
  name: 'floppy.create',
  covers: CREATE_IDS,
  primary: 'FLOPPY.S_OK',
  arbitrary: (subject) => floppyArb(subject),
  aimAt(id, subject) {
    // real folders cannot bring free space to an edge (EXACT_FREE_SPACE_IDS)
    if (id === 'FLOPPY.E_DISK_FULL' && subject.exactFreeSpace === false) return undefined;
    return aimByModel(CREATE_IDS, () => floppyArb(subject), floppyIdOf, ['FLOPPY.no-change'])(id);
  },
  check: (subject, v, ctx) => runCreate(subject, v, ctx),
});

/** One generated GetFloppyDiskImageType case. */
export interface FloppyTypeCase extends FloppyTypeCall {
  readonly place: PathPlace;
  /** What holds the file while it is asked about. */
  readonly holder: Holder;
}

/** The requirement a type case is judged by. */
export function floppyTypeIdOf(v: FloppyTypeCase): string {
  const { hr } = predictFloppyType(v);
  return hr === HR.S_OK ? 'FTYPE.by-size' : `FTYPE.${hrName(hr)}`;
}

async function runType(subject: Subject, v: FloppyTypeCase, ctx: CaseContext): Promise<void> {
  const id = floppyTypeIdOf(v);
  const prepared = await prepare(subject, plainState());
  let held: HostFile | null = null;
  try {
    const host = prepared.host;
    const path = await arrangePath(host, v.path, v.place, '.vfd', async (at) => {
      const file = await host.open(at, 'createNew');
      await file.truncate(v.sizeBytes);
      await file.close();
    });
    if (v.path === 'file' && typeof path === 'string') {
      held = await holdFile(host, path, v.holder);
    }
    const before = await host.snapshot();
    const out: { value: unknown } = { value: undefined };
    const what = `GetFloppyDiskImageType(${JSON.stringify(path)}${v.nullOut ? ', null' : ''})`;
    const hr = await callMember(
      ctx,
      { id, member: 'GetFloppyDiskImageType', what, kind: `GetFloppyDiskImageType (${id})` },
      prepared.server,
      'GetFloppyDiskImageType',
      [path, v.nullOut ? null : out],
    );
    const want = predictFloppyType(v);
    ctx.exercise(id);
    ctx.expect(
      id,
      hr === want.hr && (want.type === undefined || out.value === want.type),
      () =>
        `${what} on ${v.sizeBytes} bytes (${v.holder}) gave ${describeHr(hr)} and ${JSON.stringify(out.value)}, expected ${describeHr(want.hr)}${want.type === undefined ? '' : ` and ${want.type}`}`,
    );
    expectNoChange(ctx, 'FTYPE.no-change', what, before, await host.snapshot());
  } finally {
    await held?.close();
    await prepared.dispose();
  }
}

const SIZES = [368_640, 737_280, 1_228_800, 1_474_560, 1_720_320, 1_884_160];
const OTHER_SIZES = [0, 512, 737_281, 1_474_559, 2_949_120, 1_440_000];

/** A type case (with a path case among `paths`). */
export function floppyTypeArb(
  paths: readonly PathCase[] = PATH_CASES,
): fc.Arbitrary<FloppyTypeCase> {
  return fc.record({
    path: fc.oneof(
      { weight: 3, arbitrary: fc.constant<PathCase>('file') },
      fc.constantFrom(...paths),
    ),
    nullOut: fc.nat({ max: 9 }).map((n) => n === 0),
    sizeBytes: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...SIZES) },
      fc.constantFrom(...OTHER_SIZES),
    ),
    holder: holderArb,
    place: placeArb,
  });
}

const TYPE_IDS = [
  'FTYPE.E_POINTER',
  'FTYPE.E_INVALID_NAME',
  'FTYPE.E_BAD_PATHNAME',
  'FTYPE.E_BUFFER_OVERFLOW',
  'FTYPE.E_PATH_NOT_FOUND',
  'FTYPE.E_FILE_NOT_FOUND',
  'FTYPE.by-size',
  'FTYPE.DISP_E_EXCEPTION',
  'FTYPE.no-change',
];

/** GetFloppyDiskImageType. */
export const floppyType = defineProperty<FloppyTypeCase>({
  name: 'floppy.type',
  covers: TYPE_IDS,
  primary: 'FTYPE.by-size',
  arbitrary: () => floppyTypeArb(),
  aimAt: aimByModel(TYPE_IDS, () => floppyTypeArb(), floppyTypeIdOf, ['FTYPE.no-change']),
  check: (subject, v, ctx) => runType(subject, v, ctx),
});
