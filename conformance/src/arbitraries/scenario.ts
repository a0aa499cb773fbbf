/**
 * Scenarios: a host state and one creation call, aimed at a set of conditions (none, one check
 * variant, or two adjacent checks at once, for the order rules), for the model-based properties;
 * and happy-path scenarios (aimed at nothing) for the task, fault, concurrency and image ones. The
 * aim only steers generation; the model judges the concrete state and call on its own.
 * @module
 */
import type { FileSystemKind, WindowsPath } from '@vskit/host';
import { windowsPath } from '@vskit/host';
import fc from 'fast-check';
import { GIB, MIB, TIB } from '../_internal/units.js';
import {
  type ConditionName,
  type CreateMethod,
  EXCLUSIVE_CONDITIONS,
  METHOD_CHECKS,
} from '../catalogue.js';
import { BLOCK_BYTES, MAX_SIZE_BYTES, MIN_SIZE_BYTES, SPARSE_FREE_BYTES } from '../model.js';
import {
  CORRUPTIONS,
  type CreateCall,
  type DiskSpec,
  type EntrySpec,
  type HostState,
  type VolumeSpec,
} from '../state.js';
import { Chooser, choicesArb } from './chooser.js';
import {
  decorate,
  folders,
  lengthenGiven,
  name,
  type PathForm,
  padTo,
  withInvalidCharacter,
  written,
} from './paths.js';

/** A generated case: the state, the call, and the conditions it was aimed at. */
export interface Scenario {
  readonly aim: readonly ConditionName[];
  readonly state: HostState;
  readonly call: CreateCall;
}

const NOW = '2026-01-01T00:00:00.000Z';

/** The aims of a method: nothing, each single condition, and each adjacent pair of checks. */
export function aimsOf(method: CreateMethod): ConditionName[][] {
  const checks = METHOD_CHECKS[method];
  const aims: ConditionName[][] = [[], []];
  for (const check of checks) for (const variant of check.variants) aims.push([variant.condition]);
  for (let i = 0; i + 1 < checks.length; i++) {
    const a = checks[i]?.variants ?? [];
    const b = checks[i + 1]?.variants ?? [];
    for (const va of a) {
      for (const vb of b) {
        if (!EXCLUSIVE_CONDITIONS.has(`${va.condition}+${vb.condition}`))
          aims.push([va.condition, vb.condition]);
      }
    }
  }
  return aims;
}

function volumeSpec(drive: string, fileSystem: FileSystemKind): VolumeSpec {
  const capacityBytes =
    fileSystem === 'FAT16' ? 4 * GIB : fileSystem === 'FAT32' ? 64 * GIB : 4 * TIB;
  return {
    drive,
    fileSystem,
    capacityBytes,
    freeBytes: capacityBytes - GIB / 2,
    free: { kind: 'plenty' },
  };
}

function withFree(
  volumes: VolumeSpec[],
  drive: string,
  needBytes: number,
  short: boolean,
): VolumeSpec[] {
  return volumes.map((volume) =>
    volume.drive === drive ? { ...volume, free: { kind: 'edge', needBytes, short } } : volume,
  );
}

/**
 * The two volumes every scenario has, C (NTFS) and D, and the drive the image goes on. Aiming at a
 * FAT size limit forces D's file system and puts the image there; otherwise both are drawn.
 */
function imageVolumes(
  c: Chooser,
  has: (condition: ConditionName) => boolean,
): { fat16: boolean; fat32: boolean; volumes: VolumeSpec[]; drive: string } {
  const fat16 = has('too-large-fat16');
  const fat32 = has('too-large-fat32');
  const dFs: FileSystemKind = fat16
    ? 'FAT16'
    : fat32
      ? 'FAT32'
      : c.pick(['NTFS', 'FAT32', 'FAT16']);
  const volumes = [volumeSpec('C', 'NTFS'), volumeSpec('D', dFs)];
  const drive = fat16 || fat32 ? 'D' : c.pick(['C', 'D']);
  return { fat16, fat32, volumes, drive };
}

