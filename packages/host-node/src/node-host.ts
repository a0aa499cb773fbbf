import { createHash } from 'node:crypto';
import { realpathSync, statfsSync } from 'node:fs';
import {
  chmod,
  lstat,
  mkdir,
  open as openHandle,
  readdir,
  realpath,
  rename,
  rmdir,
  stat,
  unlink,
} from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import {
  FILE_SYSTEM_KINDS,
  FILE_SYSTEM_LIMITS,
  type FileSystemKind,
  type Host,
  HostError,
  type HostFile,
  type HostSnapshot,
  type HostStat,
  type OpenMode,
  type OpenOptions,
  occupiedBytes,
  type SnapshotEntry,
  type VolumeInfo,
  type WindowsPath,
  windowsPath,
} from '@vskit/host';
import {
  compareNames,
  contentDigest,
  DIGEST_PIECE_BYTES,
  HostBase,
  type HostBaseOptions,
  normaliseDrive,
  OpenHandles,
  parseHostPath,
  withFile,
} from '@vskit/host/kit';
import { renameNoReplace, syncFolderAt } from './atomic.js';
import { nodeErrorCode, toHostError } from './node-errors.js';
import { isReadOnlyMode, openNodeFile } from './node-file.js';

/** One volume of a node host: a drive letter over a real folder. */
export interface NodeVolumeOptions {
  /** Drive letter (`'C'`, `'c'` or `'C:'`). */
  readonly drive: string;
  /** The real folder that is the drive's root; it must exist. */
  readonly root: string;
  /** The file system the volume claims to be: its largest file is enforced (`EFBIG`). */
  readonly fileSystem: FileSystemKind;
  /** Allocation unit reported; default the real file system's block size. */
  readonly clusterBytes?: number;
}

/** How to set up a host over real folders. */
export interface NodeHostOptions extends HostBaseOptions {
  /** One volume per drive letter. */
  readonly volumes: readonly NodeVolumeOptions[];
}

interface NodeVolume {
  readonly drive: string;
  readonly fileSystem: FileSystemKind;
  /** The real path of the root, symbolic links resolved. */
  readonly root: string;
  readonly clusterBytes: number | undefined;
  readonly maxFileSizeBytes: number;
}

/** Where a Windows path leads on disk. */
interface Resolved {
  readonly path: WindowsPath;
  readonly text: string;
  readonly volume: NodeVolume;
  /** The deepest entry of the path that exists (names matched case-insensitively). */
  readonly existing: string;
  /** Whether {@link existing} is a folder. */
  readonly existingIsDirectory: boolean;
  /** The names below {@link existing} that do not exist, as given. */
  readonly missing: readonly string[];
}

/**
 * Creates a host over real folders: each drive letter maps to a folder (its root). Paths follow
 * the Windows rules (case-insensitive lookup even on a case-sensitive file system, case kept on
 * creation); no path, `..` or symbolic link leads outside a root (`EACCES`); free space and
 * capacity come from the real file system; the declared file system's largest file is enforced
 * (`EFBIG`).
 *
 * @example
 * ```ts
 * const host = createNodeHost({ volumes: [{ drive: 'C', root: '/srv/vms', fileSystem: 'NTFS' }] });
 * await host.writeFile('C:\\Base\\notes.txt', new TextEncoder().encode('hi'));
 * ```
 */
export function createNodeHost(options: NodeHostOptions): Host {
  return new NodeHost(options);
}

class NodeHost extends HostBase implements Host {
  readonly #volumes = new Map<string, NodeVolume>();
  /** Open handles per real path. */
  readonly #open = new OpenHandles(sep);

