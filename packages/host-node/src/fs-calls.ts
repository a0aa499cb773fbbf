/**
 * The `node:fs` calls that opening, keeping and atomically creating files make (all but the
 * reads and writes), as promises, in two
 * kinds: on the libuv thread pool (the event loop never waits on the disk) and blocking (no
 * thread-pool hop: faster per call, for command-line tools that own their thread). The logic of
 * `openNodeFile` and `createFileAtomically` is written once over {@link FsCalls}; which kind a
 * caller gets is its `io` choice.
 *
 * Neither kind loads `node:fs/promises`: a command-line start that never needs it saves its load.
 * @module
 */
import {
  close,
  closeSync,
  fstat,
  fstatSync,
  fsync,
  fsyncSync,
  ftruncate,
  ftruncateSync,
  link,
  linkSync,
  lstat,
  lstatSync,
  open,
  openSync,
  readdir,
  readdirSync,
  rename,
  renameSync,
  type Stats,
  unlink,
  unlinkSync,
} from 'node:fs';

/** The file system calls, each resolving with its result or rejecting with node's error. */
export interface FsCalls {
  /** `'async'` for the thread-pool calls, `'sync'` for the blocking ones (`NodeFileOptions.io`). */
  readonly io: 'async' | 'sync';
  open(path: string, flags: number): Promise<number>;
  fstat(fd: number): Promise<Stats>;
  fsync(fd: number): Promise<void>;
  ftruncate(fd: number, length: number): Promise<void>;
  close(fd: number): Promise<void>;
  lstat(path: string): Promise<Stats>;
  link(from: string, to: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  readdir(path: string): Promise<string[]>;
}

type Callback<T> = (error: NodeJS.ErrnoException | null, value: T) => void;

/** A callback call of `node:fs` as a promise. */
function settled<T>(start: (callback: Callback<T>) => void): Promise<T> {
  return new Promise((resolve, reject) =>
    start((error, value) => (error ? reject(error) : resolve(value))),
  );
}

/** The calls on the libuv thread pool. */
export const THREAD_POOL_CALLS: FsCalls = {
  io: 'async',
  open: (path, flags) => settled((done) => open(path, flags, 0o666, done)),
  fstat: (fd) => settled((done) => fstat(fd, done)),
  fsync: (fd) => settled<void>((done) => fsync(fd, (error) => done(error, undefined))),
  ftruncate: (fd, length) =>
    settled<void>((done) => ftruncate(fd, length, (error) => done(error, undefined))),
  close: (fd) => settled<void>((done) => close(fd, (error) => done(error, undefined))),
  lstat: (path) => settled((done) => lstat(path, done)),
  link: (from, to) => settled<void>((done) => link(from, to, (error) => done(error, undefined))),
  rename: (from, to) =>
    settled<void>((done) => rename(from, to, (error) => done(error, undefined))),
  unlink: (path) => settled<void>((done) => unlink(path, (error) => done(error, undefined))),
  readdir: (path) => settled((done) => readdir(path, done)),
};

/** The blocking calls (an `async` function turns a throw into a rejection). */
export const BLOCKING_CALLS: FsCalls = {
  io: 'sync',
  open: async (path, flags) => openSync(path, flags, 0o666),
  fstat: async (fd) => fstatSync(fd),
  fsync: async (fd) => fsyncSync(fd),
  ftruncate: async (fd, length) => ftruncateSync(fd, length),
  close: async (fd) => closeSync(fd),
  lstat: async (path) => lstatSync(path),
  link: async (from, to) => linkSync(from, to),
  rename: async (from, to) => renameSync(from, to),
  unlink: async (path) => unlinkSync(path),
  readdir: async (path) => readdirSync(path),
};

/** The calls of one `io` choice. */
export function fsCalls(io: 'async' | 'sync'): FsCalls {
  return io === 'sync' ? BLOCKING_CALLS : THREAD_POOL_CALLS;
}
