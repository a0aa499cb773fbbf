/**
 * Where to look for a differencing disk's parent.
 * @module
 */
import type { ParentReference } from './types.js';

/** One place a parent may be. */
export interface ParentCandidate {
  /** Where the path came from: `W2ru`, `Wi2r`, `W2ku`, `Wi2k` or `unicodeName`. */
  source: string;
  /** The path as recorded. */
  path: string;
  /** Whether `path` is relative: resolve it against the folder holding the child. */
  relative: boolean;
}

const ORDER = ['W2ru', 'Wi2r', 'W2ku', 'Wi2k'];

/** Whether a Windows path is absolute (`X:\...` or a `\\server\share` UNC path). */
function isAbsoluteWindowsPath(path: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(path) || /^[\\/]{2}[^\\/]/.test(path);
}

/**
 * Whether the parent Unicode name is a plain file name, the only thing it may name: a file in
 * the child's folder. Not a name: the empty string; `.`, `..` and any other run of dots and
 * spaces (Windows trims trailing dots and spaces, so `.. ` is `..`); anything holding a folder
 * separator (`\` or `/`), a colon (a drive, a URL scheme, a stream) or a control character.
 * So `..\..\bait\p.vhd`, `/etc/p.vhd`, `Z:\p.vhd` and `file:///p.vhd` lead nowhere.
 */
function isPlainFileName(name: string): boolean {
  return !/^[. ]*$/.test(name) && !/[\\/:\u0000-\u001f\u007f]/.test(name);
}

/**
 * Where to look for a parent, in order: W2ru (relative to the child's folder), then the
 * deprecated Wi2r, then W2ku, then the deprecated Wi2k, then the parent Unicode name in the
 * child's folder. `relative` is decided from each path itself (blktap writes relative paths
 * even in W2ku). Mac and MacX locators are not Windows paths and are skipped; empty paths and
 * repeats are dropped. The Unicode name is a candidate only when it is a plain file name (no
 * folder, drive, `.` or `..`, see `isPlainFileName`): it never leads outside the child's folder.
 * Callers resolve `relative` ones against the child's folder.
 */
export function parentCandidates(ref: ParentReference): ParentCandidate[] {
  const out: ParentCandidate[] = [];
  const seen = new Set<string>();
  const add = (source: string, path: string) => {
    if (path.length === 0) return;
    const relative = !isAbsoluteWindowsPath(path);
    const key = `${relative}:${path}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ source, path, relative });
  };
  for (const platform of ORDER) {
    for (const l of ref.locators) if (l.platform === platform) add(platform, l.path);
  }
  if (isPlainFileName(ref.unicodeName)) add('unicodeName', ref.unicodeName);
  return out;
}