  constructor(options: NodeHostOptions) {
    super(options);
    const fail = (detail: string) => new HostError('EINVAL', 'createHost', undefined, detail);
    const volumes: readonly NodeVolumeOptions[] = options.volumes;
    for (const volume of volumes) {
      const drive = normaliseDrive(volume.drive);
      if (drive === undefined) throw fail(`bad drive letter ${JSON.stringify(volume.drive)}`);
      if (this.#volumes.has(drive)) throw fail(`drive ${drive}: twice`);
      if (!FILE_SYSTEM_KINDS.includes(volume.fileSystem)) {
        throw fail(`unknown file system ${JSON.stringify(volume.fileSystem)}`);
      }
      let root: string;
      try {
        root = realpathSync(volume.root);
      } catch (error) {
        throw toHostError(error, 'createHost', volume.root);
      }
      this.#volumes.set(drive, {
        drive,
        fileSystem: volume.fileSystem,
        root,
        clusterBytes: volume.clusterBytes,
        maxFileSizeBytes: FILE_SYSTEM_LIMITS[volume.fileSystem].maxFileSizeBytes,
      });
    }
  }

  volumes(): VolumeInfo[] {
    return [...this.#volumes.keys()].sort().map((drive) => this.volumeInfo(drive) as VolumeInfo);
  }

  volumeInfo(drive: string): VolumeInfo | undefined {
    const letter = normaliseDrive(drive);
    const volume = letter === undefined ? undefined : this.#volumes.get(letter);
    if (volume === undefined) return undefined;
    const fs = statfsSync(volume.root);
    return {
      drive: volume.drive,
      fileSystem: volume.fileSystem,
      capacityBytes: fs.blocks * fs.bsize,
      freeBytes: fs.bavail * fs.bsize,
      maxFileSizeBytes: volume.maxFileSizeBytes,
      clusterBytes: volume.clusterBytes ?? fs.bsize,
    };
  }

  async open(path: string, mode: OpenMode, options: OpenOptions = {}): Promise<HostFile> {
    if (mode !== 'read' && mode !== 'readWrite' && mode !== 'createNew') {
      throw new HostError('EINVAL', 'open', String(path), `unknown mode ${String(mode)}`);
    }
    return this.#openAt(await this.#resolve(path, 'open'), path, mode, options);
  }

  /** Opens what `open(path, mode)` resolved to `at`. */
  async #openAt(
    at: Resolved,
    path: string,
    mode: OpenMode,
    options: OpenOptions = {},
  ): Promise<HostFile> {
    let real: string;
    if (mode === 'createNew') {
      if (at.missing.length === 0) throw new HostError('EEXIST', 'open', path);
      real = this.#creatable(at, 'open');
    } else {
      if (at.missing.length > 0) throw missing(at, 'open');
      if (at.existingIsDirectory) throw new HostError('EISDIR', 'open', path);
      real = at.existing;
    }
    // A device node is no file of a Windows folder: refused, as FIFOs and sockets are.
    const share = options?.share;
    const inner = await openNodeFile(real, mode, {
      blockDevice: 'refuse',
      ...(share === undefined ? {} : { share }),
    }).catch((error: unknown) => {
      throw rehome(error, 'open', path);
    });
    return new LimitedFile(inner, at.volume.maxFileSizeBytes, path, this.#open.add(real));
  }

  async stat(path: string): Promise<HostStat | undefined> {
    const parsed = parseHostPath(path, 'stat');
    if (!this.#volumes.has(parsed.drive)) return undefined;
    const at = await this.#resolve(path, 'stat');
    if (at.missing.length > 0) return undefined;
    try {
      const facts = await stat(at.existing);
      return facts.isDirectory()
        ? { kind: 'directory', size: 0, mtime: facts.mtime, readOnly: false }
        : {
            kind: 'file',
            size: facts.size,
            mtime: facts.mtime,
            readOnly: isReadOnlyMode(facts.mode),
          };
    } catch (error) {
      throw toHostError(error, 'stat', path);
    }
  }

  async exists(path: string): Promise<boolean> {
    return (await this.stat(path)) !== undefined;
  }

  async mkdir(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    const at = await this.#resolve(path, 'mkdir');
    if (options.recursive !== true) {
      if (at.missing.length === 0) throw new HostError('EEXIST', 'mkdir', path);
      await mkdir(this.#creatable(at, 'mkdir')).catch((error: unknown) => {
        throw toHostError(error, 'mkdir', path);
      });
      return;
    }
    if (!at.existingIsDirectory) {
      throw new HostError(at.missing.length === 0 ? 'EEXIST' : 'ENOTDIR', 'mkdir', path);
    }
    let current = at.existing;
    for (const name of at.missing) {
      current = join(current, name);
      const folder = current;
      await mkdir(folder).catch(async (error: unknown) => {
        // Another call may have created it meanwhile: a folder there is what was asked for.
        if (nodeErrorCode(error) === 'EEXIST' && (await stat(folder)).isDirectory()) return;
        throw toHostError(error, 'mkdir', path);
      });
    }
  }

  async readdir(path: string): Promise<string[]> {
    const at = await this.#resolve(path, 'readdir');
    if (at.missing.length > 0) throw missing(at, 'readdir');
    if (!at.existingIsDirectory) throw new HostError('ENOTDIR', 'readdir', path);
    try {
      return (await readdir(at.existing)).sort(compareNames);
    } catch (error) {
      throw toHostError(error, 'readdir', path);
    }
  }

  async writeFile(path: string, data: Uint8Array): Promise<void> {
    if (!(data instanceof Uint8Array)) {
      throw new HostError('EINVAL', 'writeFile', String(path), 'data must be a Uint8Array');
    }
    const at = await this.#resolve(path, 'writeFile');
    const exists = at.missing.length === 0;
    if (exists && at.existingIsDirectory) throw new HostError('EISDIR', 'writeFile', path);
    if (data.length > at.volume.maxFileSizeBytes) {
      throw new HostError('EFBIG', 'writeFile', path);
    }
    // Refuse bytes that cannot fit before anything changes.
    const info = this.volumeInfo(at.volume.drive) as VolumeInfo;
    const old = exists ? (await stat(at.existing)).size : 0;
    const extra =
      occupiedBytes(data.length, info.clusterBytes) - occupiedBytes(old, info.clusterBytes);
    if (extra > info.freeBytes) {
      throw new HostError('ENOSPC', 'writeFile', path);
    }
    const file = await this.#openAt(at, path, exists ? 'readWrite' : 'createNew');
    try {
      await withFile(file, async () => {
        if (exists) await file.truncate(0);
        await file.write(data, 0);
        await file.sync();
      });
    } catch (error) {
      // A new file that could not be written whole is removed again: nothing changed.
      if (!exists) await this.unlink(path).catch(() => undefined);
      throw error;
    }
  }

  async unlink(path: string): Promise<void> {
    const at = await this.#resolve(path, 'unlink');
    if (at.missing.length > 0) throw missing(at, 'unlink');
    if (at.existingIsDirectory) throw new HostError('EISDIR', 'unlink', path);
    if (this.#open.has(at.existing))
      throw new HostError('EBUSY', 'unlink', path, 'the file is open');
    const facts = await stat(at.existing).catch((error: unknown) => {
      throw toHostError(error, 'unlink', path);
    });
    if (isReadOnlyMode(facts.mode)) {
      throw new HostError('EPERM', 'unlink', path, 'the file is read-only');
    }
    await unlink(at.existing).catch((error: unknown) => {
      throw toHostError(error, 'unlink', path);
    });
  }

  async rmdir(path: string): Promise<void> {
    const at = await this.#resolve(path, 'rmdir');
    if (at.missing.length > 0) throw missing(at, 'rmdir');
    if (!at.existingIsDirectory) throw new HostError('ENOTDIR', 'rmdir', path);
    if (at.path.segments.length === 0) {
      throw new HostError('EBUSY', 'rmdir', path, 'the root of a volume');
    }
    await rmdir(at.existing).catch((error: unknown) => {
      const code = nodeErrorCode(error);
      throw code === 'EEXIST'
        ? new HostError('ENOTEMPTY', 'rmdir', path)
        : toHostError(error, 'rmdir', path);
    });
  }

  async rename(from: string, to: string): Promise<void> {
    const source = await this.#resolve(from, 'rename');
    const target = await this.#resolve(to, 'rename');
    if (source.volume !== target.volume) {
      throw new HostError('EXDEV', 'rename', from, 'source and target lie on different drives');
    }
    if (source.missing.length > 0) throw missing(source, 'rename');
    if (source.path.segments.length === 0) {
      throw new HostError('EBUSY', 'rename', from, 'the root of a volume');
    }
    if (this.#open.holdsAnyUnder(source.existing)) {
      throw new HostError('EBUSY', 'rename', from, 'a file is open');
    }
    let destination: string;
    if (target.missing.length === 0) {
      if (target.existing !== source.existing) throw new HostError('EEXIST', 'rename', to);
      // The same entry under another case: change the case of its name.
      destination = join(dirname(source.existing), windowsPath.basename(target.path));
    } else {
      if (windowsPath.isWithin(target.path, source.path)) {
        throw new HostError('EINVAL', 'rename', to, 'a folder cannot move into itself');
      }
      destination = this.#creatable(target, 'rename');
    }
    if (destination === source.existing) return;
    if (target.missing.length === 0) {
      // Only the case of the name changes: the entry stays itself.
      await rename(source.existing, destination).catch((error: unknown) => {
        throw toHostError(error, 'rename', from);
      });
      return;
    }
    await renameNoReplace(source.existing, destination).catch((error: unknown) => {
      throw rehome(error, 'rename', isHostErrorCode(error, 'EEXIST') ? to : from);
    });
  }

  async syncFolder(path: string): Promise<void> {
    const at = await this.#resolve(path, 'syncFolder');
    if (at.missing.length > 0) throw missing(at, 'syncFolder');
    if (!at.existingIsDirectory) throw new HostError('ENOTDIR', 'syncFolder', path);
    await syncFolderAt(at.existing).catch((error: unknown) => {
      throw rehome(error, 'syncFolder', path);
    });
  }

  async setReadOnly(path: string, readOnly: boolean): Promise<void> {
    if (typeof readOnly !== 'boolean') {
      throw new HostError('EINVAL', 'setReadOnly', String(path), 'readOnly must be a boolean');
    }
    const at = await this.#resolve(path, 'setReadOnly');
    if (at.missing.length > 0) throw missing(at, 'setReadOnly');
    if (at.existingIsDirectory) throw new HostError('EISDIR', 'setReadOnly', path);
    try {
      const mode = (await stat(at.existing)).mode & 0o7777;
      await chmod(at.existing, readOnly ? mode & ~0o222 : mode | 0o200);
    } catch (error) {
      throw rehome(error, 'setReadOnly', path);
    }
  }

  async snapshot(): Promise<HostSnapshot> {
    const volumes = [];
    for (const info of this.volumes()) {
      const volume = this.#volumes.get(info.drive) as NodeVolume;
      const entries: SnapshotEntry[] = [];
      await walk(volume.root, [], async (segments, real, isDirectory) => {
        const path = windowsPath.format({ drive: volume.drive, segments });
        entries.push(
          isDirectory
            ? { path, kind: 'directory', size: 0, digest: '' }
            : {
                path,
                kind: 'file',
                ...(await fileDigest(real)),
                ...(isReadOnlyMode((await stat(real)).mode) ? { readOnly: true as const } : {}),
              },
        );
      });
      volumes.push({
        drive: info.drive,
        fileSystem: info.fileSystem,
        capacityBytes: info.capacityBytes,
        freeBytes: info.freeBytes,
        entries: entries.sort((a, b) => compareNames(a.path, b.path)),
      });
    }
    return { volumes };
  }

  // --- internals -------------------------------------------------------------------------------

  /**
   * Walks a Windows path down the volume's folder, matching each name case-insensitively (the
   * exact name first), and checks that the deepest existing entry, links resolved, lies inside
   * the root (`EACCES` otherwise).
   */
  async #resolve(path: string, syscall: string): Promise<Resolved> {
    const parsed = parseHostPath(path, syscall);
    const volume = this.#volumes.get(parsed.drive);
    if (volume === undefined) {
      throw new HostError('ENOENT', syscall, path, `no volume ${parsed.drive}:`);
    }
    const text = windowsPath.format(parsed);
    let existing = volume.root;
    let isDirectory = true;
    let depth = 0;
    try {
      for (; depth < parsed.segments.length; depth++) {
        if (!isDirectory) break;
        const name = await findName(existing, parsed.segments[depth] as string);
        if (name === undefined) break;
        const next = join(existing, name);
        const real = await realpath(next).catch((error: unknown) => {
          if (nodeErrorCode(error) === 'ENOENT') {
            throw new HostError('EACCES', syscall, path, 'a symbolic link leads nowhere');
          }
          throw error;
        });
        if (!isWithin(volume.root, real)) {
          throw new HostError('EACCES', syscall, path, `it leads outside ${volume.drive}:\\`);
        }
        existing = next;
        isDirectory = (await stat(real)).isDirectory();
      }
    } catch (error) {
      throw toHostError(error, syscall, path);
    }
    return {
      path: parsed,
      text,
      volume,
      existing,
      existingIsDirectory: isDirectory,
      missing: parsed.segments.slice(depth),
    };
  }

  /** The real path at which to create the last name of `at` (whose parent must be a folder). */
  #creatable(at: Resolved, syscall: string): string {
    if (at.missing.length !== 1) throw missing(at, syscall);
    if (!at.existingIsDirectory) throw new HostError('ENOTDIR', syscall, at.text);
    return join(at.existing, at.missing[0] as string);
  }
}

