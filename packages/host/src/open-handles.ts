import { HostError } from './errors.js';
import type { OpenMode, ShareMode } from './host.js';

/** One handle as share modes see it: whether it writes, and what it lets others do. */
export interface ShareRequest {
  /** Whether the handle may write. */
  readonly writable: boolean;
  /** What other handles may do while it is open. */
  readonly share: ShareMode;
}

/** The share mode of an open that names none: readers share everything, writers reading. */
export function defaultShare(mode: OpenMode): ShareMode {
  return mode === 'read' ? 'readWrite' : 'read';
}

/** Whether a handle sharing `share` lets another handle open with this access. */
function allows(share: ShareMode, writable: boolean): boolean {
  return share === 'readWrite' || (share === 'read' && !writable);
}

/**
 * Why `request` cannot open beside `open` (Windows' share-mode check, plus one writer at a
 * time), or `undefined` when both may be open together.
 */
export function shareConflict(open: ShareRequest, request: ShareRequest): string | undefined {
  if (open.writable && request.writable) return 'another handle has it open for writing';
  if (!allows(open.share, request.writable)) {
    return open.share === 'none'
      ? 'another handle has it open with no sharing'
      : 'another handle has it open and shares reading only';
  }
  if (!allows(request.share, open.writable)) {
    return request.share === 'none'
      ? 'it is open elsewhere and this open shares nothing'
      : 'it is open for writing and this open shares reading only';
  }
  return undefined;
}

const READER: ShareRequest = { writable: false, share: 'readWrite' };

/**
 * The open handles per entry, keyed by a path string in which `separator` parts a folder from
 * its children (so that a folder can tell whether any file below it is open), with their share
 * modes: an open that the handles already there refuse is `EBUSY`.
 */
export class OpenHandles {
  readonly #handles = new Map<string, ShareRequest[]>();
  readonly #separator: string;

  /** Counts handles of paths whose folders end at `separator` (`'\\'` or the real `sep`). */
  constructor(separator: string) {
    this.#separator = separator;
  }

  /**
   * Counts one more handle of `key` and returns the function that releases it (once). `EBUSY`
   * (naming `path`) when a handle already open and this one do not agree (see
   * {@link shareConflict}); the default is a reader that shares everything.
   */
  add(key: string, request: ShareRequest = READER, path: string = key): () => void {
    const handles = this.#handles.get(key) ?? [];
    for (const open of handles) {
      const conflict = shareConflict(open, request);
      if (conflict !== undefined) throw new HostError('EBUSY', 'open', path, conflict);
    }
    const mine = { ...request };
    handles.push(mine);
    this.#handles.set(key, handles);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.#handles.get(key) ?? []).filter((handle) => handle !== mine);
      if (left.length === 0) this.#handles.delete(key);
      else this.#handles.set(key, left);
    };
  }

  /** Whether `key` itself is open. */
  has(key: string): boolean {
    return this.#handles.has(key);
  }

  /** Whether `key` or anything below it is open. */
  holdsAnyUnder(key: string): boolean {
    if (this.#handles.has(key)) return true;
    const prefix = key + this.#separator;
    for (const open of this.#handles.keys()) if (open.startsWith(prefix)) return true;
    return false;
  }
}
