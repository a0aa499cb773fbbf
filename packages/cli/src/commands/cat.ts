import type { VhdChain } from '@vskit/vhd-format';
import { openChainAt } from '../chain.js';
import { type Command, positionals, sizeOption, stringOptions } from '../command.js';
import { CliError } from '../errors.js';
import { printable } from '../printable.js';
import { createProgress } from '../progress.js';
import { type ByteSink, outputSink } from '../stream-out.js';
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

/**
 * Copies `length` bytes of `chain` from `offset` into `sink`, in pieces that end on
 * {@link CAT_CHUNK} boundaries of the disk (so each lines up with the blocks). A piece that no
 * layer stores data for is not read: it goes to `sink.zeros` (a hole where the sink leaves
 * holes, zeros from one shared buffer otherwise). Data is read into one buffer, used again for
 * each piece when the sink allows it. Resolves to the bytes delivered: fewer than `length` when
 * the reader went away.
 */
export async function copyOut(
  chain: VhdChain,
  offset: number,
  length: number,
  sink: ByteSink,
  onProgress: (done: number) => void = () => undefined,
): Promise<number> {
  let buffer: Uint8Array | undefined;
  for (let done = 0; done < length; ) {
    const at = offset + done;
    const n = Math.min(CAT_CHUNK - (at % CAT_CHUNK), length - done);
    let delivered: boolean;
    if (!(await chain.isAllocated(at, n))) delivered = await sink.zeros(n);
    else {
      if (buffer === undefined || !sink.reusesBuffers) {
        buffer = new Uint8Array(sink.reusesBuffers ? Math.min(CAT_CHUNK, length) : n);
      }
      const bytes = buffer.subarray(0, n);
      await chain.read(bytes, at);
      delivered = await sink.write(bytes);
    }
    if (!delivered) return done;
    done += n;
    onProgress(done);
  }
  return length;
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
Redirected to a file of its own (\`> disk.raw\`, on Linux), cat leaves holes where no layer
holds data: the file reads the same and takes less room. Into a file other commands write to
as well (\`{ vskit cat a.vhd; cat tail; } > f\`, or \`>>\`), every byte is written.

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
    // Into a file of its own, what no layer stores becomes a hole (see sparse-output.ts).
    const sink = outputSink(io.stdout, true);
    try {
      const length = rangeWithin(chain.virtualSize, offset, requested);
      const progress = createProgress(io.stderr, 'reading', length);
      try {
        await copyOut(chain, offset, length, sink, (done) => progress.update(done));
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