/** Whether an aim names a condition. */
type Aimed = (condition: ConditionName) => boolean;

/** Where a differencing scenario's volumes, parent and image are. */
interface DifferencingPlaces {
  readonly fat16: boolean;
  readonly fat32: boolean;
  readonly volumes: VolumeSpec[];
  readonly imageDrive: string;
  readonly parentFolder: readonly string[];
  readonly parentName: string;
  readonly parent: WindowsPath;
  readonly imageFolder: readonly string[];
  readonly image: WindowsPath;
  /** The image is the parent itself (an existing file). */
  readonly imageIsParent: boolean;
  /** The image is the drive root (an existing folder). */
  readonly imageIsRoot: boolean;
}

/** The image's folder, placed relative to the parent's: the same, below, beside or elsewhere. */
function imageFolderFor(
  c: Chooser,
  relation: 'same' | 'sub' | 'sibling' | 'other',
  parentFolder: readonly string[],
): string[] {
  if (relation === 'same') return [...parentFolder];
  if (relation === 'sub') return [...parentFolder, `sub${c.int(10)}`, ...folders(c, 1)];
  if (relation === 'sibling') return [...parentFolder.slice(0, -1), name(c, 'sib')];
  return folders(c, 2);
}

/** The volumes, and where the parent and the image of a differencing scenario go. */
function differencingPlaces(c: Chooser, has: Aimed): DifferencingPlaces {
  const { fat16, fat32, volumes, drive } = imageVolumes(c, has);
  let imageDrive = drive;
  let parentDrive = c.oneIn(3) ? (imageDrive === 'C' ? 'D' : 'C') : imageDrive;
  if (has('parent-volume-missing')) parentDrive = 'Q';
  if (has('image-volume-missing')) imageDrive = 'R';

  let parentFolder = folders(c, 3);
  const parentName = `${name(c)}.vhd`;
  let relation = c.pick(['same', 'sub', 'sibling', 'other'] as const);
  if (has('long-resolved') || has('image-folder-is-file')) relation = 'sub';
  if (has('long-resolved')) {
    parentFolder = padTo(
      { drive: parentDrive, segments: [...parentFolder, 'f'] },
      240,
    ).segments.slice(0, -1);
  }
  const parent: WindowsPath = { drive: parentDrive, segments: [...parentFolder, parentName] };
  const imageFolder = imageFolderFor(c, relation, parentFolder);
  let image: WindowsPath = {
    drive: imageDrive,
    segments: [...imageFolder, `${name(c, 'child-')}.vhd`],
  };
  if (!has('long-given') && !has('long-resolved') && c.oneIn(8)) image = padTo(image, 259);
  // the image is the parent itself, or the drive root: both already exist
  const imageIsParent = has('image-exists-file') && !has('image-folder-is-file') && c.oneIn(4);
  if (imageIsParent) image = parent;
  const imageIsRoot = has('image-exists-folder') && !has('long-given') && c.oneIn(6);
  if (imageIsRoot) image = { drive: imageDrive, segments: [] };
  return {
    fat16,
    fat32,
    volumes,
    imageDrive,
    parentFolder,
    parentName,
    parent,
    imageFolder,
    image,
    imageIsParent,
    imageIsRoot,
  };
}

