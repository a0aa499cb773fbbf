import { closeSync, createReadStream, fstat, openSync, readSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { openChainAt } from '../chain.js';
import {
  type Command,
  flag,
  positionals,
  sizeOption,
  stringOption,
  stringOptions,
  writeText,
} from '../command.js';
import { CliError, usageError } from '../errors.js';
import { writeJson } from '../output.js';
import { printable } from '../printable.js';
import { createProgress } from '../progress.js';
import { driveMap } from '../volumes.js';
import { isAllZero } from '../zero-bytes.js';
import { rangeWithin } from './cat.js';

/** Bytes gathered from the input before each write into the disk: one default block. */
export const WRITE_CHUNK = 2 * 1024 * 1024;

/** What `write` reports. */
export interface WriteReport {
  readonly file: string;
  readonly offset: number;
  readonly bytes: number;
}

/** Input chunks regrouped into pieces of `size` bytes (the last one shorter). */
export async function* regroup(
  input: AsyncIterable<Uint8Array | string>,
  size: number,
): AsyncGenerator<Uint8Array> {
  let pending = new Uint8Array(size);
  let filled = 0;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : chunk;
    let at = 0;
    while (at < bytes.length) {
      const take = Math.min(size - filled, bytes.length - at);
      pending.set(bytes.subarray(at, at + take), filled);
      filled += take;
      at += take;
      if (filled === size) {
        yield pending;
        pending = new Uint8Array(size);
        filled = 0;
      }
    }
  }
  if (filled > 0) yield pending.subarray(0, filled);
}

/**
 * The regular file at `path` in pieces of `size` bytes (the last one shorter), read with blocking
 * `readSync` calls straight into one buffer: each piece is the same buffer, filled again once the
 * consumer asks for the next, so a consumer must be done with a piece before it moves on.
 */
export function* filePieces(path: string, size: number): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    const buffer = new Uint8Array(size);
    for (;;) {
      let filled = 0;
      while (filled < size) {
        const n = readSync(fd, buffer, filled, size - filled, null);
        if (n === 0) break;
        filled += n;
      }
      if (filled > 0) yield filled === size ? buffer : buffer.subarray(0, filled);
      if (filled < size) return;
    }
  } finally {
    closeSync(fd);
  }
}

/** Where `write` reads from: a path (`undefined` for stdin) and, for a regular file, its size. */
export interface InputSource {
  readonly path: string | undefined;
  readonly size: number | undefined;
}

/**
 * The input named by `--input`: stdin when absent, `-`, or a name of the process's own stdin
 * that is not a regular file (`/dev/stdin` on a pipe, a socket or a terminal, which cannot
 * always be opened again); otherwise a regular file (whose size is known up front, so the whole
 * range is checked before writing) or anything else that can be read to its end: a pipe
 * (`<(...)`), a character device.
 * @throws CliError `NOT_A_FILE` for a folder; the errno (`ENOENT`, ...) when it cannot be read.
 */
export async function inputSource(option: string | undefined): Promise<InputSource> {
  const stdin: InputSource = { path: undefined, size: undefined };
  if (option === undefined || option === '-') return stdin;
  const info = statSync(option);
  if (info.isDirectory()) throw new CliError('NOT_A_FILE', `--input ${option} is a folder`);
  if (info.isFile()) return { path: option, size: info.size };
  const own = await new Promise<{ dev: number; ino: number } | undefined>((done) =>
    fstat(0, (error, facts) => done(error ? undefined : facts)),
  );
  if (own !== undefined && own.dev === info.dev && own.ino === info.ino) return stdin;
  return { path: option, size: undefined };
}

/**
 * The bytes of `input` in pieces of `size` bytes, and how to let go of the input afterwards: a
 * regular file read straight into one reused buffer ({@link filePieces}), stdin or a pipe through
 * a stream ({@link regroup}).
 */
export function inputPieces(
  input: InputSource,
  stdin: Readable,
  size: number,
): { pieces: Iterable<Uint8Array> | AsyncIterable<Uint8Array>; release(): void } {
  if (input.path !== undefined && input.size !== undefined) {
    return { pieces: filePieces(input.path, size), release() {} };
  }
  if (input.path === undefined) return { pieces: regroup(stdin, size), release() {} };
  const stream = createReadStream(input.path);
  return { pieces: regroup(stream, size), release: () => stream.destroy() };
}

/** `vskit write`: bytes from a file or stdin into the virtual disk. */
export const writeCommand: Command = {
  name: 'write',
  summary: 'write bytes from a file or stdin into the virtual disk at an offset',
  usage: ['write <file> --offset N [--input F] [--json] [--volume X=/dir ...]'],
  help: `Writes the bytes of F (or of stdin) into the virtual disk of <file>, starting at --offset.
Only the top layer changes: in a differencing child the written sectors are stored in the
child and the parent stays as it was. Bytes that would reach past the end of the disk are
refused (OUT_OF_RANGE); with --input naming a regular file the whole range is checked before
anything is written. A 2 MiB piece of zeros over a range no layer holds is not written (it
reads as zeros already), so writing a mostly empty raw disk allocates only what holds data.
A progress bar shows on stderr when stderr is a terminal.

Options:
  --offset N          where the first byte goes (required); sizes as 1MiB, 4096, 0x100000
  --input F           read from F instead of stdin: a file, a pipe (<(...), /dev/stdin),
                      or - for stdin
  --json              print the result as JSON: { file, offset, bytes }
  --volume X=/dir     read absolute W2ku locators on drive X: from /dir (Z: is / already)

Examples:
  $ vskit write child.vhd --offset 1MiB --input boot.bin
  wrote 512 bytes at offset 1048576 to /srv/child.vhd
  $ printf 'hello' | vskit write child.vhd --offset 0
  $ vskit write child.vhd --offset 0x100000 --input <(printf 'hello')
`,
  options: {
    offset: { type: 'string' },
    input: { type: 'string' },
    json: { type: 'boolean' },
    volume: { type: 'string', multiple: true },
  },
  async run(args, io) {
    const [path] = positionals(args.positionals, ['file']) as [string];
    const offset = sizeOption(args, 'offset');
    if (offset === undefined) throw usageError('--offset is required');
    const input = await inputSource(stringOption(args, 'input'));
    const drives = driveMap(stringOptions(args, 'volume'));
    // write does nothing while it waits for the disk: blocking calls skip the thread pool's hop.
    const { chain, sources } = await openChainAt(path, { writable: true, drives, io: 'sync' });
    let written = 0;
    try {
      rangeWithin(chain.virtualSize, offset, input.size ?? 0);
      const { pieces, release } = inputPieces(input, io.stdin, WRITE_CHUNK);
      const progress = createProgress(io.stderr, 'writing', input.size);
      try {
        for await (const piece of pieces) {
          const at = offset + written;
          rangeWithin(chain.virtualSize, at, piece.length);
          // Zeros over a range no layer holds read as zeros already: writing them would only
          // allocate blocks (an imported disk twice the size).
          const skip = isAllZero(piece) && !(await chain.isAllocated(at, piece.length));
          if (!skip) await chain.write(piece, at);
          written += piece.length;
          progress.update(written);
        }
      } finally {
        progress.finish();
        release();
      }
    } finally {
      await chain.close();
    }
    const report: WriteReport = { file: sources[0]?.path ?? resolve(path), offset, bytes: written };
    if (flag(args, 'json')) await writeJson(io.stdout, report);
    else
      await writeText(
        io.stdout,
        `wrote ${written} bytes at offset ${offset} to ${printable(report.file)}\n`,
      );
    return 0;
  },
};
