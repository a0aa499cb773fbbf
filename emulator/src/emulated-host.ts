import {
  type Host,
  HostError,
  type HostFile,
  type HostSnapshot,
  type HostStat,
  isHostError,
  type OpenMode,
  type OpenOptions,
  type SnapshotEntry,
  type VolumeInfo,
  type WindowsPath,
  windowsPath,
} from '@vskit/host';
import {
  compareNames,
  defaultShare,
  HostBase,
  type HostBaseOptions,
  normaliseDrive,
  OpenHandles,
  parseHostPath,
  withFile,
} from '@vskit/host/kit';
import { Volume } from 'memfs';
import { EmulatedFile, type FileNode, settle, type TornWrite } from './emulated-file.js';
import { FaultController, type FaultInjector, type FaultOperation } from './faults.js';
import { SparseContent } from './sparse-content.js';
import { type EmulatedVolumeOptions, VolumeAccount } from './volume.js';

/** How to set up an emulated host. */
export interface EmulatedHostOptions extends HostBaseOptions {
  /** One volume per drive letter. File modification times come from the host clock (`now`). */
  readonly volumes: readonly EmulatedVolumeOptions[];
}

/** An emulated host: the {@link Host} interface plus fault injection and crash recovery. */
export interface EmulatedHost extends Host {
  /** Fault injection and operation counting. */
  readonly faults: FaultInjector;
  /**
   * A new host holding what is durable: the namespace and file sizes as they are, file bytes as of
   * each file's last `sync()` (plus the kept sectors of a torn write). After a power cut it is the
   * state at the cut; with the power on, the state a crash right now would leave.
   */
  reopenAfterPowerCut(): EmulatedHost;
  /** The snapshot of {@link reopenAfterPowerCut}'s host. */
  durableSnapshot(): Promise<HostSnapshot>;
  /** Bytes of memory file contents hold (sparse chunks), for tests and benches. */
  storedBytes(): number;
}

/**
 * Creates an emulated host: Windows volumes (NTFS, FAT32, FAT16) with their capacity, free space,
 * cluster size and largest file, held in memory (memfs for the namespace, sparse chunks for file
 * bytes).
 *
 * @example
 * ```ts
 * const host = createEmulatedHost({
 *   volumes: [{ drive: 'C', fileSystem: 'FAT32', capacityBytes: 8 * 2 ** 30 }],
 *   now: () => new Date('2026-01-01T00:00:00Z'),
 * });
 * await host.mkdir('C:\\vms', { recursive: true });
 * await host.writeFile('C:\\VMS\\a.txt', new TextEncoder().encode('hi'));
 * host.volumeInfo('C')?.freeBytes; // 8 GiB - 4 KiB
 * ```
 */
export function createEmulatedHost(options: EmulatedHostOptions): EmulatedHost {
  return new EmulatedHostImpl(options, []);
}

/** One entry of the state a host is rebuilt from. */
interface ImageEntry {
  readonly drive: string;
  readonly segments: readonly string[];
  readonly kind: 'file' | 'directory';
  readonly mtime: Date;
  readonly content?: SparseContent;
  readonly readOnly?: boolean;
}

/** A rename that is not durable yet: its folder has not been synced since. */
interface PendingRename {
  /** The entry that moved. */
  readonly node: Node;
  /** Where it was, names as stored. */
  readonly from: { readonly drive: string; readonly segments: readonly string[] };
  /** The folder it moved into: syncing it makes the rename durable. */
  readonly into: Node;
}

interface DirectoryNode {
  mtime: Date;
}

type Node = { kind: 'file'; file: FileNode } | { kind: 'directory'; directory: DirectoryNode };

/** Where a path leads. */
interface Located {
  readonly path: WindowsPath;
  readonly text: string;
  readonly key: string;
  readonly volume: VolumeAccount;
  /** The memfs path, when something is there. */
  readonly posix: string | undefined;
}

/**
 * The process memfs asks for the caller's user and group on every lookup: asked once here, as
 * the host's namespace has one owner (each call to the real one is a system call).
 */
const MEMFS_PROCESS = {
  cwd: () => '/',
  platform: process.platform,
  emitWarning: () => undefined,
  env: {},
  getuid: constant(process.getuid?.() ?? 0),
  getgid: constant(process.getgid?.() ?? 0),
} as const;