/** The parent disk: its size (edges of the image's file system included), type and corruption. */
function parentDisk(c: Chooser, has: Aimed, places: DifferencingPlaces): DiskSpec {
  const imageFs = places.volumes.find((volume) => volume.drive === places.imageDrive)?.fileSystem;
  let sizeBytes: number;
  const sizeKind = c.int(6);
  if (sizeKind === 1) sizeBytes = MIN_SIZE_BYTES;
  else if (sizeKind === 2 && imageFs === 'FAT16') sizeBytes = 1023 * BLOCK_BYTES;
  else if (sizeKind === 2 && imageFs === 'FAT32') sizeBytes = 2047 * BLOCK_BYTES;
  else if (sizeKind === 3 && imageFs === 'NTFS' && c.oneIn(2)) sizeBytes = MAX_SIZE_BYTES - 512;
  else sizeBytes = MIN_SIZE_BYTES + 512 * c.int(61 * 2048);
  let type: DiskSpec['type'] = sizeBytes > 256 * MIB ? 'dynamic' : c.pick(['dynamic', 'fixed']);
  if (has('size-too-large')) {
    sizeBytes = MAX_SIZE_BYTES + c.pick([0, 512, BLOCK_BYTES]);
    type = 'dynamic';
  }
  if (has('size-too-small')) sizeBytes = c.pick([MIN_SIZE_BYTES - 512, 512 * (1 + c.int(6143))]);
  if (places.fat16 && !has('size-too-large')) {
    sizeBytes = c.pick([1023 * BLOCK_BYTES + 512, 1024 * BLOCK_BYTES, 3 * GIB]);
    type = 'dynamic';
  }
  if (places.fat32 && !has('size-too-large')) {
    sizeBytes = c.pick([2047 * BLOCK_BYTES + 512, 2048 * BLOCK_BYTES, 5 * GIB]);
    type = 'dynamic';
  }
  const corruption = has('parent-invalid') ? c.pick(CORRUPTIONS) : null;
  return { type, sizeBytes, corruption, unreadable: has('parent-unreadable') };
}

/** What exists before the call: blockers, the parent (or a folder in its place), other files. */
function differencingEntries(
  c: Chooser,
  has: Aimed,
  places: DifferencingPlaces,
  disk: DiskSpec,
): EntrySpec[] {
  const { image, parent, imageFolder } = places;
  const entries: EntrySpec[] = [];
  if (has('image-folder-is-file')) {
    const at = {
      drive: image.drive,
      segments: image.segments.slice(0, places.parentFolder.length + 1),
    };
    entries.push({ kind: 'junk', path: windowsPath.format(at), bytes: 100 });
  }
  if (has('image-exists-file') && !places.imageIsParent) {
    entries.push({ kind: 'junk', path: windowsPath.format(image), bytes: 1 + c.int(4000) });
  }
  if (has('image-exists-folder') && !places.imageIsRoot)
    entries.push({ kind: 'folder', path: windowsPath.format(image) });
  if (has('parent-is-folder')) entries.push({ kind: 'folder', path: windowsPath.format(parent) });
  else if (!has('parent-missing')) {
    entries.push({ kind: 'vhd', path: windowsPath.format(parent), disk });
  }
  if (imageFolder.length > 0 && c.oneIn(2)) {
    entries.push({
      kind: 'folder',
      path: windowsPath.format({ drive: image.drive, segments: [...imageFolder] }),
    });
  }
  if (c.oneIn(3)) {
    entries.push({ kind: 'junk', path: `C:\\${name(c, 'other')}.txt`, bytes: 10 });
  }
  return entries;
}

