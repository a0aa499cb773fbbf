/**
 * The path grammar: names (ASCII, mixed case, non-ASCII), relative and rooted forms of a target,
 * decorations that keep the meaning (`.`, `x\..`, `..` above the root, case changes), invalid
 * characters, and padding to a chosen length (near 260).
 * @module
 */
import { type WindowsPath, windowsPath } from '@vskit/host';
import type { Chooser } from './chooser.js';

const BASES = ['vms', 'Disks', 'base', 'work', 'Été', 'данные', '数据', 'a', 'Long Name', 'x.y'];

/** A file or folder name. */
export function name(c: Chooser, prefix = ''): string {
  return `${prefix}${c.pick(BASES)}${c.int(100)}`;
}

/** Up to `max` folder names. */
export function folders(c: Chooser, max: number): string[] {
  const count = c.int(max + 1);
  return Array.from({ length: count }, () => name(c));
}

/** The characters Windows refuses, with a few control characters (`/` twice: it is the documented one). */
export const INVALID_CHARACTERS = [
  '*',
  '?',
  ':',
  '<',
  '>',
  '/',
  '/',
  '|',
  '"',
  '\x00',
  '\x01',
  '\t',
  '\x1f',
];

/** `text` with one invalid character inserted after any drive prefix. */
export function withInvalidCharacter(c: Chooser, text: string): string {
  const start = windowsPath.isAbsolute(text) ? 3 : 0;
  const at = start + c.int(Math.max(1, text.length - start + 1));
  return `${text.slice(0, at)}${c.pick(INVALID_CHARACTERS)}${text.slice(at)}`;
}

/** Swaps the case of letters in one name of `text` (same file, other spelling). */
export function flipCase(c: Chooser, text: string): string {
  const parts = text.split('\\');
  const i = c.int(parts.length);
  const part = parts[i] ?? '';
  if (i === 0 && /^[A-Za-z]:$/.test(part)) {
    parts[i] = part === part.toUpperCase() ? part.toLowerCase() : part.toUpperCase();
  } else {
    parts[i] = [...part]
      .map((ch) => (ch === ch.toUpperCase() ? ch.toLowerCase() : ch.toUpperCase()))
      .join('');
  }
  return parts.join('\\');
}

/** Meaning-preserving decorations of a path string. */
export function decorate(c: Chooser, text: string): string {
  let out = text;
  const kind = c.int(6);
  const cut = out.lastIndexOf('\\') + 1;
  if (kind === 1) out = `${out.slice(0, cut)}.\\${out.slice(cut)}`;
  if (kind === 2) out = `${out.slice(0, cut)}tmp\\..\\${out.slice(cut)}`;
  if (kind === 3 && windowsPath.isAbsolute(out)) out = `${out.slice(0, 3)}..\\${out.slice(3)}`;
  if (kind === 3 && windowsPath.isRooted(out)) out = `\\..${out}`;
  if (kind === 4) out = flipCase(c, out);
  return out;
}

/** How a path is given. */
export type PathForm = 'absolute' | 'relative' | 'rooted';

/** `target` written in `form` relative to `folder` (falls back to absolute across drives). */
export function written(target: WindowsPath, form: PathForm, folder: WindowsPath): string {
  if (form === 'rooted' && target.drive === folder.drive) return `\\${target.segments.join('\\')}`;
  if (form === 'relative') {
    const rel = windowsPath.relative(folder, target);
    if (rel !== undefined) return rel;
  }
  return windowsPath.format(target);
}

/** Folder names that make `format(path)` exactly `length` characters (when it is shorter). */
export function padFolders(path: WindowsPath, length: number): string[] {
  let missing = length - windowsPath.format(path).length;
  const out: string[] = [];
  while (missing > 0) {
    // each folder adds its name and a backslash
    if (missing === 1) {
      // one character: lengthen the previous folder
      out[out.length - 1] += 'p';
      break;
    }
    const size = Math.min(60, missing - 1);
    out.push('p'.repeat(size));
    missing -= size + 1;
  }
  return out;
}

/** `path` with padding folders inserted before its last name, making it exactly `length` long. */
export function padTo(path: WindowsPath, length: number): WindowsPath {
  const head = path.segments.slice(0, -1);
  let last = path.segments[path.segments.length - 1] ?? 'x';
  if (length - windowsPath.format(path).length === 1) last = `p${last}`;
  const padded = padFolders({ drive: path.drive, segments: [...head, last] }, length);
  return { drive: path.drive, segments: [...head, ...padded, last] };
}

/** A given string of at least `length` characters naming the same file (`\x\..` padding). */
export function lengthenGiven(text: string, length: number): string {
  const cut = text.lastIndexOf('\\') + 1;
  let pad = '';
  while (text.length + pad.length < length) pad += 'pad\\..\\';
  return `${text.slice(0, cut)}${pad}${text.slice(cut)}`;
}
