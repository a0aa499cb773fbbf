/**
 * Windows path rules, as Virtual Server 2005 applies them (see the vs-api README for the
 * decisions). One implementation, shared by vs-api's checks and every host.
 *
 * - Absolute: `X:\...` (drive letter, colon, backslash). Everything else is relative, including a
 *   rooted `\dir\file` (it takes the other path's drive) and the empty string.
 * - Invalid characters: `* ? : < > / | "` and control characters 0x00-0x1F, except the colon of a
 *   leading `X:\`.
 * - `.` and `..` segments are normalised; `..` never climbs above the drive root; empty segments
 *   (`a\\b`) collapse.
 * - Names compare case-insensitively and keep their case.
 * @module
 */

/** Windows' MAX_PATH: a usable path has fewer characters than this. */
export const MAX_PATH = 260;

/** The characters Windows refuses in a path (besides control characters). */
export const INVALID_PATH_CHARACTERS = '*?:<>/|"';

/** A normalised absolute Windows path: a drive and the names below its root. */
export interface WindowsPath {
  /** Upper-case drive letter without the colon. */
  readonly drive: string;
  /** Folder and file names below the root, case preserved, never `.`, `..` or empty. */
  readonly segments: readonly string[];
}

/** Where a path holds a character Windows refuses. */
export interface InvalidCharacter {
  /** Index of the character in the path. */
  readonly index: number;
  /** The character itself. */
  readonly char: string;
}

const ABSOLUTE = /^[A-Za-z]:\\/;

/** Whether `path` is absolute: a drive letter, a colon and a backslash. */
export function isAbsolute(path: string): boolean {
  return ABSOLUTE.test(path);
}

/** Whether `path` is rooted without a drive (`\dir\file`): relative, but to the other drive's root. */
export function isRooted(path: string): boolean {
  return path.startsWith('\\');
}

/** The first character Windows refuses in `path`, or `undefined` if every character is valid. */
export function findInvalidCharacter(path: string): InvalidCharacter | undefined {
  const driveColon = ABSOLUTE.test(path) ? 1 : -1;
  for (let index = 0; index < path.length; index++) {
    const code = path.charCodeAt(index);
    const char = path.charAt(index);
    if (code < 0x20 || (INVALID_PATH_CHARACTERS.includes(char) && index !== driveColon)) {
      return { index, char };
    }
  }
  return undefined;
}

function normalise(drive: string, base: readonly string[], tail: string): WindowsPath {
  const segments = [...base];
  for (const name of tail.split('\\')) {
    if (name === '' || name === '.') continue;
    if (name === '..') segments.pop();
    else segments.push(name);
  }
  return { drive: drive.toUpperCase(), segments };
}

/**
 * Parses an absolute path into its normalised form, or `undefined` when `path` is not absolute.
 * Does not check characters: call {@link findInvalidCharacter} first.
 */
export function parseAbsolute(path: string): WindowsPath | undefined {
  if (!isAbsolute(path)) return undefined;
  return normalise(path.charAt(0), [], path.slice(3));
}

/**
 * Resolves `path` against `folder`: an absolute path stands alone, a rooted one (`\x`) takes the
 * folder's drive, anything else (the empty string too) is appended to the folder. The result is
 * normalised; `..` stops at the drive root.
 */
export function resolve(path: string, folder: WindowsPath): WindowsPath {
  if (isAbsolute(path)) return normalise(path.charAt(0), [], path.slice(3));
  if (isRooted(path)) return normalise(folder.drive, [], path);
  return normalise(folder.drive, folder.segments, path);
}

/** The path as text: `C:\a\b` (the root alone is `C:\`). */
export function format(path: WindowsPath): string {
  return `${path.drive}:\\${path.segments.join('\\')}`;
}

/** The folder that contains `path` (the root contains itself). */
export function dirname(path: WindowsPath): WindowsPath {
  return { drive: path.drive, segments: path.segments.slice(0, -1) };
}

/** The last name of `path` (`''` for a drive root). */
export function basename(path: WindowsPath): string {
  return path.segments[path.segments.length - 1] ?? '';
}

/** `path` with more names appended (each may itself hold backslashes, `.` or `..`). */
export function join(path: WindowsPath, ...names: string[]): WindowsPath {
  return normalise(path.drive, path.segments, names.join('\\'));
}

const SURROGATE = /[\ud800-\udfff]/;

/** A name folded for case-insensitive comparison, keeping its length. */
export function foldCase(name: string): string {
  // Upper-casing maps each character to one or more, never to none, and without context. When
  // the whole name keeps its length and neither side holds a surrogate, every character mapped
  // to exactly one: the whole name at once is the same fold.
  const upper = name.toUpperCase();
  if (upper.length === name.length && !SURROGATE.test(upper) && !SURROGATE.test(name)) {
    return upper;
  }
  let out = '';
  for (const char of name) {
    const upper = char.toUpperCase();
    out += [...upper].length === 1 ? upper : char;
  }
  return out;
}

/** A key that is equal for two paths exactly when Windows would take them for one file. */
export function pathKey(path: WindowsPath): string {
  return foldCase(format(path));
}

/** Whether two paths name the same file, case-insensitively. */
export function samePath(a: WindowsPath, b: WindowsPath): boolean {
  return pathKey(a) === pathKey(b);
}

/** Whether `inner` is `outer` itself or lies below it. */
export function isWithin(inner: WindowsPath, outer: WindowsPath): boolean {
  if (inner.drive !== outer.drive || inner.segments.length < outer.segments.length) return false;
  return outer.segments.every(
    (name, i) => foldCase(name) === foldCase(inner.segments[i] as string),
  );
}

/**
 * The path of `target` relative to `folder`, in the form a `W2ru` parent locator holds:
 * `.\name` or `..\..\dir\name`. `undefined` when the two lie on different drives, where no
 * relative path exists.
 */
export function relative(folder: WindowsPath, target: WindowsPath): string | undefined {
  if (folder.drive !== target.drive) return undefined;
  let common = 0;
  while (
    common < folder.segments.length &&
    common < target.segments.length &&
    foldCase(folder.segments[common] as string) === foldCase(target.segments[common] as string)
  ) {
    common++;
  }
  const ups = folder.segments.length - common;
  const rest = target.segments.slice(common);
  const prefix = ups === 0 ? ['.'] : Array.from({ length: ups }, () => '..');
  return [...prefix, ...rest].join('\\');
}
