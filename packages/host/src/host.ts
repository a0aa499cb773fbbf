/**
 * The interface vs-api needs from a host: Windows-style volumes holding files and folders, the
 * application's lifecycle, a clock and a source of randomness. `@vskit/emulator` implements it
 * twice (emulated volumes on memfs, and real folders); any other implementation may be passed to
 * `new VirtualServer(host)`.
 *
 * Every path a host method takes is an absolute Windows path (`C:\vms\disk.vhd`). Hosts compare
 * names case-insensitively and keep their case. Failures reject with {@link HostError}.
 * @module
 */

/** The file systems a host volume can carry, with the limits of Windows Server 2003. */
export type FileSystemKind = 'NTFS' | 'FAT32' | 'FAT16';

/** What a host reports about one of its volumes. */
export interface VolumeInfo {
  /** Upper-case drive letter, without the colon: `'C'`. */
  readonly drive: string;
  /** The volume's file system. */
  readonly fileSystem: FileSystemKind;
  /** Total size of the volume in bytes. */
  readonly capacityBytes: number;
  /** Bytes still free; a file occupies its size rounded up to whole clusters. */
  readonly freeBytes: number;
  /** The largest file the file system can hold, in bytes. */
  readonly maxFileSizeBytes: number;
  /** Allocation unit in bytes. */
  readonly clusterBytes: number;
}

/** What a host knows about one entry of a folder. */
export interface HostStat {
  /** Whether the entry is a file or a folder. */
  readonly kind: 'file' | 'directory';
  /** Size in bytes (0 for a folder). */
  readonly size: number;
  /** Last modification time. */
  readonly mtime: Date;
  /**
   * The read-only attribute (always `false` for a folder). A read-only file cannot be opened for
   * writing, replaced by `writeFile` or removed: `EPERM`, as Node.js reports Windows'
   * ERROR_ACCESS_DENIED.
   */
  readonly readOnly: boolean;
}

/**
 * How {@link Host.open} opens a file.
 * - `read`: an existing file, read-only.
 * - `readWrite`: an existing file, for reading and writing.
 * - `createNew`: create the file exclusively (fails with `EEXIST` if anything exists there);
 *   the parent folder must exist.
 */
export type OpenMode = 'read' | 'readWrite' | 'createNew';

/**
 * What a handle lets other handles of the same file do while it is open (Windows' share mode):
 * - `read`: others may open it to read;
 * - `readWrite`: others may open it to read or to write;
 * - `none`: no other open at all (the file is "in use").
 *
 * Two handles agree when each one's access is allowed by the other's share. Besides, a writable
 * handle excludes every other writable handle, whatever either shares: a file has one writer at
 * a time. A refused open rejects with `EBUSY`.
 */
export type ShareMode = 'read' | 'readWrite' | 'none';

/** Options of {@link Host.open}. */
export interface OpenOptions {
  /**
   * What others may do while this handle is open; default `readWrite` for `read` (readers run
   * beside a writer) and `read` for `readWrite` and `createNew`.
   */
  readonly share?: ShareMode;
}

/**
 * An open file with random access. Structurally the same as `@vskit/vhd-format`'s
 * `RandomAccessFile`, so a host file can be handed straight to the VHD engine.
 */
export interface HostFile {
  /** Reads up to `buffer.length` bytes at `position`; resolves to the count read (short at EOF). */
  read(buffer: Uint8Array, position: number): Promise<number>;
  /** Writes all of `buffer` at `position`, growing the file if needed. */
  write(buffer: Uint8Array, position: number): Promise<void>;
  /** The file's current size in bytes. */
  size(): Promise<number>;
  /** Sets the file's size, cutting or extending it (extension reads as zeros). */
  truncate(length: number): Promise<void>;
  /** Makes every write so far durable. */
  sync(): Promise<void>;
  /** Releases the file. Further calls reject with `EBADF`. */
  close(): Promise<void>;
}

/** One entry of a {@link HostSnapshot}. */
export interface SnapshotEntry {
  /** Absolute path as stored (case preserved). */
  readonly path: string;
  /** File or folder. */
  readonly kind: 'file' | 'directory';
  /** Size in bytes (0 for folders). */
  readonly size: number;
  /** A digest of the file's bytes ('' for folders): equal bytes give equal digests. */
  readonly digest: string;
  /** Present, and `true`, only for a file with the read-only attribute. */
  readonly readOnly?: true;
}

