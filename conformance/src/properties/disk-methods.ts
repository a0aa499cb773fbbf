/**
 * IVMHardDisk's methods that change disks or write new ones (Merge, MergeTo, Compact, Convert,
 * put_Parent), as far as their faces answer today: a null out-parameter (a null parent for
 * put_Parent) is E_POINTER before anything is looked at, on a dynamic, fixed or differencing
 * disk, whatever the other arguments; and nothing changes on any volume.
 * @module
 */
import fc from 'fast-check';
import { prepare } from '../_internal/setup.js';
import { describeHr, HR } from '../hresults.js';
import { type CaseContext, defineProperty } from '../property.js';
import type { Subject } from '../subject.js';
import {
  createThrough,
  differencingCall,
  expectDisk,
  foldersArb,
  getHardDisk,
  nameArb,
  pathOf,
  plainState,
  sizedCall,
} from './_helpers/hard-disk-calls.js';
import { callMember } from './_helpers/member-calls.js';
import { expectNoChange } from './_helpers/snapshots.js';

/** The methods, and the id each one's E_POINTER is judged by. */
const METHOD_ID = {
  Merge: 'MERGE.E_POINTER.task',
  MergeTo: 'MERGETO.E_POINTER.task',
  Compact: 'COMPACT.E_POINTER.task',
  Convert: 'CONVERT.E_POINTER.task',
  put_Parent: 'PUTPARENT.E_POINTER',
} as const;

type DiskMethod = keyof typeof METHOD_ID;

/** One generated case. */
export interface DiskMethodCase {
  readonly method: DiskMethod;
  readonly disk: 'dynamic' | 'fixed' | 'differencing';
  readonly sizeMB: number;
  readonly folders: readonly string[];
  readonly name: string;
  /** MergeTo and Convert: the target path and type given with the null out-parameter. */
  readonly target: 'new' | 'self' | 'null';
  readonly type: number;
  /** put_Parent: null or undefined. */
  readonly undefinedParent: boolean;
}

function argumentsOf(v: DiskMethodCase, image: string): unknown[] {
  const target =
    v.target === 'null' ? null : v.target === 'self' ? image : pathOf('C', v.folders, 'new.vhd');
  switch (v.method) {
    case 'Merge':
    case 'Compact':
      return [null];
    case 'MergeTo':
    case 'Convert':
      return [target, v.type, null];
    case 'put_Parent':
      return [v.undefinedParent ? undefined : null];
  }
}

async function runCase(subject: Subject, v: DiskMethodCase, ctx: CaseContext): Promise<void> {
  const id = METHOD_ID[v.method];
  const prepared = await prepare(subject, plainState());
  try {
    const image = pathOf('C', v.folders, `${v.name}.vhd`);
    if (v.disk === 'differencing') {
      const base = pathOf('C', v.folders, `b-${v.name}.vhd`);
      await createThrough(prepared, sizedCall('dynamic', base, v.sizeMB), ctx, id);
      await createThrough(prepared, differencingCall(image, base), ctx, id);
    } else {
      await createThrough(prepared, sizedCall(v.disk, image, v.sizeMB), ctx, id);
    }
    const disk = expectDisk(
      await getHardDisk(prepared, image, ctx, { id, kind: 'disk methods', expect: 'disk' }),
      ctx,
      id,
      image,
    );
    const before = await prepared.host.snapshot();
    const args = argumentsOf(v, image);
    const what = `${v.method}(${args.map((a) => JSON.stringify(a) ?? 'undefined').join(', ')}) on a ${v.disk} disk`;
    const hr = await callMember(
      ctx,
      { id, member: `IVMHardDisk.${v.method}`, what, kind: `${v.method} (E_POINTER)` },
      disk,
      v.method,
      args,
    );
    ctx.exercise(id);
    ctx.expect(id, hr === HR.E_POINTER, () => `${what} gave ${describeHr(hr)}, expected E_POINTER`);
    expectNoChange(ctx, 'DISKOPS.no-change', what, before, await prepared.host.snapshot());
  } finally {
    await prepared.dispose();
  }
}

/** A case (of `methods`). */
export function diskMethodArb(
  methods: readonly DiskMethod[] = Object.keys(METHOD_ID) as DiskMethod[],
): fc.Arbitrary<DiskMethodCase> {
  return fc
    .record({
      method: fc.constantFrom(...methods),
      disk: fc.constantFrom<DiskMethodCase['disk']>('dynamic', 'fixed', 'differencing'),
      sizeMB: fc.integer({ min: 3, max: 40 }),
      folders: foldersArb,
      name: nameArb,
      target: fc.constantFrom<DiskMethodCase['target']>('new', 'self', 'null'),
      type: fc.constantFrom(0, 1, 2, 7),
      undefinedParent: fc.boolean(),
    })
    .map((v) => (v.disk === 'fixed' ? { ...v, sizeMB: 3 + (v.sizeMB % 6) } : v));
}

const IDS = [...Object.values(METHOD_ID), 'DISKOPS.no-change'];

/** Merge, MergeTo, Compact, Convert and put_Parent: their E_POINTER. */
export const diskMethods = defineProperty<DiskMethodCase>({
  name: 'disk.methods',
  covers: IDS,
  primary: 'DISKOPS.no-change',
  arbitrary: () => diskMethodArb(),
  aimAt(id) {
    const method = (Object.keys(METHOD_ID) as DiskMethod[]).find((m) => METHOD_ID[m] === id);
    if (method !== undefined) return diskMethodArb([method]);
    return id === 'DISKOPS.no-change' ? diskMethodArb() : undefined;
  },
  check: (subject, v, ctx) => runCase(subject, v, ctx),
});
