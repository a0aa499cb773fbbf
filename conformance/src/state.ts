/**
 * The generated host state and calls: plain records a property draws, a subject's host is built
 * from, and the reference model reads. `layoutOf` turns the entry list into the namespace both
 * the setup and the model agree on (an entry that conflicts with an earlier one is dropped).
 * @module
 */
import type { FileSystemKind, WindowsPath } from '@vskit/host';
import { windowsPath } from '@vskit/host';
import type { CreateMethod } from './catalogue.js';

/** How much space is free on a volume once the state is set up. */
export type FreeTarget =
  | { readonly kind: 'plenty' }
  /** Exactly enough for `needBytes` (rounded up to clusters), or one cluster short. */
  | { readonly kind: 'edge'; readonly needBytes: number; readonly short: boolean };

/** One host volume. */
export interface VolumeSpec {
  /** Upper-case drive letter. */
  readonly drive: string;
  readonly fileSystem: FileSystemKind;
  readonly capacityBytes: number;
  /** Free bytes when the host is created (before the state's files are written). */
  readonly freeBytes: number;
  /** Free space after setup (a filler file is written to reach an edge). */
  readonly free: FreeTarget;
}

/** How a VHD on a volume is broken, if it is. */
export type Corruption =
  | 'footer-cookie'
  | 'footer-checksum'
  | 'header-cookie'
  | 'header-checksum'
  | 'truncated'
  | 'empty'
  | 'junk';

/** Every corruption kind. */
export const CORRUPTIONS: readonly Corruption[] = [
  'footer-cookie',
  'footer-checksum',
  'header-cookie',
  'header-checksum',
  'truncated',
  'empty',
  'junk',
];

/** A VHD placed on a volume before the call. */
export interface DiskSpec {
  readonly type: 'dynamic' | 'fixed';
  /** Virtual size in bytes (a multiple of 512). */
  readonly sizeBytes: number;
  /** Structural damage, or `null` for a valid disk. */
  readonly corruption: Corruption | null;
  /** The host refuses to open or read the file. */
  readonly unreadable: boolean;
}

/** A file or folder that exists before the call. Paths are absolute and normalised. */
export type EntrySpec =
  | { readonly kind: 'folder'; readonly path: string }
  | { readonly kind: 'junk'; readonly path: string; readonly bytes: number }
  | { readonly kind: 'vhd'; readonly path: string; readonly disk: DiskSpec };

/** A whole generated host state. */
export interface HostState {
  readonly volumes: readonly VolumeSpec[];
  readonly entries: readonly EntrySpec[];
  /** The host application has begun shutting down. */
  readonly shuttingDown: boolean;
  /** The host clock. */
  readonly now: string;
  /** The host's physical drives (IVMHostInfo.HostDrives), for host-drive images; none if absent. */
  readonly hostDrives?: readonly HostDriveSpec[];
}

/** A physical drive of the host, as `@vskit/host`'s `HostDriveInfo`. */
export interface HostDriveSpec {
  readonly id: string;
  readonly sizeBytes: number;
  readonly mounted: boolean;
}

/** One generated call of a creation method. `null`/`undefined` stand for COM nulls. */
export type CreateCall =
  | {
      readonly method: 'CreateDifferencingVirtualHardDisk';
      readonly imagePath: string | null | undefined;
      readonly parentPath: string | null | undefined;
      readonly nullTask: boolean;
    }
  | {
      readonly method: Exclude<CreateMethod, 'CreateDifferencingVirtualHardDisk'>;
      readonly imagePath: string | null | undefined;
      readonly sizeMB: number;
      readonly nullTask: boolean;
    };

/** One name in the namespace after setup. */
export interface LayoutEntry {
  readonly path: WindowsPath;
  readonly kind: 'file' | 'directory';
  /** The entry that placed it (`undefined` for an implied folder or a drive root). */
  readonly spec: EntrySpec | undefined;
}

/** The namespace after setup, keyed by `windowsPath.pathKey`. */
export interface Layout {
  readonly entries: ReadonlyMap<string, LayoutEntry>;
  /** The entries actually placed, in order (conflicting ones dropped). */
  readonly placed: readonly EntrySpec[];
}

/** Layouts already worked out, per state (a state is a plain record nothing changes once drawn). */
const layouts = new WeakMap<
  HostState,
  { readonly of: readonly EntrySpec[]; readonly n: number; readonly layout: Layout }
>();

/**
 * The namespace a state sets up: each entry with its implied folders, conflicts dropped. Worked
 * out once per state (the setup and the model both ask), again if its entry list was replaced or
 * grew since.
 */
export function layoutOf(state: HostState): Layout {
  const known = layouts.get(state);
  if (known !== undefined && known.of === state.entries && known.n === state.entries.length) {
    return known.layout;
  }
  const layout = computeLayout(state);
  layouts.set(state, { of: state.entries, n: state.entries.length, layout });
  return layout;
}

function computeLayout(state: HostState): Layout {
  const entries = new Map<string, LayoutEntry>();
  const drives = new Set(state.volumes.map((volume) => volume.drive));
  for (const drive of drives) {
    const root = { drive, segments: [] };
    entries.set(windowsPath.pathKey(root), { path: root, kind: 'directory', spec: undefined });
  }
  const placed: EntrySpec[] = [];
  for (const spec of state.entries) {
    const path = windowsPath.parseAbsolute(spec.path);
    if (path === undefined || !drives.has(path.drive) || path.segments.length === 0) continue;
    let blocked = false;
    const implied: WindowsPath[] = [];
    for (let depth = 1; depth < path.segments.length; depth++) {
      const folder = { drive: path.drive, segments: path.segments.slice(0, depth) };
      const existing = entries.get(windowsPath.pathKey(folder));
      if (existing?.kind === 'file') blocked = true;
      if (existing === undefined) implied.push(folder);
    }
    if (blocked || entries.has(windowsPath.pathKey(path))) continue;
    for (const folder of implied) {
      entries.set(windowsPath.pathKey(folder), {
        path: folder,
        kind: 'directory',
        spec: undefined,
      });
    }
    entries.set(windowsPath.pathKey(path), {
      path,
      kind: spec.kind === 'folder' ? 'directory' : 'file',
      spec,
    });
    placed.push(spec);
  }
  return { entries, placed };
}