function constant(value: number): () => number {
  return () => value;
}

class EmulatedHostImpl extends HostBase implements EmulatedHost {
  readonly #options: EmulatedHostOptions;
  readonly #volumes = new Map<string, VolumeAccount>();
  readonly #fs = Volume.fromJSON({}, '/', { process: MEMFS_PROCESS });
  /** Case-insensitive index: `pathKey` of a Windows path -> its memfs path (case preserved). */
  readonly #index = new Map<string, string>();
  /**
   * The inode of each memfs path looked up, and the names in each folder listed, since the
   * namespace last changed: memfs walks the path for each, and snapshots ask again and again.
   */
  readonly #lookups = new Map<string, number>();
  readonly #listings = new Map<string, readonly string[]>();
  /** Per memfs inode: what memfs does not hold (file bytes, times). */
  readonly #nodes = new Map<number, Node>();
  /** Open handles per file key. */
  readonly #open = new OpenHandles('\\');
  readonly #faults = new FaultController();
  /** Renames since their folder was last synced, oldest first. */
  #pending: PendingRename[] = [];
  #durableAtCut: ImageEntry[] | undefined;

  constructor(options: EmulatedHostOptions, image: readonly ImageEntry[]) {
    super(options);
    this.#options = options;
    for (const volumeOptions of options.volumes) {
      const volume = new VolumeAccount(volumeOptions);
      if (this.#volumes.has(volume.drive)) {
        throw new HostError('EINVAL', 'createHost', undefined, `drive ${volume.drive}: twice`);
      }
      this.#volumes.set(volume.drive, volume);
      const posix = `/${volume.drive}`;
      this.#mutate(() => this.#fs.mkdirSync(posix));
      this.#index.set(`${volume.drive}:\\`, posix);
      this.#nodes.set(this.#ino(posix), {
        kind: 'directory',
        directory: { mtime: this.now() },
      });
    }
    for (const entry of image) this.#restore(entry);
    // Times last: restoring an entry touches its parent folder.
    for (const entry of image) {
      const posix = this.#index.get(windowsPath.pathKey(entry));
      const node = posix === undefined ? undefined : this.#node(posix);
      if (node?.kind === 'directory') node.directory.mtime = entry.mtime;
      else if (node?.kind === 'file') {
        node.file.mtime = entry.mtime;
        node.file.readOnly = entry.readOnly === true;
      }
    }
  }

  get faults(): FaultInjector {
    return this.#faults;
  }

  // --- volumes ---------------------------------------------------------------------------------

  volumes(): VolumeInfo[] {
    return [...this.#volumes.values()]
      .sort((a, b) => (a.drive < b.drive ? -1 : 1))
      .map((volume) => volume.info());
  }

  volumeInfo(drive: string): VolumeInfo | undefined {
    const letter = normaliseDrive(drive);
    return letter === undefined ? undefined : this.#volumes.get(letter)?.info();
  }

  storedBytes(): number {
    let total = 0;
    for (const node of this.#nodes.values()) {
      if (node.kind === 'file') total += node.file.content.storedBytes;
    }
    return total;
  }

  // --- files -----------------------------------------------------------------------------------

  open(path: string, mode: OpenMode, options: OpenOptions = {}): Promise<HostFile> {
    return settle(() =>
      this.#call('open', path, () => {
        if (mode !== 'read' && mode !== 'readWrite' && mode !== 'createNew') {
          throw new HostError('EINVAL', 'open', path, `unknown mode ${String(mode)}`);
        }
        const share = options?.share ?? defaultShare(mode);
        if (share !== 'read' && share !== 'readWrite' && share !== 'none') {
          throw new HostError('EINVAL', 'open', path, `unknown share ${String(share)}`);
        }
        const at = this.#locate(path, 'open');
        let node: FileNode;
        if (mode === 'createNew') {
          if (at.posix !== undefined) throw new HostError('EEXIST', 'open', path);
          node = this.#createFile(at, 'open');
        } else {
          if (at.posix === undefined) throw this.#missing(at, 'open');
          const found = this.#node(at.posix);
          if (found.kind !== 'file') throw new HostError('EISDIR', 'open', path);
          if (mode === 'readWrite' && found.file.readOnly) {
            throw new HostError('EPERM', 'open', path, 'the file is read-only');
          }
          node = found.file;
        }
        // A new file has no other handle: its share check cannot fail.
        const release = this.#open.add(at.key, { writable: mode !== 'read', share }, at.text);
        const context = {
          call: <T>(
            op: FaultOperation,
            filePath: string,
            body: () => T,
            torn?: () => TornWrite | undefined,
          ) =>
            this.#call(op, filePath, body, torn === undefined ? undefined : { node, torn }, true),
          now: () => this.now(),
          release,
        };
        return new EmulatedFile(context, node, at.volume, at.text, mode !== 'read');
      }),
    );
  }

  stat(path: string): Promise<HostStat | undefined> {
    return settle(() => this.#call('stat', path, () => this.#stat(path)));
  }

  exists(path: string): Promise<boolean> {
    return settle(() => this.#call('stat', path, () => this.#stat(path) !== undefined));
  }

  mkdir(path: string, options: { recursive?: boolean } = {}): Promise<void> {
    return settle(() =>
      this.#call('mkdir', path, () => {
        const at = this.#locate(path, 'mkdir');
        if (options.recursive !== true) {
          if (at.posix !== undefined) throw new HostError('EEXIST', 'mkdir', path);
          this.#createDirectory(at, 'mkdir');
          return;
        }
        const { drive, segments } = at.path;
        for (let depth = 1; depth <= segments.length; depth++) {
          const step = this.#locateParsed({ drive, segments: segments.slice(0, depth) }, at.volume);
          if (step.posix === undefined) this.#createDirectory(step, 'mkdir');
          else if (this.#node(step.posix).kind === 'file') {
            throw new HostError(depth === segments.length ? 'EEXIST' : 'ENOTDIR', 'mkdir', path);
          }
        }
      }),
    );
  }

  readdir(path: string): Promise<string[]> {
    return settle(() =>
      this.#call('readdir', path, () => {
        const at = this.#locate(path, 'readdir');
        if (at.posix === undefined) throw this.#missing(at, 'readdir');
        if (this.#node(at.posix).kind !== 'directory') {
          throw new HostError('ENOTDIR', 'readdir', path);
        }
        return this.#children(at.posix).sort(compareNames);
      }),
    );
  }

  /**
   * Creates or replaces a file: `open` (`createNew`, or `readWrite` and `truncate(0)`), `write`,
   * `sync`, `close`. Bytes that cannot fit (`EFBIG`, `ENOSPC`) are refused before anything
   * changes, for a new file as for a replacement; when a later call fails, a new file is closed
   * and removed again (`close`, `unlink`), so a failed `writeFile` of a new file leaves nothing.
   */
  async writeFile(path: string, data: Uint8Array): Promise<void> {
    if (!(data instanceof Uint8Array)) {
      throw new HostError('EINVAL', 'writeFile', String(path), 'data must be a Uint8Array');
    }
    const existing = this.#peek(path);
    if (existing !== undefined && existing.kind === 'directory') {
      throw new HostError('EISDIR', 'writeFile', path);
    }
    const target = existing ?? this.#peekVolume(path);
    target?.volume.checkResize(existing?.size ?? 0, data.length, 'writeFile', path);
    const file = await this.open(path, existing === undefined ? 'createNew' : 'readWrite');
    try {
      await withFile(file, async () => {
        if (existing !== undefined) await file.truncate(0);
        await file.write(data, 0);
        await file.sync();
      });
    } catch (error) {
      if (existing === undefined) await this.unlink(path).catch(() => undefined);
      throw error;
    }
  }

  unlink(path: string): Promise<void> {
    return settle(() =>
      this.#call('unlink', path, () => {
        const at = this.#locate(path, 'unlink');
        if (at.posix === undefined) throw this.#missing(at, 'unlink');
        const node = this.#node(at.posix);
        if (node.kind !== 'file') throw new HostError('EISDIR', 'unlink', path);
        if (this.#open.has(at.key))
          throw new HostError('EBUSY', 'unlink', path, 'the file is open');
        if (node.file.readOnly)
          throw new HostError('EPERM', 'unlink', path, 'the file is read-only');
        at.volume.resize(node.file.content.size, 0);
        this.#remove(at, at.posix, (posix) => this.#fs.unlinkSync(posix));
      }),
    );
  }

  rmdir(path: string): Promise<void> {
    return settle(() =>
      this.#call('rmdir', path, () => {
        const at = this.#locate(path, 'rmdir');
        if (at.posix === undefined) throw this.#missing(at, 'rmdir');
        if (this.#node(at.posix).kind !== 'directory') {
          throw new HostError('ENOTDIR', 'rmdir', path);
        }
        if (at.path.segments.length === 0) {
          throw new HostError('EBUSY', 'rmdir', path, 'the root of a volume');
        }
        if (this.#children(at.posix).length > 0) throw new HostError('ENOTEMPTY', 'rmdir', path);
        this.#remove(at, at.posix, (posix) => this.#fs.rmdirSync(posix));
      }),
    );
  }

  rename(from: string, to: string): Promise<void> {
    return settle(() =>
      this.#call('rename', `${from} -> ${to}`, () => {
        const source = this.#locate(from, 'rename');
        const target = this.#locate(to, 'rename');
        if (source.volume !== target.volume) {
          throw new HostError('EXDEV', 'rename', from, 'source and target lie on different drives');
        }
        if (source.posix === undefined) throw this.#missing(source, 'rename');
        if (source.path.segments.length === 0) {
          throw new HostError('EBUSY', 'rename', from, 'the root of a volume');
        }
        if (this.#open.holdsAnyUnder(source.key)) {
          throw new HostError('EBUSY', 'rename', from, 'a file is open');
        }
        const sameEntry = source.key === target.key;
        if (!sameEntry) {
          if (target.posix !== undefined) throw new HostError('EEXIST', 'rename', to);
          if (windowsPath.isWithin(target.path, source.path)) {
            throw new HostError('EINVAL', 'rename', to, 'a folder cannot move into itself');
          }
        }
        const parent = this.#parentPosix(target, 'rename');
        const posix = `${parent}/${windowsPath.basename(target.path)}`;
        if (posix === source.posix) return;
        const sourcePosix = source.posix;
        const node = this.#node(sourcePosix);
        const oldPlace = { drive: source.volume.drive, segments: sourcePosix.split('/').slice(2) };
        this.#mutate(() => this.#fs.renameSync(sourcePosix, posix));
        this.#reindex(source.key, sourcePosix, target.key, posix);
        this.#pending.push({ node, from: oldPlace, into: this.#node(parent) });
        this.#touchParent(source);
        this.#touchParent(target);
      }),
    );
  }

  syncFolder(path: string): Promise<void> {
    return settle(() =>
      this.#call('syncFolder', path, () => {
        const at = this.#locate(path, 'syncFolder');
        if (at.posix === undefined) throw this.#missing(at, 'syncFolder');
        const folder = this.#node(at.posix);
        if (folder.kind !== 'directory') throw new HostError('ENOTDIR', 'syncFolder', path);
        this.#pending = this.#pending.filter((rename) => rename.into !== folder);
      }),
    );
  }

  setReadOnly(path: string, readOnly: boolean): Promise<void> {
    return settle(() =>
      this.#call('setReadOnly', path, () => {
        if (typeof readOnly !== 'boolean') {
          throw new HostError('EINVAL', 'setReadOnly', path, 'readOnly must be a boolean');
        }
        const at = this.#locate(path, 'setReadOnly');
        if (at.posix === undefined) throw this.#missing(at, 'setReadOnly');
        const node = this.#node(at.posix);
        if (node.kind !== 'file') throw new HostError('EISDIR', 'setReadOnly', path);
        node.file.readOnly = readOnly;
      }),
    );
  }

  // --- snapshots and crashes ---------------------------------------------------------------

  snapshot(): Promise<HostSnapshot> {
    return settle(() => this.#snapshot());
  }

  reopenAfterPowerCut(): EmulatedHost {
    const image = this.#durableAtCut ?? this.#durableImage(undefined);
    const copy = image.map((entry) =>
      entry.content === undefined ? entry : { ...entry, content: entry.content.durable() },
    );
    return new EmulatedHostImpl(
      { ...this.#options, volumes: [...this.#volumes.values()].map((v) => v.options()) },
      copy,
    );
  }

  durableSnapshot(): Promise<HostSnapshot> {
    return this.reopenAfterPowerCut().snapshot();
  }

  // --- internals -------------------------------------------------------------------------------

  /**
   * Runs one counted call: the fault controller may fail it (or cut the power) before it starts.
   */
  #call<T>(
    op: FaultOperation,
    path: string,
    body: () => T,
    torn?: { node: FileNode; torn: () => TornWrite | undefined },
    normalised = false,
  ): T {
    const shown = normalised ? path : typeof path === 'string' ? this.#display(path) : String(path);
    const { verdict, record } = this.#faults.enter(op, shown);
    if (verdict.kind === 'fail') {
      this.#faults.settle(record, verdict.code, true);
      const detail = this.#faults.poweredOff ? 'the power is off' : 'injected fault';
      throw new HostError(verdict.code, op, path, detail);
    }
    if (verdict.kind === 'powerCut') {
      this.#durableAtCut = this.#durableImage(
        verdict.torn && torn !== undefined ? { node: torn.node, write: torn.torn() } : undefined,
      );
      this.#faults.settle(record, 'EIO', true);
      throw new HostError('EIO', op, path, 'power cut');
    }
    try {
      return body();
    } catch (error) {
      this.#faults.settle(record, isHostError(error) ? error.code : 'EIO', false);
      throw error;
    }
  }

  /** The normalised form of a path for logs and fault patterns (the text itself when invalid). */
  #display(path: string): string {
    const parsed = windowsPath.isAbsolute(path) ? windowsPath.parseAbsolute(path) : undefined;
    return parsed === undefined ? path : windowsPath.format(parsed);
  }

  #locate(path: string, syscall: string): Located {
    const parsed = parseHostPath(path, syscall);
    const volume = this.#volumes.get(parsed.drive);
    if (volume === undefined) {
      throw new HostError('ENOENT', syscall, path, `no volume ${parsed.drive}:`);
    }
    return this.#locateParsed(parsed, volume);
  }

  #locateParsed(path: WindowsPath, volume: VolumeAccount): Located {
    const key = windowsPath.pathKey(path);
    return { path, text: windowsPath.format(path), key, volume, posix: this.#index.get(key) };
  }

  /** The volume of `path`, without counting a call; `undefined` for a bad path or drive. */
  #peekVolume(path: string): { volume: VolumeAccount } | undefined {
    const parsed = windowsPath.isAbsolute(path) ? windowsPath.parseAbsolute(path) : undefined;
    const volume = parsed === undefined ? undefined : this.#volumes.get(parsed.drive);
    return volume === undefined ? undefined : { volume };
  }

  /** Size and kind of what is at `path`, without counting a call; `undefined` when nothing. */
  #peek(
    path: string,
  ): { kind: 'file' | 'directory'; size: number; volume: VolumeAccount } | undefined {
    const parsed = windowsPath.isAbsolute(path) ? windowsPath.parseAbsolute(path) : undefined;
    const volume = parsed === undefined ? undefined : this.#volumes.get(parsed.drive);
    if (parsed === undefined || volume === undefined) return undefined;
    const posix = this.#index.get(windowsPath.pathKey(parsed));
    if (posix === undefined) return undefined;
    const node = this.#node(posix);
    return node.kind === 'file'
      ? { kind: 'file', size: node.file.content.size, volume }
      : { kind: 'directory', size: 0, volume };
  }

  #stat(path: string): HostStat | undefined {
    const parsed = parseHostPath(path, 'stat');
    if (!this.#volumes.has(parsed.drive)) return undefined;
    const posix = this.#index.get(windowsPath.pathKey(parsed));
    if (posix === undefined) return undefined;
    const node = this.#node(posix);
    return node.kind === 'file'
      ? {
          kind: 'file',
          size: node.file.content.size,
          mtime: new Date(node.file.mtime),
          readOnly: node.file.readOnly,
        }
      : { kind: 'directory', size: 0, mtime: new Date(node.directory.mtime), readOnly: false };
  }

  /** The error for a missing entry: `ENOTDIR` when an ancestor is a file, else `ENOENT`. */
  #missing(at: Located, syscall: string): HostError {
    const { drive, segments } = at.path;
    for (let depth = 1; depth < segments.length; depth++) {
      const posix = this.#index.get(
        windowsPath.pathKey({ drive, segments: segments.slice(0, depth) }),
      );
      if (posix === undefined) break;
      if (this.#node(posix).kind === 'file') return new HostError('ENOTDIR', syscall, at.text);
    }
    return new HostError('ENOENT', syscall, at.text);
  }

  /** The memfs path of the folder that is to hold `at` (it must exist and be a folder). */
  #parentPosix(at: Located, syscall: string): string {
    const parent = this.#locateParsed(windowsPath.dirname(at.path), at.volume);
    if (parent.posix === undefined) throw this.#missing(at, syscall);
    if (this.#node(parent.posix).kind !== 'directory') {
      throw new HostError('ENOTDIR', syscall, at.text);
    }
    return parent.posix;
  }

  #createFile(
    at: Located,
    syscall: string,
    content = new SparseContent(),
    mtime = this.now(),
  ): FileNode {
    const posix = `${this.#parentPosix(at, syscall)}/${windowsPath.basename(at.path)}`;
    this.#mutate(() => this.#fs.writeFileSync(posix, ''));
    const file: FileNode = { content, mtime, readOnly: false };
    this.#nodes.set(this.#ino(posix), { kind: 'file', file });
    this.#index.set(at.key, posix);
    this.#touchParent(at);
    return file;
  }

  #createDirectory(at: Located, syscall: string): void {
    const posix = `${this.#parentPosix(at, syscall)}/${windowsPath.basename(at.path)}`;
    this.#mutate(() => this.#fs.mkdirSync(posix));
    this.#nodes.set(this.#ino(posix), { kind: 'directory', directory: { mtime: this.now() } });
    this.#index.set(at.key, posix);
    this.#touchParent(at);
  }

  /** Deletes the entry at `at` (memfs path `posix`) with `remove`, and forgets its node and key. */
  #remove(at: Located, posix: string, remove: (posix: string) => void): void {
    const ino = this.#ino(posix);
    this.#mutate(() => remove(posix));
    this.#nodes.delete(ino);
    this.#index.delete(at.key);
    this.#touchParent(at);
  }

  #touchParent(at: Located): void {
    if (at.path.segments.length === 0) return;
    const posix = this.#index.get(windowsPath.pathKey(windowsPath.dirname(at.path)));
    if (posix === undefined) return;
    const node = this.#node(posix);
    if (node.kind === 'directory') node.directory.mtime = this.now();
  }

  /**
   * Runs a change of the memfs namespace, forgetting every lookup and listing remembered since
   * the last change (they hold only while nothing changes).
   */
  #mutate(change: () => void): void {
    try {
      change();
    } finally {
      this.#lookups.clear();
      this.#listings.clear();
    }
  }

  #ino(posix: string): number {
    let ino = this.#lookups.get(posix);
    if (ino === undefined) {
      ino = Number(this.#fs.statSync(posix).ino);
      this.#lookups.set(posix, ino);
    }
    return ino;
  }

  #node(posix: string): Node {
    const node = this.#nodes.get(this.#ino(posix));
    if (node === undefined) throw new HostError('EIO', 'lookup', posix, 'inconsistent namespace');
    return node;
  }

  /** The names in the folder at `posix` (a new array, free to sort). */
  #children(posix: string): string[] {
    let names = this.#listings.get(posix);
    if (names === undefined) {
      names = (this.#fs.readdirSync(posix) as unknown[]).map(String);
      this.#listings.set(posix, names);
    }
    return [...names];
  }

  /** Moves the index entries of `fromKey` and everything below it to `toKey`. */
  #reindex(fromKey: string, fromPosix: string, toKey: string, toPosix: string): void {
    const keyPrefix = `${fromKey}\\`;
    const moved: Array<[string, string]> = [];
    for (const [key, posix] of this.#index) {
      if (key === fromKey) moved.push([toKey, toPosix]);
      else if (key.startsWith(keyPrefix)) {
        moved.push([toKey + key.slice(fromKey.length), toPosix + posix.slice(fromPosix.length)]);
      } else continue;
      this.#index.delete(key);
    }
    for (const [key, posix] of moved) this.#index.set(key, posix);
  }

  /** Every entry of every volume, parents before children. */
  *#walk(): Generator<{ drive: string; segments: string[]; node: Node }> {
    const drives = [...this.#volumes.keys()].sort();
    for (const drive of drives) {
      const stack: string[][] = [[]];
      while (stack.length > 0) {
        const segments = stack.pop() as string[];
        const posix = `/${drive}${segments.map((s) => `/${s}`).join('')}`;
        const node = this.#node(posix);
        if (segments.length > 0) yield { drive, segments, node };
        if (node.kind === 'directory') {
          for (const name of this.#children(posix).sort(compareNames).reverse()) {
            stack.push([...segments, name]);
          }
        }
      }
    }
  }

  #snapshot(): HostSnapshot {
    const byDrive = new Map<string, SnapshotEntry[]>();
    for (const { drive, segments, node } of this.#walk()) {
      const entries = byDrive.get(drive) ?? [];
      byDrive.set(drive, entries);
      const path = windowsPath.format({ drive, segments });
      entries.push(
        node.kind === 'file'
          ? {
              path,
              kind: 'file',
              size: node.file.content.size,
              digest: node.file.content.digest(),
              ...(node.file.readOnly ? { readOnly: true as const } : {}),
            }
          : { path, kind: 'directory', size: 0, digest: '' },
      );
    }
    return {
      volumes: this.volumes().map((info) => ({
        drive: info.drive,
        fileSystem: info.fileSystem,
        capacityBytes: info.capacityBytes,
        freeBytes: info.freeBytes,
        entries: (byDrive.get(info.drive) ?? []).sort((a, b) => compareNames(a.path, b.path)),
      })),
    };
  }

  /**
   * The durable state now: renames whose folder was not synced since are undone (an entry whose
   * old place is gone or taken again is lost), and a torn write's kept sectors are applied.
   */
  #durableImage(torn: { node: FileNode; write: TornWrite | undefined } | undefined): ImageEntry[] {
    const placed = [...this.#walk()];
    for (const rename of [...this.#pending].reverse()) undoRename(placed, rename);
    placed.sort((a, b) => a.segments.length - b.segments.length);
    const image: ImageEntry[] = [];
    for (const { drive, segments, node } of placed) {
      if (node.kind === 'directory') {
        image.push({ drive, segments, kind: 'directory', mtime: node.directory.mtime });
        continue;
      }
      const content = node.file.content.durable();
      if (torn?.write !== undefined && torn.node === node.file) {
        const volume = this.#volumes.get(drive) as VolumeAccount;
        const end = torn.write.position + torn.write.bytes.length;
        try {
          if (end > content.size) volume.checkResize(content.size, end, 'write', '');
          content.write(torn.write.bytes, torn.write.position);
          content.sync();
        } catch {
          // The interrupted write could not have fit: nothing of it reached the disk.
        }
      }
      const readOnly = node.file.readOnly;
      image.push({ drive, segments, kind: 'file', mtime: node.file.mtime, content, readOnly });
    }
    return image;
  }

  #restore(entry: ImageEntry): void {
    const volume = this.#volumes.get(entry.drive) as VolumeAccount;
    const at = this.#locateParsed({ drive: entry.drive, segments: entry.segments }, volume);
    if (entry.kind === 'directory') {
      this.#createDirectory(at, 'restore');
      return;
    }
    const content = entry.content ?? new SparseContent();
    this.#createFile(at, 'restore', content);
    volume.resize(0, content.size);
  }
}

