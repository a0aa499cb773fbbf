/**
 * Finding a differencing disk's parent on the host, as SEMANTICS.md "Opening a chain" says: the
 * W2ru locator (relative to the child's folder), then W2ku, then the parent's Unicode name in the
 * child's folder, in the order vhd-format's `parentCandidates` gives. The Unicode name is taken
 * as a file name in the child's folder only: `parentCandidates` drops a name holding a folder,
 * a drive, `.` or `..`, so it finds nothing elsewhere. A candidate is used only
 * when it is a valid Windows path on a volume the host exposes, shorter than 260 characters,
 * and a file there; `..` stops at the drive root, so no locator leads outside the host's volumes.
 * @module
 */
import { type Host, type HostFile, type WindowsPath, windowsPath } from '@vskit/host';
import { type OpenChainOptions, type ParentReference, parentCandidates } from '@vskit/vhd-format';
import { statEntry } from './paths.js';

/** An `openParent` for vhd-format's `openChain`, and what it found. */
export interface ParentResolver {
  /** Hand to `openChain`. */
  readonly openParent: OpenChainOptions['openParent'];
  /** Where each parent was found, nearest first. */
  readonly found: readonly WindowsPath[];
  /** Every file it opened (the chain closes them; close them too when opening fails). */
  readonly opened: readonly HostFile[];
}

/**
 * The host path a parent candidate (one of vhd-format's `parentCandidates`) names, or
 * `undefined` when it cannot be on the host.
 */
export function candidatePath(
  host: Host,
  candidate: { path: string; relative: boolean },
  childFolder: WindowsPath,
): WindowsPath | undefined {
  const { path } = candidate;
  if (path.length === 0 || windowsPath.findInvalidCharacter(path) !== undefined) return undefined;
  let resolved: WindowsPath | undefined;
  if (candidate.relative) resolved = windowsPath.resolve(path, childFolder);
  else resolved = windowsPath.parseAbsolute(path);
  if (resolved === undefined || resolved.segments.length === 0) return undefined;
  if (windowsPath.format(resolved).length >= windowsPath.MAX_PATH) return undefined;
  if (host.volumeInfo(resolved.drive) === undefined) return undefined;
  return resolved;
}

/**
 * Where the parent `ref` of the child at `child` is: the first candidate that is a file.
 * A host failure other than "not there" rejects (the image cannot be opened).
 */
export async function findParent(
  host: Host,
  ref: ParentReference,
  child: WindowsPath,
): Promise<WindowsPath | undefined> {
  const folder = windowsPath.dirname(child);
  for (const candidate of parentCandidates(ref)) {
    const path = candidatePath(host, candidate, folder);
    if (path === undefined) continue;
    const stat = await statEntry(host, path);
    if (stat?.kind === 'file') return path;
  }
  return undefined;
}

/**
 * A resolver for the chain whose top layer is the file at `top`. `open` opens each parent
 * found (default: `read`, with the host's default sharing).
 */
export function parentResolver(
  host: Host,
  top: WindowsPath,
  open: (path: WindowsPath) => Promise<HostFile> = (path) =>
    host.open(windowsPath.format(path), 'read'),
): ParentResolver {
  const found: WindowsPath[] = [];
  const opened: HostFile[] = [];
  let child = top;
  return {
    found,
    opened,
    async openParent(ref) {
      const path = await findParent(host, ref, child);
      if (path === undefined) return undefined;
      const file = await open(path);
      opened.push(file);
      found.push(path);
      child = path;
      return file;
    },
  };
}
