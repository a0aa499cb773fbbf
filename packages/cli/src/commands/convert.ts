import { basename, resolve } from 'node:path';
import { HostError, type HostFile, isHostError } from '@vskit/host';
import {
  createFileAtomically,
  NODE_BLOCKING_CREATION_STEPS,
  openNodeFile,
} from '@vskit/host-node/file';
import {
  type ConvertResult,
  type ConvertTargetType,
  convertDisk,
  DEFAULT_BLOCK_SIZE,
  type RandomAccessFile,
  rawDisk,
  type VhdChain,
  type VirtualDisk,
} from '@vskit/vhd-format';
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
import { CliError, EXIT_INTERRUPTED, usageError } from '../errors.js';
import { factsOf } from '../file-facts.js';
import { sizeWithBytes, writeJson } from '../output.js';
import { printable } from '../printable.js';
import { createProgress } from '../progress.js';
import { exportRaw } from '../raw-export.js';
import { formatSize } from '../sizes.js';
import { driveMap } from '../volumes.js';
import { isAllZero } from '../zero-bytes.js';

/** What `convert` reports. */
export interface ConvertReport {
  readonly input: string;
  /** What the input was found to be: a VHD (read with its parents) or raw disk bytes. */
  readonly inputFormat: 'vhd' | 'raw';
  /** Layers read (1 for a single image or a raw file). */
  readonly layers: number;
  readonly output: string;
  readonly type: ConvertTargetType;
  readonly virtualSize: number;
  readonly fileSize: number;
  /** Disk bytes written; all-zero data is left out. */
  readonly dataBytes: number;
  readonly blockSize?: number;
  readonly allocatedBlocks?: number;
  /** Zero bytes added to a raw input to make whole sectors. */
  readonly padding: number;
}

const TYPES: readonly ConvertTargetType[] = ['fixed', 'dynamic', 'raw'];

const isChain = (source: VhdChain | VirtualDisk): source is VhdChain => 'layers' in source;
const COOKIE = 'conectix';

/**
 * The type `--type` names, or by the output's name when absent: `dynamic` for a name ending in
 * `.vhd` (any case), `raw` otherwise.
 */
export function targetType(text: string | undefined, output: string): ConvertTargetType {
  if (text === undefined) return /\.vhd$/i.test(output) ? 'dynamic' : 'raw';
  if (!(TYPES as readonly string[]).includes(text)) {
    throw usageError(`unknown --type '${text}': fixed, dynamic or raw`);
  }
  return text as ConvertTargetType;
}