/** Whether the real path `real` is `root` or lies below it (every path lies below `/`). */
export function isWithin(root: string, real: string): boolean {
  if (real === root) return true;
  return real.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** A failure reported with the Windows path (not the real one). */
function rehome(error: unknown, syscall: string, path: string): HostError {
  const host = toHostError(error, syscall, path);
  return new HostError(host.code, host.syscall, path);
}

/** Whether `error` is a HostError with `code`. */
function isHostErrorCode(error: unknown, code: string): boolean {
  return error instanceof HostError && error.code === code;
}

/** The error for a path that does not lead anywhere: `ENOTDIR` under a file, else `ENOENT`. */
function missing(at: Resolved, syscall: string): HostError {
  return new HostError(at.existingIsDirectory ? 'ENOENT' : 'ENOTDIR', syscall, at.text);
}

/** The entry of `folder` named `name`: exactly, else the first whose name matches ignoring case. */
async function findName(folder: string, name: string): Promise<string | undefined> {
  try {
    await lstat(join(folder, name));
    return name;
  } catch (error) {
    if (nodeErrorCode(error) !== 'ENOENT') throw error;
  }
  const wanted = windowsPath.foldCase(name);
  const names = (await readdir(folder)).sort();
  return names.find((candidate) => windowsPath.foldCase(candidate) === wanted);
}

/** Visits every file and folder below `real` (symbolic links are skipped), parents first. */
async function walk(
  real: string,
  segments: readonly string[],
  visit: (segments: string[], real: string, isDirectory: boolean) => Promise<void>,
): Promise<void> {
  const entries = await readdir(real, { withFileTypes: true });
  for (const entry of entries.sort((a, b) => compareNames(a.name, b.name))) {
    const path = join(real, entry.name);
    const below = [...segments, entry.name];
    if (entry.isDirectory()) {
      await visit(below, path, true);
      await walk(path, below, visit);
    } else if (entry.isFile()) {
      await visit(below, path, false);
    }
  }
}

/** Size and digest of a real file, read piece by piece (as the emulated host digests). */
async function fileDigest(real: string): Promise<{ size: number; digest: string }> {
  const handle = await openHandle(real, 'r');
  try {
    const size = (await handle.stat()).size;
    const pieces: Array<readonly [number, Uint8Array]> = [];
    for (let index = 0; index * DIGEST_PIECE_BYTES < size; index++) {
      const length = Math.min(DIGEST_PIECE_BYTES, size - index * DIGEST_PIECE_BYTES);
      const bytes = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(
          bytes,
          done,
          length - done,
          index * DIGEST_PIECE_BYTES + done,
        );
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      pieces.push([index, bytes]);
    }
    return { size, digest: contentDigest(size, pieces, () => createHash('sha256')) };
  } finally {
    await handle.close();
  }
}

/** A real file with the declared file system's largest file enforced. */
class LimitedFile implements HostFile {
  readonly #inner: HostFile;
  readonly #max: number;
  readonly #path: string;
  #release: (() => void) | undefined;

  constructor(inner: HostFile, max: number, path: string, release: () => void) {
    this.#inner = inner;
    this.#max = max;
    this.#path = path;
    this.#release = release;
  }

  read(buffer: Uint8Array, position: number): Promise<number> {
    return this.#inner.read(buffer, position).catch(this.#rehome);
  }

  async write(buffer: Uint8Array, position: number): Promise<void> {
    if (buffer.length > 0 && position + buffer.length > this.#max && this.#release !== undefined) {
      throw new HostError('EFBIG', 'write', this.#path, `the file would exceed ${this.#max} bytes`);
    }
    return this.#inner.write(buffer, position).catch(this.#rehome);
  }

  size(): Promise<number> {
    return this.#inner.size().catch(this.#rehome);
  }

  async truncate(length: number): Promise<void> {
    if (length > this.#max && this.#release !== undefined) {
      throw new HostError(
        'EFBIG',
        'truncate',
        this.#path,
        `the file would exceed ${this.#max} bytes`,
      );
    }
    return this.#inner.truncate(length).catch(this.#rehome);
  }

  sync(): Promise<void> {
    return this.#inner.sync().catch(this.#rehome);
  }

  async close(): Promise<void> {
    const release = this.#release;
    this.#release = undefined;
    release?.();
    return this.#inner.close().catch(this.#rehome);
  }

  /** Reports a failure with the Windows path the file was opened by. */
  readonly #rehome = (error: unknown): never => {
    const host = toHostError(error, 'file', this.#path);
    throw new HostError(host.code, host.syscall, this.#path);
  };
}
