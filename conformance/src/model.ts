/**
 * The reference model: predicts the HRESULT of any generated creation call in any generated
 * host state, from SEMANTICS.md alone (it shares only the Windows path helpers of @vskit/host
 * with the implementation). Besides the code it reports every condition that holds, so a
 * disagreement can be charged to the right requirement, and for a success where the file lands.
 * @module
 */
import { FILE_SYSTEM_LIMITS, type WindowsPath, windowsPath } from '@vskit/host';
import { MIB } from './_internal/units.js';
import {
  type CheckVariant,
  type ConditionName,
  type CreateMethod,
  METHOD_CHECKS,
  type MethodCheck,
} from './catalogue.js';
import { HR } from './hresults.js';
import {
  type CreateCall,
  type DiskSpec,
  type HostState,
  type Layout,
  type LayoutEntry,
  layoutOf,
  type VolumeSpec,
} from './state.js';

/** Largest virtual size is strictly below this (2,088,960 MB). */
export const MAX_SIZE_BYTES = 2_088_960 * MIB;
/** Smallest virtual size (3 MB). */
export const MIN_SIZE_BYTES = 3 * MIB;
/** Free space a dynamic or differencing image needs (8 MB). */
export const SPARSE_FREE_BYTES = 8 * MIB;
/** Block size of the images vskit creates. */
export const BLOCK_BYTES = 2 * MIB;

/** Facts about the host measured after setup. */
export interface HostFacts {
  /** Free bytes per drive letter. */
  readonly freeBytes: ReadonlyMap<string, number>;
}

/** A condition that holds for a call, with the check it belongs to. */
export interface HoldingCondition {
  readonly stepIndex: number;
  readonly step: string;
  readonly variant: CheckVariant;
}

/** Path features a call uses; they name the PATH requirements a case exercises. */
export type PathFeature =
  | 'absolute'
  | 'rooted'
  | 'empty'
  | 'relative'
  | 'dot-segments'
  | 'dotdot-at-root'
  | 'case'
  | 'non-ascii'
  | 'forward-slash'
  | 'control-character';

/** What the model predicts for one call. */
export interface Prediction {
  readonly method: CreateMethod;
  readonly hresult: number;
  /** The first condition that holds (the method's HRESULT), or `undefined` for S_OK. */
  readonly decided: HoldingCondition | undefined;
  /** Every condition that holds, in check order. */
  readonly holding: readonly HoldingCondition[];
  /** Where the image resolves (when it does). */
  readonly image: WindowsPath | undefined;
  /** Where the parent resolves (differencing only, when it does). */
  readonly parent: WindowsPath | undefined;
  /** Folders a successful task must create, shallowest first. */
  readonly createdFolders: readonly WindowsPath[];
  /** Path features the call uses. */
  readonly features: ReadonlySet<PathFeature>;
  /** The parent disk as set up (differencing only, when it exists). */
  readonly parentDisk: DiskSpec | undefined;
  /** Virtual size of the created image in bytes (on success). */
  readonly sizeBytes: number | undefined;
}

const roundUp = (n: number, unit: number): number => Math.ceil(n / unit) * unit;

/** The size of a differencing or dynamic file with every block allocated. */
export function expandedBytes(sizeBytes: number, locatorBytes: number): number {
  const entries = Math.ceil(sizeBytes / BLOCK_BYTES);
  const bitmap = roundUp(BLOCK_BYTES / 512 / 8, 512);
  return (
    512 + 1024 + roundUp(entries * 4, 512) + locatorBytes + entries * (BLOCK_BYTES + bitmap) + 512
  );
}

/** Locator data a child of `parent` at `image` carries (W2ku, and W2ru on the same drive). */
export function locatorBytes(image: WindowsPath, parent: WindowsPath): number {
  const absolute = roundUp(windowsPath.format(parent).length * 2, 512);
  const rel = windowsPath.relative(windowsPath.dirname(image), parent);
  return absolute + (rel === undefined ? 0 : roundUp(rel.length * 2, 512));
}