function cookieAt(bytes: Uint8Array, offset: number): boolean {
  if (offset < 0 || offset + COOKIE.length > bytes.length) return false;
  for (let i = 0; i < COOKIE.length; i++) {
    if (bytes[offset + i] !== COOKIE.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Whether `file` holds a VHD: its footer cookie at the end (a 512- or 511-byte footer) or its
 * copy at 0. Anything else is raw disk bytes.
 */
export async function looksLikeVhd(file: HostFile): Promise<boolean> {
  const size = await file.size();
  const head = new Uint8Array(Math.min(COOKIE.length, size));
  await file.read(head, 0);
  const tail = new Uint8Array(Math.min(512, size));
  await file.read(tail, size - tail.length);
  return cookieAt(head, 0) || cookieAt(tail, 0) || cookieAt(tail, 1);
}

/**
 * Writes `path` whole or not at all through `createFileAtomically` (never replacing anything
 * there), its file writing on the thread pool; Ctrl-C stops the copy, removes the temporary file
 * and ends with `CANCELLED`.
 */
async function createTarget<T>(
  path: string,
  fill: (file: HostFile, signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.on('SIGINT', onInterrupt);
  let result: T | undefined;
  try {
    await createFileAtomically(
      path,
      async (file) => {
        result = await fill(file, controller.signal);
      },
      {
        signal: controller.signal,
        // Blocking steps (no thread-pool hop for each of the creation's dozen calls): the
        // command owns its thread, and its Ctrl-C is seen while the copy waits for its writes.
        steps: {
          ...NODE_BLOCKING_CREATION_STEPS,
          createNew: (temporary) =>
            openNodeFile(temporary, 'createNew', { share: 'none', io: 'async' }),
        },
      },
    );
  } catch (error) {
    if (controller.signal.aborted) {
      throw new CliError(
        'CANCELLED',
        `convert interrupted; ${path} was not made`,
        EXIT_INTERRUPTED,
      );
    }
    if (isHostError(error, 'EEXIST')) {
      throw new HostError('EEXIST', 'create', path, 'already exists; convert never overwrites');
    }
    throw error;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  return result as T;
}

/** The source to read: a chain (closed by `close`) or a raw file. */
async function openSource(
  path: string,
  drives: ReturnType<typeof driveMap>,
): Promise<{
  source: VhdChain | VirtualDisk;
  /** The files of a chain's layers, top first (none for a raw file). */
  layerFiles: readonly RandomAccessFile[];
  format: 'vhd' | 'raw';
  layers: number;
  padding: number;
  warnings: readonly string[];
  close: () => Promise<void>;
}> {
  const facts = factsOf(path);
  if (facts !== undefined && !facts.isFile() && !facts.isBlockDevice()) {
    throw new CliError(
      'NOT_A_FILE',
      `${path} is ${facts.isDirectory() ? 'a folder' : 'not a regular file'}`,
    );
  }
  // The source is read with blocking calls, on the main thread, while the writes of what was
  // read before run on the thread pool's one thread (see `threadPoolSize` below).
  const file = await openNodeFile(path, 'read', { io: 'sync' });
  let vhd: boolean;
  try {
    vhd = await looksLikeVhd(file);
  } catch (error) {
    await file.close().catch(() => undefined);
    throw error;
  }
  if (!vhd) {
    const disk = await rawDisk(file);
    const size = await file.size();
    return {
      source: disk,
      layerFiles: [],
      format: 'raw',
      layers: 1,
      padding: disk.virtualSize - size,
      warnings: [],
      close: () => file.close(),
    };
  }
  await file.close();
  const { chain, sources } = await openChainAt(path, { drives, io: 'sync' });
  return {
    source: chain,
    layerFiles: sources.map((s) => s.file),
    format: 'vhd',
    layers: chain.layers.length,
    padding: 0,
    warnings: chain.warnings,
    close: () => chain.close(),
  };
}

/** The human text of `vskit convert`. */
export function renderConverted(r: ConvertReport): string {
  const from =
    r.inputFormat === 'vhd' ? `VHD, ${r.layers} layer${r.layers === 1 ? '' : 's'}` : 'raw';
  const lines = [
    `converted ${r.input} (${from}) to ${r.type} ${r.output}`,
    `  virtual size  ${sizeWithBytes(r.virtualSize)}`,
    `  file size     ${sizeWithBytes(r.fileSize)}`,
    `  data written  ${sizeWithBytes(r.dataBytes)}`,
  ];
  if (r.blockSize !== undefined) {
    lines.push(
      `  block size    ${formatSize(r.blockSize)}`,
      `  blocks        ${r.allocatedBlocks} allocated`,
    );
  }
  return `${lines.map(printable).join('\n')}\n`;
}

/** `vskit convert`. */
export const convertCommand: Command = {
  name: 'convert',
  // One thread writes, in order, while the main thread reads the source with blocking calls:
  // a file takes one write at a time (its lock), and from one thread the next write starts as
  // the last ends, with no turn of the event loop between them. With the default four threads,
  // writes queued together ran at once and waited on the lock (measured slower, more CPU).
  threadPoolSize: 1,
  summary: 'copy a disk (a chain flattened, or raw bytes) into a new fixed, dynamic or raw file',
  usage: ['convert <in> <out> [--type fixed|dynamic|raw] [--block-size 2MiB] [--json]'],
  help: `Reads the virtual disk of <in> and writes it to the new file <out>. <in> is a VHD when it
carries a VHD footer (a differencing disk is read with its parents and comes out flattened),
raw disk bytes otherwise (a raw size that is not a whole number of 512-byte sectors is padded
with zeros, with a warning). <in> is only read. <out> is never overwritten (EEXIST) and
appears only when complete: a failure or Ctrl-C (exit 130, CANCELLED) leaves nothing there.
All-zero data is not stored: a dynamic <out> allocates only blocks holding a non-zero byte;
a raw or fixed <out> is written sparse (holes where the disk reads as zeros).

Options:
  --type T            fixed, dynamic or raw; default: dynamic when <out> ends in .vhd, else raw
  --block-size N      block size of a dynamic <out> (default 2MiB)
  --volume X=/dir     read absolute W2ku locators on drive X: from /dir (Z: is / already)
  --json              print the report as JSON

Examples:
  $ vskit convert child.vhd flat.vhd                 # flatten a chain into one dynamic VHD
  $ vskit convert disk.vhd disk.raw                  # export raw bytes (sparse)
  $ vskit convert disk.raw disk.vhd --type fixed     # import raw bytes
`,
  options: {
    type: { type: 'string' },
    'block-size': { type: 'string' },
    volume: { type: 'string', multiple: true },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const [inText, outText] = positionals(args.positionals, ['in', 'out']) as [string, string];
    const input = resolve(inText);
    const output = resolve(outText);
    const type = targetType(stringOption(args, 'type'), outText);
    const blockSize = sizeOption(args, 'block-size');
    if (blockSize !== undefined && type !== 'dynamic') {
      throw usageError('--block-size applies to a dynamic output only');
    }
    const drives = driveMap(stringOptions(args, 'volume'));
    const opened = await openSource(input, drives);
    let result: ConvertResult;
    try {
      for (const warning of opened.warnings) {
        io.stderr.write(`vskit: warning: ${printable(warning)}\n`);
      }
      if (opened.padding > 0) {
        io.stderr.write(
          `vskit: warning: ${printable(input)} is not a whole number of sectors; ${opened.padding} zero bytes end the disk\n`,
        );
      }
      const total = opened.source.virtualSize;
      const progress = createProgress(io.stderr, `converting ${basename(input)}`, total);
      try {
        const onProgress = (done: number) => progress.update(done);
        const { source } = opened;
        const rawExport = type === 'raw' && isChain(source);
        result = await createTarget(output, (file, signal) =>
          rawExport
            ? exportRaw(source, opened.layerFiles, file, signal, { onProgress, isAllZero }).then(
                (r) => ({
                  ...r,
                  type,
                  virtualSize: source.virtualSize,
                  allocatedBlocks: 0,
                }),
              )
            : convertDisk(source, file, {
                type,
                ...(type === 'dynamic' ? { blockSizeBytes: blockSize ?? DEFAULT_BLOCK_SIZE } : {}),
                isAllZero,
                signal,
                onProgress,
              }),
        );
      } finally {
        progress.finish();
      }
    } finally {
      await opened.close();
    }
    const report: ConvertReport = {
      input,
      inputFormat: opened.format,
      layers: opened.layers,
      output,
      type,
      virtualSize: result.virtualSize,
      fileSize: result.fileSize,
      dataBytes: result.dataBytes,
      ...(type === 'dynamic'
        ? { blockSize: blockSize ?? DEFAULT_BLOCK_SIZE, allocatedBlocks: result.allocatedBlocks }
        : {}),
      padding: opened.padding,
    };
    if (flag(args, 'json')) await writeJson(io.stdout, report);
    else await writeText(io.stdout, renderConverted(report));
    return 0;
  },
};
