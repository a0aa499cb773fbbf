/**
 * `vskit vs disk <path> <Member> [args]`: the members of the IVMHardDisk that GetHardDisk
 * returns for `<path>`: its properties, read, and its methods, called.
 * @module
 */
import { HARD_DISK_PROPERTIES, type HardDiskProperty } from '@vskit/vs-api/hresult';
import { CliError, usageError } from '../errors.js';
import { sizeWithBytes } from '../output.js';
import { failed, type MethodOutcome, nameOf, type Server, type VsApi } from './vs-outcome.js';

/** The IVMHardDisk properties `vskit vs disk <path> <Member>` reads: all of them. */
export const DISK_MEMBERS = HARD_DISK_PROPERTIES;

/** One member of {@link DISK_MEMBERS}. */
export type DiskMember = HardDiskProperty;

/**
 * The IVMHardDisk methods `vskit vs disk <path> <Method> [args]` calls, with their argument
 * names (vs-api's): four return a task, waited for; `put_Parent` returns nothing.
 */
export const DISK_METHODS = {
  Merge: { args: [], returns: 'task' },
  MergeTo: { args: ['newDiskImagePath', 'newDiskImageType'], returns: 'task' },
  Compact: { args: [], returns: 'task' },
  Convert: { args: ['convertedDiskImagePath', 'convertedDiskImageType'], returns: 'task' },
  put_Parent: { args: ['parentPath'], returns: 'none' },
} as const satisfies Readonly<
  Record<string, { readonly args: readonly string[]; readonly returns: 'task' | 'none' }>
>;

/** One method of {@link DISK_METHODS}. */
export type DiskMethod = keyof typeof DISK_METHODS;

/** The disk member named `name` (case-insensitive, `get_` allowed), or `undefined`. */
export function findDiskMember(name: string): DiskMember | undefined {
  const bare = name.replace(/^get_/i, '').toLowerCase();
  return DISK_MEMBERS.find((m) => m.toLowerCase() === bare);
}

/** The disk method named `name` (case-insensitive), or `undefined`. */
export function findDiskMethod(name: string): DiskMethod | undefined {
  const lower = name.toLowerCase();
  return (Object.keys(DISK_METHODS) as DiskMethod[]).find((m) => m.toLowerCase() === lower);
}

/** VMHardDiskType by name, for MergeTo's and Convert's type. */
const DISK_TYPES: Readonly<Record<string, number>> = {
  dynamic: 0,
  fixedsize: 1,
  differencing: 2,
  hostdrive: 4,
};

/**
 * A type word as VMHardDiskType: a name (`Dynamic`, `FixedSize`, ...; case-insensitive) or a
 * whole number, passed on as it is: vs-api judges whether the method takes it.
 */
export function parseDiskType(name: string, word: string): number {
  const named = DISK_TYPES[word.toLowerCase()];
  if (named !== undefined) return named;
  if (!/^-?\d+$/.test(word) || !Number.isSafeInteger(Number(word))) {
    throw new CliError(
      'INVALID_NUMBER',
      `${name} '${word}' is not Dynamic, FixedSize or a whole number`,
      2,
    );
  }
  return Number(word);
}

/** The arguments of `method` from the words after it: paths as they are, types as numbers. */
export function diskMethodArguments(
  method: DiskMethod,
  words: readonly string[],
): Array<string | number> {
  const names: readonly string[] = DISK_METHODS[method].args;
  if (words.length !== names.length) {
    throw usageError(
      names.length === 0
        ? `disk ${method} takes no arguments`
        : `disk ${method} takes ${names.map((n) => `<${n}>`).join(' ')}`,
    );
  }
  return names.map((name, i) => {
    const word = words[i] as string;
    return name.endsWith('Type') ? parseDiskType(name, word) : word;
  });
}

/** A parsed `disk <path> <Member> [args]`. */
export interface DiskCall {
  /** The disk's path, given to GetHardDisk. */
  readonly path: string;
  /** The property read or the method called. */
  readonly member: DiskMember | DiskMethod;
  /** The method's arguments (none for a property). */
  readonly args: ReadonlyArray<string | number>;
}

