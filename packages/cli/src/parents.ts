/**
 * Parent locators on a Linux (POSIX) file system: what `create diff` writes, and how a chain's
 * parents are found, in the order vs-api uses.
 *
 * Writing, for a child `/srv/vms/c.vhd` and a parent `/srv/base/p.vhd` (both real paths, symlinks
 * resolved):
 * - W2ru: the parent relative to the child's folder, Windows form: `..\base\p.vhd` (`.\p.vhd`
 *   when they share a folder). This is the locator that survives moving the chain.
 * - W2ku: the absolute path as Wine names the POSIX root: drive `Z:` is `/`, so
 *   `Z:\srv\base\p.vhd`. It is a valid Windows absolute path, and reads back as `/srv/base/p.vhd`.
 * - Parent Unicode name: `p.vhd`.
 * A name holding a character Windows refuses (`\ * ? : < > | "`, control characters) cannot be
 * written in Windows form: such a locator is left out (the other locators and the name still are).
 *
 * Finding, for each layer: the candidates of `parentCandidates` in its order (W2ru, W2ku, then the
 * parent name in the child's folder); the first that names an existing file is the parent.
 * - A relative path (`.\p.vhd`, `..\base\p.vhd`, also with `/`) is resolved against the child's
 *   real folder.
 * - `Z:\a\b` reads as `/a/b`; another drive letter reads through a `--volume X=/dir` mapping and
 *   is skipped when no mapping names it (a Windows path has no meaning on Linux otherwise).
 * - A rooted path (`\a\b`) is taken on the child's drive, which on Linux is `/`.
 * - A POSIX absolute path (`/a/b`, written by some Linux tools) and a `file://` URL are used as
 *   they are.
 * @module
 */
import * as posix from 'node:path/posix';
import { fileURLToPath } from 'node:url';
import { windowsPath } from '@vskit/host';
import { factsOf, realPathOr } from './file-facts.js';

/** The drive Wine maps to the POSIX root; W2ku locators written on Linux use it. */
export const POSIX_ROOT_DRIVE = 'Z';

/** Windows drive letters mapped to POSIX folders (`{ Z: '/' }` by default). */
export type DriveMap = Readonly<Record<string, string>>;

/** The default mapping: only `Z:` (the POSIX root, as Wine has it). */
export const DEFAULT_DRIVES: DriveMap = { [POSIX_ROOT_DRIVE]: '/' };

/** What `create diff` writes to find the parent again. */
export interface ParentLocators {
  /** The parent's file name (header Parent Unicode Name). */
  readonly unicodeName: string;
  /** W2ru: relative to the child's folder, `.\x` or `..\x`; absent when not expressible. */
  readonly relativePath: string | undefined;
  /** W2ku: `Z:\...`; absent when not expressible. */
  readonly absolutePath: string | undefined;
}

function windowsSafe(names: readonly string[]): boolean {
  return names.every(
    (name) =>
      name !== '' && !name.includes('\\') && windowsPath.findInvalidCharacter(name) === undefined,
  );
}

/**
 * The locators for a parent at `parentPath`, seen from a child at `childPath`. Both must be
 * absolute POSIX paths (resolve symlinks first, so the relative path is the physical one).
 */
export function locatorsFor(childPath: string, parentPath: string): ParentLocators {
  const unicodeName = posix.basename(parentPath);
  const relativeNames = posix.relative(posix.dirname(childPath), parentPath).split('/');
  const relativePath = windowsSafe(relativeNames)
    ? relativeNames[0] === '..'
      ? relativeNames.join('\\')
      : ['.', ...relativeNames].join('\\')
    : undefined;
  const absoluteNames = parentPath.split('/').filter((n) => n !== '');
  const absolutePath = windowsSafe(absoluteNames)
    ? `${POSIX_ROOT_DRIVE}:\\${absoluteNames.join('\\')}`
    : undefined;
  return { unicodeName, relativePath, absolutePath };
}

/**
 * The POSIX path a locator's text names, for a child whose real folder is `childFolder`; or
 * `undefined` when it names a Windows drive with no mapping (or is empty).
 */
export function hostPathFor(
  locator: string,
  childFolder: string,
  drives: DriveMap = DEFAULT_DRIVES,
): string | undefined {
  if (locator === '') return undefined;
  if (locator.startsWith('file://')) {
    try {
      return fileURLToPath(locator);
    } catch {
      return undefined;
    }
  }
  const parsed = windowsPath.parseAbsolute(locator);
  if (parsed !== undefined) {
    const root = driveRoot(drives, parsed.drive);
    return root === undefined ? undefined : posix.join(root, ...parsed.segments);
  }
  if (locator.startsWith('/')) return posix.normalize(locator);
  const names = locator.split(/[\\/]/).filter((n) => n !== '');
  if (locator.startsWith('\\')) return posix.join('/', ...names);
  return posix.resolve(childFolder, ...names);
}

function driveRoot(drives: DriveMap, drive: string): string | undefined {
  const letter = drive.toUpperCase();
  for (const [key, root] of Object.entries(drives)) {
    if (key.toUpperCase() === letter) return root;
  }
  return undefined;
}

/** One place a parent was looked for. */
export interface ParentAttempt {
  /** Which record named it: `W2ru`, `W2ku`, `name`, ... as `parentCandidates` says. */
  readonly source: string;
  /** The text recorded in the child. */
  readonly locator: string;
  /** The POSIX path it resolved to, or `undefined` when it cannot be resolved here. */
  readonly path: string | undefined;
  /** Whether a file exists there. */
  readonly found: boolean;
}

/** A candidate as `parentCandidates` returns it. */
export interface ParentCandidate {
  readonly source: string;
  readonly path: string;
  readonly relative: boolean;
}

/**
 * Looks for the parent among `candidates`, in order, for a child at `childPath`; resolves to every
 * attempt made, the last one `found` when a parent file exists.
 */
export async function findParent(
  candidates: readonly ParentCandidate[],
  childPath: string,
  drives: DriveMap = DEFAULT_DRIVES,
): Promise<ParentAttempt[]> {
  const childFolder = posix.dirname(realPathOr(childPath, posix.resolve(childPath)));
  const attempts: ParentAttempt[] = [];
  for (const candidate of candidates) {
    const path = hostPathFor(candidate.path, childFolder, drives);
    const found = path !== undefined && factsOf(path)?.isFile() === true;
    attempts.push({ source: candidate.source, locator: candidate.path, path, found });
    if (found) break;
  }
  return attempts;
}
