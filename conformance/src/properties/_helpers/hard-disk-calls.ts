/**
 * What the GetHardDisk and subject-level chain properties share: a plain host state, creating a
 * disk through the subject and waiting for it, calling GetHardDisk, and the confinement check on
 * the paths a subject hands its host.
 * @module
 */
import { type FileSystemKind, type Host, windowsPath } from '@vskit/host';
import fc from 'fast-check';
import type { Prepared } from '../../_internal/setup.js';
import { GIB, TIB } from '../../_internal/units.js';
import { describeHr, HR, TASK_RESULT } from '../../hresults.js';
import type { CaseContext } from '../../property.js';
import type { CreateCall, HostState, VolumeSpec } from '../../state.js';
import type { ComHardDisk, ComTask, OutParam } from '../../subject.js';
import { invoke, waitForTask } from './calls.js';

/** The host clock of these properties' states. */
export const NOW = '2026-01-01T00:00:00.000Z';

/** A volume of the plain states: half a GiB of its capacity used, plenty free. */
export function plainVolume(
  drive: string,
  fileSystem: FileSystemKind,
  capacityBytes: number,
): VolumeSpec {
  return {
    drive,
    fileSystem,
    capacityBytes,
    freeBytes: capacityBytes - GIB / 2,
    free: { kind: 'plenty' },
  };
}

/** A state with C: (NTFS) and D: (FAT32), plenty free, nothing on them. */
export function plainState(): HostState {
  return {
    volumes: [plainVolume('C', 'NTFS', 4 * TIB), plainVolume('D', 'FAT32', 64 * GIB)],
    entries: [],
    shuttingDown: false,
    now: NOW,
  };
}

/** File names, ASCII and not, with a space. */
export const nameArb: fc.Arbitrary<string> = fc.constantFrom(
  'p',
  'Base',
  'данные',
  'Été',
  'disk 1',
);

/** Folder paths of one to three segments. */
export const foldersArb: fc.Arbitrary<string[]> = fc.array(
  fc.constantFrom('vms', 'a', 'Données', 'x y', 'B2'),
  { minLength: 1, maxLength: 3 },
);

/** `C:\a\b\name` from parts. */
export function pathOf(drive: string, folders: readonly string[], name: string): string {
  return windowsPath.format({ drive, segments: [...folders, name] });
}

/** Runs a creation call through the subject and waits for success; fails `id` otherwise. */
export async function createThrough(
  prepared: Prepared,
  call: CreateCall,
  ctx: CaseContext,
  id: string,
): Promise<void> {
  const out: OutParam<ComTask> = { value: undefined };
  const hr = await invoke(ctx, id, prepared.server, call, out);
  const task = out.value;
  if (hr !== HR.S_OK || task === undefined || task === null) {
    ctx.fail(id, `setting up, ${call.method}("${call.imagePath}") gave ${describeHr(hr)}`);
  }
  await waitForTask(ctx, id, task, call.method);
  if (Number(task.Result) !== TASK_RESULT.Success) {
    ctx.fail(
      id,
      `setting up, ${call.method}("${call.imagePath}") ended with Result ${task.Result}, Error ${describeHr(task.Error)}`,
    );
  }
}

/** A dynamic or fixed creation call. */
export function sizedCall(
  kind: 'dynamic' | 'fixed',
  imagePath: string,
  sizeMB: number,
): CreateCall {
  return {
    method: kind === 'dynamic' ? 'CreateDynamicVirtualHardDisk' : 'CreateFixedVirtualHardDisk',
    imagePath,
    sizeMB,
    nullTask: false,
  };
}

/** A differencing creation call. */
export function differencingCall(imagePath: string, parentPath: string): CreateCall {
  return {
    method: 'CreateDifferencingVirtualHardDisk',
    imagePath,
    parentPath,
    nullTask: false,
  };
}

/** The outcome of one GetHardDisk call. */
export interface GetHardDiskOutcome {
  readonly hr: number;
  readonly disk: ComHardDisk | undefined;
}

/** How a GetHardDisk call is made and timed. */
export interface GetHardDiskCall {
  /** The requirement a wrong answer or a hang is charged to. */
  readonly id: string;
  /** The kind of case (a hang is remembered per kind: a cycle that hangs is not a missing file). */
  readonly kind: string;
  /** Whether a disk is due (opening a chain: the work budget) or a refusal (a quick budget). */
  readonly expect: 'disk' | 'refusal';
  /** Pass a null out-parameter. */
  readonly nullOut?: boolean;
}

/**
 * Calls the subject's GetHardDisk; fails `call.id` when the subject has no GetHardDisk, or gives
 * no answer within the budget (a hang: a chain too deep or with a cycle must answer an error).
 */
export async function getHardDisk(
  prepared: Prepared,
  path: string | null | undefined,
  ctx: CaseContext,
  call: GetHardDiskCall,
): Promise<GetHardDiskOutcome> {
  const method = prepared.server.GetHardDisk;
  if (typeof method !== 'function') ctx.fail(call.id, 'the subject has no GetHardDisk method');
  const out: OutParam<ComHardDisk> = { value: undefined };
  const hr = await ctx.answer(
    {
      id: call.id,
      what: `GetHardDisk(${JSON.stringify(path)}${call.nullOut ? ', null' : ''})`,
      kind: `GetHardDisk (${call.kind})`,
      member: 'GetHardDisk',
      budget: call.expect === 'disk' ? 'work' : 'quick',
    },
    () => method.call(prepared.server, path, call.nullOut ? null : (out as OutParam<never>)),
  );
  const disk = out.value ?? undefined;
  return { hr: typeof hr === 'number' ? hr >>> 0 : Number.NaN, disk };
}

/** Fails `id` unless GetHardDisk answered S_OK with a disk; returns the disk. */
export function expectDisk(
  outcome: GetHardDiskOutcome,
  ctx: CaseContext,
  id: string,
  what: string,
): ComHardDisk {
  if (outcome.hr !== HR.S_OK || outcome.disk === undefined) {
    ctx.fail(id, `GetHardDisk(${what}) gave ${describeHr(outcome.hr)}, expected S_OK and a disk`);
  }
  return outcome.disk;
}

/** Whether two Windows paths name one file (case-insensitively); false for a non-path. */
export function samePathText(a: unknown, b: string): boolean {
  if (typeof a !== 'string') return false;
  const pa = windowsPath.parseAbsolute(a);
  const pb = windowsPath.parseAbsolute(b);
  return pa !== undefined && pb !== undefined && windowsPath.samePath(pa, pb);
}

/**
 * Why the paths a subject handed its host are not confined to the host's volumes: one that is
 * not absolute, holds a `.` or `..` segment, or lies on a drive with no volume. `undefined`
 * when every path is confined.
 */
export function confinementProblem(host: Host, paths: readonly string[]): string | undefined {
  for (const path of paths) {
    if (!windowsPath.isAbsolute(path)) return `the host was handed a non-absolute path '${path}'`;
    const segments = path.slice(3).split('\\');
    if (segments.some((segment) => segment === '.' || segment === '..')) {
      return `the host was handed '${path}', with a . or .. segment`;
    }
    if (host.volumeInfo(path.charAt(0).toUpperCase()) === undefined) {
      return `the host was handed '${path}', on a drive with no volume`;
    }
  }
  return undefined;
}
