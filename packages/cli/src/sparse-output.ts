/**
 * When `cat` may leave holes in its output instead of writing zeros: stdout is a regular file,
 * written at its end, that no other process can write after us.
 *
 * A hole is made by writing the bytes after it at their own position (`pwrite`) and, at the end,
 * setting the file's size. Node.js has no `lseek`, so those writes leave the shared file offset
 * where it was: a command that writes to the same open file after `vskit cat` (the `printf` of
 * `{ vskit cat a.vhd; printf x; } > f`) would write over the disk's first bytes. So holes are
 * left only when no process that could do so holds the file: the shell that started us, and every
 * process above it, are looked at (Linux's `/proc`); anywhere else, or when one of them has the
 * file open, or cannot be looked at, every byte is written.
 * @module
 */
import { constants, fstatSync, readdirSync, readFileSync, statSync } from 'node:fs';

/** Where a descriptor's file offset is, and its open flags, from `/proc/self/fdinfo`. */
export interface DescriptorInfo {
  readonly position: number;
  readonly flags: number;
}

/** Reads `/proc/self/fdinfo/<fd>` (undefined where there is none). */
export function descriptorInfo(fd: number): DescriptorInfo | undefined {
  try {
    const text = readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8');
    const position = /^pos:\s+(\d+)$/m.exec(text)?.[1];
    const flags = /^flags:\s+([0-7]+)$/m.exec(text)?.[1];
    if (position === undefined || flags === undefined) return undefined;
    return { position: Number(position), flags: Number.parseInt(flags, 8) };
  } catch {
    return undefined;
  }
}

/** The parent of process `pid`, from `/proc/<pid>/stat` (undefined when it cannot be read). */
export function parentOf(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid ...: comm may hold spaces and parentheses, so read after the last ')'.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    const parent = Number(fields[1]);
    return Number.isInteger(parent) ? parent : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether process `pid` has the file `{ dev, ino }` open; `undefined` when its descriptors cannot
 * be listed (another user's process).
 */
export function holdsFile(pid: number, file: { dev: number; ino: number }): boolean | undefined {
  let names: string[];
  try {
    names = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return undefined;
  }
  return names.some((name) => {
    try {
      const facts = statSync(`/proc/${pid}/fd/${name}`);
      return facts.dev === file.dev && facts.ino === file.ino;
    } catch {
      return false;
    }
  });
}

/**
 * The position where output to `fd` may start leaving holes, or `undefined` when every byte must
 * be written: `fd` is a regular file opened without `O_APPEND`, its offset is at its end (so
 * nothing past the offset would show through a hole), and neither the parent process nor any
 * process above it has the file open.
 */
export function holeStart(fd: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  let facts: ReturnType<typeof fstatSync>;
  try {
    facts = fstatSync(fd);
  } catch {
    return undefined;
  }
  if (!facts.isFile()) return undefined;
  const info = descriptorInfo(fd);
  if (info === undefined || (info.flags & constants.O_APPEND) !== 0) return undefined;
  if (info.position !== facts.size) return undefined;
  const file = { dev: facts.dev, ino: facts.ino };
  for (let pid = process.ppid, steps = 0; pid > 0 && steps < 64; steps++) {
    if (holdsFile(pid, file) !== false) return undefined;
    if (pid === 1) break;
    const parent = parentOf(pid);
    if (parent === undefined) return undefined;
    pid = parent;
  }
  return info.position;
}