/** The words after `disk` as a {@link DiskCall}; USAGE for an unknown member or a wrong count. */
export function parseDiskCall(words: readonly string[]): DiskCall {
  const names = [...DISK_MEMBERS, ...Object.keys(DISK_METHODS)].join(', ');
  const [path, memberWord, ...rest] = words;
  if (path === undefined || memberWord === undefined) {
    throw usageError(`disk takes <path> <Member> [args]: one of ${names}`);
  }
  const method = findDiskMethod(memberWord);
  if (method !== undefined)
    return { path, member: method, args: diskMethodArguments(method, rest) };
  const member = findDiskMember(memberWord);
  if (member === undefined) {
    throw usageError(`unknown disk member '${memberWord}': one of ${names}`);
  }
  if (rest.length > 0) throw usageError(`disk ${member} takes no arguments`);
  return { path, member, args: [] };
}

/** Reads the property or calls the method of `call`. */
export function callDisk(vsApi: VsApi, server: Server, call: DiskCall): Promise<MethodOutcome> {
  const method = findDiskMethod(call.member);
  return method === undefined
    ? callDiskMember(vsApi, server, call.path, call.member as DiskMember)
    : callDiskMethod(vsApi, server, call.path, method, call.args);
}

/**
 * `vskit vs disk <path> <Method> [args]`: GetHardDisk on `path` (its failure is the answer),
 * then the method on the promise face, whose VsError carries the reason; the HRESULT is the
 * one the COM face returns. `put_Parent` calls GetHardDisk on `parentPath` too and hands that
 * disk over (that GetHardDisk's failure is then the answer).
 */
export async function callDiskMethod(
  vsApi: VsApi,
  server: Server,
  path: string,
  method: DiskMethod,
  args: ReadonlyArray<string | number>,
): Promise<MethodOutcome> {
  const [first, second] = args;
  const ok = vsApi.HRESULT.S_OK;
  try {
    const disk = await server.getHardDisk(path);
    const type = Number(second) as import('@vskit/vs-api').VMHardDiskType;
    switch (method) {
      case 'put_Parent':
        await disk.putParent(await server.getHardDisk(String(first)));
        return { hresult: ok };
      case 'Merge':
        return { hresult: ok, task: vsApi.comTask(await disk.merge()) };
      case 'MergeTo':
        return { hresult: ok, task: vsApi.comTask(await disk.mergeTo(String(first), type)) };
      case 'Compact':
        return { hresult: ok, task: vsApi.comTask(await disk.compact()) };
      case 'Convert':
        return { hresult: ok, task: vsApi.comTask(await disk.convert(String(first), type)) };
    }
  } catch (error) {
    return failed(vsApi, error);
  }
}

/**
 * `vskit vs disk <path> <Member>`: GetHardDisk on `path` (its failure is the answer), then the
 * member read through the promise face (`getType()`, ...), whose VsError carries the reason; the
 * HRESULT is the one the COM face's `get_X(out)` returns: S_FALSE for a `null` Parent or
 * HostDriveIdentifier. A disk value (Parent) is shown as its File.
 */
export async function callDiskMember(
  vsApi: VsApi,
  server: Server,
  path: string,
  member: DiskMember,
): Promise<MethodOutcome> {
  let answer: unknown;
  try {
    const disk = await server.getHardDisk(path);
    answer = await disk[`get${member}`]();
  } catch (error) {
    return failed(vsApi, error);
  }
  const hresult = answer === null ? vsApi.HRESULT.S_FALSE : vsApi.HRESULT.S_OK;
  const label = member;
  if (member === 'Parent') {
    const file = (answer as import('@vskit/vs-api').VMHardDisk | null)?.file ?? null;
    return { hresult, value: { label, value: file, text: file ?? '(none)' } };
  }
  if (member === 'Type') {
    const type = answer as number;
    return {
      hresult,
      value: { label, value: type, text: `${nameOf(vsApi.VMHardDiskType, type)} (${type})` },
    };
  }
  if (typeof answer === 'number') {
    return { hresult, value: { label, value: answer, text: sizeWithBytes(answer) } };
  }
  return {
    hresult,
    value: { label, value: answer, text: answer === null ? '(none)' : String(answer) },
  };
}
