/**
 * A host wrapper the suite hands to the server under test: it passes every call through to the
 * subject's own host, and can refuse to open chosen files, fail the Nth call of an operation
 * with a chosen errno, or hold writes until released. It needs nothing from the subject beyond
 * the {@link Host} interface, so fault-driven requirements apply to any subject.
 * @module
 */
import {
  type Host,
  type HostDriveInfo,
  HostError,
  type HostErrorCode,
  type HostFile,
  type HostSnapshot,
  type HostStat,
  type OpenMode,
  type OpenOptions,
  type VolumeInfo,
  windowsPath,
} from '@vskit/host';

/** The operations a {@link ProbeHost} can fail. */
export type ProbeOperation = 'open' | 'write' | 'truncate' | 'sync' | 'mkdir' | 'close';

/** Fail the `nth` (1-based) call of `operation` from now on with `code`. */
export interface ProbeFault {
  readonly operation: ProbeOperation;
  readonly nth: number;
  readonly code: HostErrorCode;
}

const keyOf = (path: string): string => {
  const parsed = windowsPath.parseAbsolute(path);
  return parsed === undefined ? path : windowsPath.pathKey(parsed);
};

/** A pass-through {@link Host} with fault injection for the suite. */
export class ProbeHost implements Host {
  readonly inner: Host;
  private readonly unreadable = new Set<string>();
  private fault: ProbeFault | undefined;
  private counts = new Map<ProbeOperation, number>();
  private gate: Promise<void> | undefined;
  private releaseGate: (() => void) | undefined;
  /** Writes waiting at the gate. */
  blockedWrites = 0;
  /** Whether the armed fault has fired. */
  faultFired = false;
  /** Every path handed to the host through this wrapper, in call order (see {@link seen}). */
  private readonly paths: string[] = [];

  constructor(inner: Host) {
    this.inner = inner;
  }

  /** Opening or reading `path` fails with EACCES from now on. */
  makeUnreadable(path: string): void {
    this.unreadable.add(keyOf(path));
  }

  /** Arms one fault; counting starts now. */
  injectFault(fault: ProbeFault | undefined): void {
    this.fault = fault;
    this.counts = new Map();
    if (fault !== undefined) this.faultFired = false;
  }

  /** Holds every write until {@link release}. */
  holdWrites(): void {
    this.gate = new Promise((resolve) => {
      this.releaseGate = resolve;
    });
  }

  /** Lets held writes continue. */
  release(): void {
    this.releaseGate?.();
    this.gate = undefined;
    this.releaseGate = undefined;
  }

  /** The paths handed to the host since the last {@link forgetPaths}, as the server wrote them. */
  seen(): readonly string[] {
    return this.paths;
  }

  /** Starts a fresh record of the paths handed to the host. */
  forgetPaths(): void {
    this.paths.length = 0;
  }

  private see(...paths: string[]): void {
    if (this.paths.length < 100_000) this.paths.push(...paths);
  }

  /** Throws the armed fault if this call is the chosen one. */
  private tick(operation: ProbeOperation, path?: string): void {
    const fault = this.fault;
    if (fault === undefined || fault.operation !== operation) return;
    const count = (this.counts.get(operation) ?? 0) + 1;
    this.counts.set(operation, count);
    if (count !== fault.nth) return;
    this.faultFired = true;
    throw new HostError(fault.code, operation, path, 'injected by the conformance suite');
  }

  volumes(): VolumeInfo[] {
    return this.inner.volumes();
  }
  volumeInfo(drive: string): VolumeInfo | undefined {
    return this.inner.volumeInfo(drive);
  }
  async open(path: string, mode: OpenMode, options?: OpenOptions): Promise<HostFile> {
    this.see(path);
    if (this.unreadable.has(keyOf(path))) throw new HostError('EACCES', 'open', path, 'unreadable');
    this.tick('open', path);
    const file = await this.inner.open(path, mode, options);
    return this.wrapFile(file, path);
  }
  private wrapFile(file: HostFile, path: string): HostFile {
    return {
      read: (buffer, position) => file.read(buffer, position),
      write: async (buffer, position) => {
        if (this.gate !== undefined) {
          this.blockedWrites++;
          await this.gate;
          this.blockedWrites--;
        }
        this.tick('write', path);
        return file.write(buffer, position);
      },
      size: () => file.size(),
      truncate: async (length) => {
        this.tick('truncate', path);
        return file.truncate(length);
      },
      sync: async () => {
        this.tick('sync', path);
        return file.sync();
      },
      close: () => file.close(),
    };
  }
  stat(path: string): Promise<HostStat | undefined> {
    this.see(path);
    return this.inner.stat(path);
  }
  exists(path: string): Promise<boolean> {
    this.see(path);
    return this.inner.exists(path);
  }
  async mkdir(path: string, options?: { recursive?: boolean }): Promise<void> {
    this.see(path);
    this.tick('mkdir', path);
    return this.inner.mkdir(path, options);
  }
  readdir(path: string): Promise<string[]> {
    this.see(path);
    return this.inner.readdir(path);
  }
  async readFile(path: string): Promise<Uint8Array> {
    this.see(path);
    if (this.unreadable.has(keyOf(path))) throw new HostError('EACCES', 'open', path, 'unreadable');
    return this.inner.readFile(path);
  }
  async writeFile(path: string, data: Uint8Array): Promise<void> {
    this.see(path);
    this.tick('write', path);
    return this.inner.writeFile(path, data);
  }
  unlink(path: string): Promise<void> {
    this.see(path);
    return this.inner.unlink(path);
  }
  rmdir(path: string): Promise<void> {
    this.see(path);
    return this.inner.rmdir(path);
  }
  rename(from: string, to: string): Promise<void> {
    this.see(from, to);
    return this.inner.rename(from, to);
  }
  syncFolder(path: string): Promise<void> {
    this.see(path);
    return this.inner.syncFolder(path);
  }
  setReadOnly(path: string, readOnly: boolean): Promise<void> {
    this.see(path);
    return this.inner.setReadOnly(path, readOnly);
  }
  hostDrives(): HostDriveInfo[] {
    return this.inner.hostDrives?.() ?? [];
  }
  isShuttingDown(): boolean {
    return this.inner.isShuttingDown();
  }
  beginShutdown(): void {
    this.inner.beginShutdown();
  }
  now(): Date {
    return this.inner.now();
  }
  randomBytes(length: number): Uint8Array {
    return this.inner.randomBytes(length);
  }
  snapshot(): Promise<HostSnapshot> {
    return this.inner.snapshot();
  }
}