function pathFeatures(path: string, features: Set<PathFeature>): void {
  if (path === '') features.add('empty');
  else if (windowsPath.isAbsolute(path)) features.add('absolute');
  else if (windowsPath.isRooted(path)) features.add('rooted');
  else features.add('relative');
  const names = path.split('\\');
  if (names.some((name) => name === '.' || name === '..')) features.add('dot-segments');
  let depth = 0;
  for (const name of (windowsPath.isAbsolute(path) ? path.slice(3) : path).split('\\')) {
    if (name === '..') {
      if (depth === 0 && (windowsPath.isAbsolute(path) || windowsPath.isRooted(path))) {
        features.add('dotdot-at-root');
      }
      depth = Math.max(0, depth - 1);
    } else if (name !== '' && name !== '.') depth++;
  }
  if ([...path].some((char) => char.charCodeAt(0) > 0x7f)) features.add('non-ascii');
  const bad = windowsPath.findInvalidCharacter(path);
  if (bad?.char === '/') features.add('forward-slash');
  if (bad !== undefined && bad.char.charCodeAt(0) < 0x20) features.add('control-character');
}

/** Whether `path` in the layout was reached through a name spelt in another case. */
function caseDiffers(layout: Layout, path: WindowsPath): boolean {
  for (let depth = 1; depth <= path.segments.length; depth++) {
    const prefix = { drive: path.drive, segments: path.segments.slice(0, depth) };
    const found = layout.entries.get(windowsPath.pathKey(prefix));
    if (found === undefined) return false;
    if (found.path.segments[depth - 1] !== path.segments[depth - 1]) return true;
  }
  return false;
}

interface Resolved {
  image: WindowsPath | undefined;
  parent: WindowsPath | undefined;
}

function resolvePaths(call: CreateCall): Resolved {
  const image = call.imagePath;
  if (typeof image !== 'string' || windowsPath.findInvalidCharacter(image) !== undefined) {
    return { image: undefined, parent: undefined };
  }
  if (call.method !== 'CreateDifferencingVirtualHardDisk') {
    return { image: windowsPath.parseAbsolute(image), parent: undefined };
  }
  const parent = call.parentPath;
  if (typeof parent !== 'string' || windowsPath.findInvalidCharacter(parent) !== undefined) {
    return { image: windowsPath.parseAbsolute(image), parent: undefined };
  }
  const imageAbs = windowsPath.parseAbsolute(image);
  const parentAbs = windowsPath.parseAbsolute(parent);
  if (imageAbs !== undefined && parentAbs !== undefined)
    return { image: imageAbs, parent: parentAbs };
  if (imageAbs !== undefined) {
    return { image: imageAbs, parent: windowsPath.resolve(parent, windowsPath.dirname(imageAbs)) };
  }
  if (parentAbs !== undefined) {
    return { image: windowsPath.resolve(image, windowsPath.dirname(parentAbs)), parent: parentAbs };
  }
  return { image: undefined, parent: undefined };
}

/** What the conditions are judged on: the call, the state as laid out, where the paths resolve. */
interface CallFacts {
  readonly call: CreateCall;
  readonly state: HostState;
  readonly facts: HostFacts;
  readonly layout: Layout;
  readonly volumes: ReadonlyMap<string, VolumeSpec>;
  readonly image: WindowsPath | undefined;
  readonly parent: WindowsPath | undefined;
  /** What the layout holds at the parent path. */
  readonly parentEntry: LayoutEntry | undefined;
  /** The parent disk as set up (when the parent path holds a VHD). */
  readonly parentDisk: DiskSpec | undefined;
  /** Virtual size of the image to create (the parent's for a differencing disk). */
  readonly sizeBytes: number | undefined;
}

const isDifferencing = (
  call: CreateCall,
): call is Extract<CreateCall, { method: 'CreateDifferencingVirtualHardDisk' }> =>
  call.method === 'CreateDifferencingVirtualHardDisk';

const isInvalidPath = (path: unknown): boolean =>
  typeof path === 'string' && windowsPath.findInvalidCharacter(path) !== undefined;

const isLongText = (path: unknown): boolean =>
  typeof path === 'string' && path.length >= windowsPath.MAX_PATH;

