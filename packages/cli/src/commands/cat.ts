import { openChainAt } from '../chain.js';
import { type Command, positionals, sizeOption, stringOptions } from '../command.js';
import { CliError } from '../errors.js';
import { printable } from '../printable.js';
import { createProgress } from '../progress.js';
import { outputSink } from '../stream-out.js';
import { driveMap } from '../volumes.js';

/** Bytes read through the chain per step: one block of a default dynamic disk. */
export const CAT_CHUNK = 2 * 1024 * 1024;

/**
 * Checks that `[offset, offset + length)` lies within a disk of `size` bytes and returns the
 * length (all of the rest when not given).
 * @throws CliError `OUT_OF_RANGE`.
 */
export function rangeWithin(size: number, offset: number, length: number | undefined): number {
  if (offset > size) {
    throw new CliError(
      'OUT_OF_RANGE',
      `offset ${offset} is beyond the end of the disk (${size} bytes)`,
    );
  }
  const count = length ?? size - offset;
  if (offset + count > size) {
    throw new CliError(
      'OUT_OF_RANGE',
      `${count} bytes at offset ${offset} reach beyond the end of the disk (${size} bytes)`,
    );
  }
  return count;
}

/** `vskit cat`: the virtual disk's bytes to stdout. */
export const catCommand: Command = {
  name: 'cat',
  summary: 'write raw virtual-disk bytes, read through the chain, to stdout',
  usage: ['cat <file> [--offset N] [--length N] [--volume X=/dir ...]'],
  help: `Reads the virtual disk of <file> (its parents supply what the child does not hold) and
writes the raw bytes to stdout: the whole disk, or --length bytes from --offset. A progress bar
shows on stderr when stderr is a terminal. When the reader stops early (| head), cat stops quietly.
What the open had to tolerate (a stale checksum, a footer read from its copy at offset 0, ...)
prints first on stderr, one \`vskit: warning: ...\` line each.

Options:
  --offset N          first byte (default 0); sizes as 1MiB, 4096, 0x100000
  --length N          how many bytes (default: to the end of the disk)
  --volume X=/dir     read absolute W2ku locators on drive X: from /dir (Z: is / already)

Examples:
  $ vskit cat child.vhd > disk.raw
  $ vskit cat child.vhd --offset 1MiB --length 512 | xxd | head
`,
  options: {
    offset: { type: 'string' },
    length: { type: 'string' },
    volume: { type: 'string', multiple: true },
  },
  async run(args, io) {
    const [path] = positionals(args.positionals, ['file']) as [string];
    const offset = sizeOption(args, 'offset') ?? 0;
    const requested = sizeOption(args, 'length');
    const drives = driveMap(stringOptions(args, 'volume'));
    // cat does nothing while it waits for a read: blocking calls skip the thread pool's hop.
    const { chain } = await openChainAt(path, { drives, io: 'sync' });
    // What the open repaired or tolerated (a stale checksum, a footer read from its copy...).
    for (const warning of chain.warnings)
      io.stderr.write(`vskit: warning: ${printable(warning)}\n`);
    const sink = outputSink(io.stdout);
    try {
      const length = rangeWithin(chain.virtualSize, offset, requested);
      const progress = createProgress(io.stderr, 'reading', length);
      try {
        let buffer = new Uint8Array(Math.min(CAT_CHUNK, length));
        for (let done = 0; done < length; ) {
          if (!sink.reusesBuffers && done > 0) buffer = new Uint8Array(buffer.length);
          const n = Math.min(CAT_CHUNK, length - done);
          const bytes = n === buffer.length ? buffer : buffer.subarray(0, n);
          await chain.read(bytes, offset + done);
          if (!(await sink.write(bytes))) break;
          done += n;
          progress.update(done);
        }
      } finally {
        progress.finish();
      }
    } finally {
      sink.release();
      await chain.close();
    }
    return 0;
  },
};