/** How the call writes the two paths: absolute, relative or rooted, decorated, broken as aimed. */
function differencingPaths(
  c: Chooser,
  has: Aimed,
  places: DifferencingPlaces,
): { imagePath: string | null | undefined; parentPath: string | null | undefined } {
  const { image, parent } = places;
  let imageForm: PathForm = c.pick(['absolute', 'absolute', 'relative', 'rooted']);
  let parentForm: PathForm =
    imageForm === 'absolute' ? c.pick(['absolute', 'relative', 'rooted']) : 'absolute';
  if (has('long-resolved')) {
    imageForm = 'relative';
    parentForm = 'absolute';
  }
  if (has('parent-volume-missing') || has('image-volume-missing')) {
    imageForm = 'absolute';
    parentForm = 'absolute';
  }
  let imagePath: string | null | undefined = written(image, imageForm, windowsPath.dirname(parent));
  let parentPath: string | null | undefined = written(
    parent,
    parentForm,
    windowsPath.dirname(image),
  );
  if (!has('long-resolved') && c.oneIn(2)) imagePath = decorate(c, imagePath);
  if (c.oneIn(2)) parentPath = decorate(c, parentPath);
  if (has('both-relative')) {
    imagePath = c.pick(['', `${name(c)}.vhd`, `\\${name(c)}\\c.vhd`, `.\\${name(c)}.vhd`]);
    parentPath = c.pick([
      `\\${parent.segments.join('\\')}`,
      places.parentName,
      '',
      `..\\${places.parentName}`,
    ]);
  }
  if (has('long-given')) {
    if (c.oneIn(2) && typeof parentPath === 'string') {
      parentPath = lengthenGiven(parentPath, 260 + c.int(3));
    } else if (typeof imagePath === 'string') imagePath = lengthenGiven(imagePath, 260 + c.int(3));
  }
  if (has('invalid-image') && typeof imagePath === 'string')
    imagePath = withInvalidCharacter(c, imagePath);
  if (has('invalid-parent') && typeof parentPath === 'string') {
    parentPath = withInvalidCharacter(c, parentPath);
  }
  if (has('null-image')) imagePath = c.pick([null, undefined]);
  if (has('null-parent')) parentPath = c.pick([null, undefined]);
  return { imagePath, parentPath };
}

/**
 * Builds a differencing scenario aimed at `aim` from choices: the places, the parent disk, what
 * exists, the free space, then how the paths are written (in that order: the draws replay).
 */
export function buildDifferencing(c: Chooser, aim: readonly ConditionName[]): Scenario {
  const has: Aimed = (condition) => aim.includes(condition);
  const places = differencingPlaces(c, has);
  const disk = parentDisk(c, has, places);
  const entries = differencingEntries(c, has, places, disk);
  let volumes = places.volumes;
  if (has('disk-full')) volumes = withFree(volumes, places.imageDrive, SPARSE_FREE_BYTES, true);
  else if (c.oneIn(4)) volumes = withFree(volumes, places.imageDrive, SPARSE_FREE_BYTES, false);
  const { imagePath, parentPath } = differencingPaths(c, has, places);
  return {
    aim,
    state: { volumes, entries, shuttingDown: has('shutting-down'), now: NOW },
    call: {
      method: 'CreateDifferencingVirtualHardDisk',
      imagePath,
      parentPath,
      nullTask: has('null-task'),
    },
  };
}