/** A comparable picture of every volume: two snapshots are deep-equal iff nothing changed. */
export interface HostSnapshot {
  /** One record per volume, in drive-letter order. */
  readonly volumes: ReadonlyArray<{
    readonly drive: string;
    readonly fileSystem: FileSystemKind;
    readonly capacityBytes: number;
    readonly freeBytes: number;
    /** Every file and folder below the root, sorted by path. */
    readonly entries: readonly SnapshotEntry[];
  }>;
}

/**
 * A physical drive of the host that a host-drive image (IVMVirtualServer's
 * CreateHostDriveVirtualHardDisk) can be linked to, as IVMHostInfo.HostDrives lists it.
 */
export interface HostDriveInfo {
  /** The drive's identifier, as a caller passes it: `'PhysicalDrive1'`. Compared case-insensitively. */
  readonly id: string;
  /** The drive's size in bytes. */
  readonly sizeBytes: number;
  /** Whether the host has a volume of the drive mounted (a linked image is then read-only). */
  readonly mounted: boolean;
}

/** A host: the volumes, files and lifecycle that vs-api runs on. */
export interface Host {
  /** Every volume, in drive-letter order. */
  volumes(): VolumeInfo[];
  /** The volume with this drive letter (`'C'`, `'c'` or `'C:'`), or `undefined` if there is none. */
  volumeInfo(drive: string): VolumeInfo | undefined;
  /**
   * Opens a file; see {@link OpenMode} and, for what other handles may do meanwhile,
   * {@link ShareMode}. `EBUSY` when an open handle's share mode refuses this one (or this one's
   * refuses an open handle); `EPERM` for a write-open of a read-only file.
   */
  open(path: string, mode: OpenMode, options?: OpenOptions): Promise<HostFile>;
  /** Facts about the entry at `path`, or `undefined` when nothing is there. */
  stat(path: string): Promise<HostStat | undefined>;
  /** Whether anything (file or folder) exists at `path`. */
  exists(path: string): Promise<boolean>;
  /** Creates a folder; with `recursive`, missing ancestors too and no error if it exists. */
  mkdir(path: string, options?: { recursive?: boolean }): Promise<void>;
  /** The names in a folder, case preserved, sorted. */
  readdir(path: string): Promise<string[]>;
  /** The whole content of a file. */
  readFile(path: string): Promise<Uint8Array>;
  /**
   * Creates or replaces a file with these bytes, durable when it resolves. When it fails, a file
   * that was not there before is not there after.
   */
  writeFile(path: string, data: Uint8Array): Promise<void>;
  /** Removes a file (`EBUSY` while it is open, `EPERM` when it is read-only). */
  unlink(path: string): Promise<void>;
  /** Removes an empty folder. */
  rmdir(path: string): Promise<void>;
  /**
   * Renames a file or folder within one volume, atomically and never replacing: `EEXIST` when
   * anything is at `to` (Windows `MoveFile`), decided in one step even against other processes.
   * The new name is durable once the folder that holds it is synced ({@link syncFolder}).
   */
  rename(from: string, to: string): Promise<void>;
  /**
   * Makes the names in a folder durable: every file or folder created, renamed into it or
   * removed from it before this call survives a power cut.
   */
  syncFolder(path: string): Promise<void>;
  /** Sets or clears the read-only attribute of a file (`EISDIR` for a folder). */
  setReadOnly(path: string, readOnly: boolean): Promise<void>;
  /**
   * The host's physical drives a host-drive image can be linked to, in the order configured.
   * Optional: a host without this method has none.
   */
  hostDrives?(): HostDriveInfo[];
  /** Whether the host application has begun shutting down. */
  isShuttingDown(): boolean;
  /** The host application begins shutting down; new disk operations are refused from now on. */
  beginShutdown(): void;
  /** The host's clock. */
  now(): Date;
  /** `length` random bytes (UUIDs are drawn from here). */
  randomBytes(length: number): Uint8Array;
  /** A comparable picture of every volume. */
  snapshot(): Promise<HostSnapshot>;
}