/** Whether a FAT file system's largest file is too small for the image. */
function tooLargeFor(fs: 'FAT16' | 'FAT32', f: CallFacts): boolean {
  const volume = f.image && f.volumes.get(f.image.drive);
  if (volume?.fileSystem !== fs || f.sizeBytes === undefined || f.sizeBytes <= 0) return false;
  return (
    fileBytes(f.call, f.image, f.parent, f.sizeBytes) > FILE_SYSTEM_LIMITS[fs].maxFileSizeBytes
  );
}

/** Whether a folder on the way to the image is a file. */
function imageFolderIsFile(f: CallFacts): boolean {
  const image = f.image;
  if (image === undefined) return false;
  for (let depth = 1; depth < image.segments.length; depth++) {
    const folder = { drive: image.drive, segments: image.segments.slice(0, depth) };
    if (f.layout.entries.get(windowsPath.pathKey(folder))?.kind === 'file') return true;
  }
  return false;
}

/** Whether the image's volume has too little free space for the image. */
function diskFull(f: CallFacts): boolean {
  const image = f.image;
  if (image === undefined || !f.volumes.has(image.drive)) return false;
  const free = f.facts.freeBytes.get(image.drive) ?? 0;
  if (f.call.method === 'CreateFixedVirtualHardDisk') return free < f.call.sizeMB * MIB + 512;
  return free < SPARSE_FREE_BYTES;
}

/** When each condition holds, one function per condition. */
const CONDITIONS: Readonly<Record<ConditionName, (f: CallFacts) => boolean>> = {
  'null-image': ({ call }) => call.imagePath === null || call.imagePath === undefined,
  'null-parent': ({ call }) =>
    isDifferencing(call) && (call.parentPath === null || call.parentPath === undefined),
  'null-task': ({ call }) => call.nullTask,
  'size-zero': ({ call }) => !isDifferencing(call) && call.sizeMB === 0,
  'size-negative': ({ call }) => !isDifferencing(call) && call.sizeMB < 0,
  'shutting-down': ({ state }) => state.shuttingDown,
  'invalid-image': ({ call }) => isInvalidPath(call.imagePath),
  'invalid-parent': ({ call }) => isDifferencing(call) && isInvalidPath(call.parentPath),
  'both-relative': ({ call }) =>
    isDifferencing(call) &&
    typeof call.imagePath === 'string' &&
    typeof call.parentPath === 'string' &&
    !windowsPath.isAbsolute(call.imagePath) &&
    !windowsPath.isAbsolute(call.parentPath),
  'image-relative': ({ call }) =>
    typeof call.imagePath === 'string' && !windowsPath.isAbsolute(call.imagePath),
  'long-given': ({ call }) =>
    isLongText(call.imagePath) || (isDifferencing(call) && isLongText(call.parentPath)),
  'long-resolved': ({ image, parent }) =>
    [image, parent].some(
      (path) => path !== undefined && windowsPath.format(path).length >= windowsPath.MAX_PATH,
    ),
  'parent-volume-missing': ({ parent, volumes }) =>
    parent !== undefined && !volumes.has(parent.drive),
  'parent-missing': ({ parent, volumes, parentEntry }) =>
    parent !== undefined && volumes.has(parent.drive) && parentEntry === undefined,
  'parent-is-folder': ({ parentEntry }) => parentEntry?.kind === 'directory',
  'image-volume-missing': ({ image, volumes }) => image !== undefined && !volumes.has(image.drive),
  'image-folder-is-file': imageFolderIsFile,
  'image-exists-file': ({ image, layout }) =>
    image !== undefined && layout.entries.get(windowsPath.pathKey(image))?.kind === 'file',
  'image-exists-folder': ({ image, layout }) =>
    image !== undefined && layout.entries.get(windowsPath.pathKey(image))?.kind === 'directory',
  'parent-unreadable': ({ parentEntry, parentDisk }) =>
    parentEntry?.kind === 'file' && parentDisk?.unreadable === true,
  'parent-invalid': ({ parentEntry, parentDisk }) =>
    parentEntry?.kind === 'file' &&
    parentDisk?.unreadable !== true &&
    (parentDisk === undefined || parentDisk.corruption !== null),
  'size-too-large': ({ sizeBytes }) => sizeBytes !== undefined && sizeBytes >= MAX_SIZE_BYTES,
  'size-too-small': ({ sizeBytes }) =>
    sizeBytes !== undefined && sizeBytes > 0 && sizeBytes < MIN_SIZE_BYTES,
  'too-large-fat16': (f) => tooLargeFor('FAT16', f),
  'too-large-fat32': (f) => tooLargeFor('FAT32', f),
  'disk-full': diskFull,
};