/** Builds a dynamic or fixed scenario aimed at `aim` from choices. */
export function buildSized(
  c: Chooser,
  method: Exclude<CreateMethod, 'CreateDifferencingVirtualHardDisk'>,
  aim: readonly ConditionName[],
): Scenario {
  const has = (condition: ConditionName) => aim.includes(condition);
  const fixed = method === 'CreateFixedVirtualHardDisk';
  const { fat16, fat32, volumes: twoVolumes, drive: imageDrive } = imageVolumes(c, has);
  let volumes = twoVolumes;
  let drive = imageDrive;
  if (has('image-volume-missing')) drive = 'R';
  const fs = volumes.find((volume) => volume.drive === drive)?.fileSystem;
  const folder = has('image-folder-is-file') ? [name(c), ...folders(c, 1)] : folders(c, 3);
  let image: WindowsPath = { drive, segments: [...folder, `${name(c, 'disk-')}.vhd`] };
  if (!has('long-given') && c.oneIn(8)) image = padTo(image, 259);
  const imageIsRoot = has('image-exists-folder') && !has('long-given') && c.oneIn(6);
  if (imageIsRoot) image = { drive, segments: [] };

  let sizeMB = fixed ? 3 + c.int(6) : c.pick([3 + c.int(62), 3, 64]);
  if (!fixed && c.oneIn(6)) {
    if (fs === 'FAT16') sizeMB = 2046;
    else if (fs === 'FAT32') sizeMB = 4094;
    else sizeMB = 2_088_959;
  }
  if (has('size-too-large')) sizeMB = c.pick([2_088_960, 2_088_961, 2 ** 31 - 1]);
  if (has('size-too-small')) sizeMB = c.pick([1, 2]);
  if (fat16 && !has('size-too-large')) sizeMB = fixed ? c.pick([2048, 4000]) : c.pick([2047, 3000]);
  if (fat32 && !has('size-too-large')) sizeMB = fixed ? c.pick([4096, 5000]) : c.pick([4095, 6000]);
  if (has('size-zero')) sizeMB = 0;
  if (has('size-negative')) sizeMB = c.pick([-1, -3, -(2 ** 31)]);

  const entries: EntrySpec[] = [];
  if (has('image-folder-is-file')) {
    entries.push({ kind: 'junk', path: `${drive}:\\${folder[0]}`, bytes: 64 });
  } else if (folder.length > 0 && c.oneIn(2)) {
    entries.push({ kind: 'folder', path: windowsPath.format({ drive, segments: folder }) });
  }
  if (has('image-exists-file'))
    entries.push({ kind: 'junk', path: windowsPath.format(image), bytes: 700 });
  if (has('image-exists-folder') && !imageIsRoot) {
    entries.push({ kind: 'folder', path: windowsPath.format(image) });
  }
  const need = fixed ? Math.max(0, sizeMB) * MIB + 512 : SPARSE_FREE_BYTES;
  if (has('disk-full')) volumes = withFree(volumes, drive, fixed ? need : SPARSE_FREE_BYTES, true);
  else if (c.oneIn(4) && need < 64 * MIB) volumes = withFree(volumes, drive, need, false);

  let imagePath: string | null | undefined = windowsPath.format(image);
  if (c.oneIn(2)) imagePath = decorate(c, imagePath);
  if (has('image-relative')) {
    imagePath = c.pick(['', `${name(c)}.vhd`, `\\${name(c)}\\d.vhd`, `.\\${name(c)}.vhd`]);
  }
  if (has('long-given') && typeof imagePath === 'string') {
    imagePath =
      c.oneIn(2) || has('image-relative')
        ? lengthenGiven(imagePath, 260 + c.int(3))
        : windowsPath.format(padTo(image, 260 + c.int(3)));
  }
  if (has('invalid-image') && typeof imagePath === 'string')
    imagePath = withInvalidCharacter(c, imagePath);
  if (has('null-image')) imagePath = c.pick([null, undefined]);
  return {
    aim,
    state: { volumes, entries, shuttingDown: has('shutting-down'), now: NOW },
    call: { method, imagePath, sizeMB, nullTask: has('null-task') },
  };
}

/** Scenarios for one method. */
export function scenarioArb(method: CreateMethod): fc.Arbitrary<Scenario> {
  const aims = aimsOf(method);
  return fc.tuple(fc.nat({ max: aims.length - 1 }), choicesArb()).map(([aimIndex, draws]) => {
    const c = new Chooser(draws);
    const aim = aims[aimIndex] ?? [];
    return method === 'CreateDifferencingVirtualHardDisk'
      ? buildDifferencing(c, aim)
      : buildSized(c, method, aim);
  });
}

/** A scenario of `method` in which every check passes (as generated; the model confirms). */
export function happyArb(methods: readonly CreateMethod[]): fc.Arbitrary<Scenario> {
  return fc.tuple(fc.constantFrom(...methods), choicesArb()).map(([method, draws]) => {
    const c = new Chooser(draws);
    return method === 'CreateDifferencingVirtualHardDisk'
      ? buildDifferencing(c, [])
      : buildSized(c, method, []);
  });
}