/** One entry of the namespace as a power cut finds it. */
interface Placed {
  readonly drive: string;
  segments: string[];
  readonly node: Node;
}

/**
 * Puts a renamed entry (and everything below it) back where it was, in `placed`; drops it when
 * its old folder is gone or its old name is taken.
 */
function undoRename(placed: Placed[], rename: PendingRename): void {
  const at = placed.find((entry) => entry.node === rename.node);
  if (at === undefined) return; // removed since: the removal was durable at once
  const drive = at.drive;
  const now = at.segments;
  const key = (segments: readonly string[]) => windowsPath.pathKey({ drive, segments });
  const under = (entry: Placed) =>
    entry.drive === drive &&
    entry.segments.length >= now.length &&
    key(entry.segments.slice(0, now.length)) === key(now);
  const moving = placed.filter(under);
  const back = rename.from.segments;
  const parent = back.slice(0, -1);
  const folderThere =
    parent.length === 0 ||
    placed.some(
      (e) => e.drive === drive && e.node.kind === 'directory' && key(e.segments) === key(parent),
    );
  const taken = placed.some(
    (e) => e.drive === drive && !moving.includes(e) && key(e.segments) === key(back),
  );
  if (!folderThere || taken || rename.from.drive !== drive) {
    for (const entry of moving) placed.splice(placed.indexOf(entry), 1);
    return;
  }
  for (const entry of moving) entry.segments = [...back, ...entry.segments.slice(now.length)];
}