/** The path features of the call's paths, and of where they resolve in the layout. */
function callFeatures(
  call: CreateCall,
  layout: Layout,
  image: WindowsPath | undefined,
  parent: WindowsPath | undefined,
): Set<PathFeature> {
  const features = new Set<PathFeature>();
  if (typeof call.imagePath === 'string') pathFeatures(call.imagePath, features);
  if (isDifferencing(call) && typeof call.parentPath === 'string') {
    pathFeatures(call.parentPath, features);
  }
  if (image !== undefined && caseDiffers(layout, image)) features.add('case');
  if (parent !== undefined && caseDiffers(layout, parent)) features.add('case');
  return features;
}

/** What the conditions of `call` in `state` are judged on. */
function callFacts(state: HostState, call: CreateCall, facts: HostFacts): CallFacts {
  const layout = layoutOf(state);
  const { image, parent } = resolvePaths(call);
  const parentEntry = parent && layout.entries.get(windowsPath.pathKey(parent));
  const parentDisk =
    parentEntry?.spec?.kind === 'vhd' && parentEntry.kind === 'file'
      ? parentEntry.spec.disk
      : undefined;
  return {
    call,
    state,
    facts,
    layout,
    volumes: new Map(state.volumes.map((volume) => [volume.drive, volume])),
    image,
    parent,
    parentEntry,
    parentDisk,
    sizeBytes: isDifferencing(call) ? parentDisk?.sizeBytes : call.sizeMB * MIB,
  };
}

/** The folders a successful call creates on the way to its image, shallowest first. */
function foldersToCreate(layout: Layout, image: WindowsPath): WindowsPath[] {
  const created: WindowsPath[] = [];
  for (let depth = 1; depth < image.segments.length; depth++) {
    const folder = { drive: image.drive, segments: image.segments.slice(0, depth) };
    if (!layout.entries.has(windowsPath.pathKey(folder))) created.push(folder);
  }
  return created;
}

/** Predicts the HRESULT (and more) of `call` in `state`. */
export function predict(state: HostState, call: CreateCall, facts: HostFacts): Prediction {
  const f = callFacts(state, call, facts);
  const holding: HoldingCondition[] = [];
  METHOD_CHECKS[call.method].forEach((check: MethodCheck, stepIndex) => {
    for (const variant of check.variants) {
      if (CONDITIONS[variant.condition](f)) holding.push({ stepIndex, step: check.step, variant });
    }
  });
  const decided = holding[0];
  return {
    method: call.method,
    hresult: decided === undefined ? HR.S_OK : HR[decided.variant.code],
    decided,
    holding,
    image: f.image,
    parent: f.parent,
    createdFolders:
      decided === undefined && f.image !== undefined ? foldersToCreate(f.layout, f.image) : [],
    features: callFeatures(call, f.layout, f.image, f.parent),
    parentDisk: f.parentDisk,
    sizeBytes: decided === undefined ? f.sizeBytes : undefined,
  };
}

function fileBytes(
  call: CreateCall,
  image: WindowsPath | undefined,
  parent: WindowsPath | undefined,
  sizeBytes: number,
): number {
  if (call.method === 'CreateFixedVirtualHardDisk') return sizeBytes + 512;
  if (call.method === 'CreateDynamicVirtualHardDisk') return expandedBytes(sizeBytes, 0);
  return expandedBytes(sizeBytes, image && parent ? locatorBytes(image, parent) : 0);
}
