import { basename, resolve } from 'node:path';
import { HostError, isHostError } from '@vskit/host';
import { createFileAtomically } from '@vskit/host-node/file';
import {
  isVhdFormatError,
  type MapRun,
  mapChain,
  mapPicture,
  renderMapHtml,
  renderMapSvg,
  type VhdChain,
} from '@vskit/vhd-format';
import { type LayerSource, openChainAt } from '../chain.js';
import {
  type CliIo,
  type Command,
  flag,
  positionals,
  stringOption,
  stringOptions,
  writeText,
} from '../command.js';
import { CliError, EXIT_INTERRUPTED, usageError } from '../errors.js';
import { writeJson } from '../output.js';
import { printable, printableJson } from '../printable.js';
import { createProgress } from '../progress.js';
import { driveMap } from '../volumes.js';

/** One layer as `map --json` names it. */
export interface MapLayer {
  /** 0 for the top. */
  readonly depth: number;
  /** The layer's file. */
  readonly path: string;
  readonly type: 'fixed' | 'dynamic' | 'differencing';
  readonly virtualSize: number;
  readonly fileSize: number;
}

/**
 * One run as `map --json` prints it: qemu-img's names where the meaning is the same. `data`
 * when a layer's file holds the run (at `offset` in the file of layer `depth`); `zero` when no
 * layer does and it reads as zeros (then `depth` is the number of layers and there is no
 * `offset`).
 */
export interface MapJsonRun {
  readonly start: number;
  readonly length: number;
  readonly depth: number;
  readonly data: boolean;
  readonly zero: boolean;
  readonly offset?: number;
}

/** The run as `--json` prints it. */
export function jsonRun(run: MapRun, layers: number): MapJsonRun {
  const data = run.depth < layers;
  return {
    start: run.start,
    length: run.length,
    depth: run.depth,
    data,
    zero: !data,
    ...(run.offset === undefined ? {} : { offset: run.offset }),
  };
}

/** `0x200000`, or `0`: numbers as `qemu-img map` prints them. */
function hex(n: number): string {
  return n === 0 ? '0' : `0x${n.toString(16)}`;
}

const COLUMN = 16;

/** The table's heading line. */
export const MAP_TABLE_HEADING = `${'Offset'.padEnd(COLUMN)}${'Length'.padEnd(COLUMN)}${'Mapped to'.padEnd(COLUMN)}${'Layer'.padEnd(7)}File`;

/** One line of the human table: offset, length, where in which file (or `zero`, `-`). */
export function tableLine(run: MapRun, paths: readonly string[]): string {
  const path = paths[run.depth];
  const to = run.offset === undefined ? 'zero' : hex(run.offset);
  const layer = path === undefined ? '-' : String(run.depth);
  return printable(
    `${hex(run.start).padEnd(COLUMN)}${hex(run.length).padEnd(COLUMN)}${to.padEnd(COLUMN)}${layer.padEnd(7)}${path ?? '-'}`,
  );
}

/** Lines gathered before each write to stdout. */
const BATCH = 512;

async function layersOf(chain: VhdChain, sources: readonly LayerSource[]): Promise<MapLayer[]> {
  const out: MapLayer[] = [];
  for (const [depth, layer] of chain.layers.entries()) {
    const source = sources[depth] as LayerSource;
    out.push({
      depth,
      path: source.path,
      type: layer.type,
      virtualSize: layer.virtualSize,
      fileSize: await source.file.size(),
    });
  }
  return out;
}

/** Streams the runs as the table or as JSON (runs last, one per line, never all in memory). */
async function printRuns(
  chain: VhdChain,
  file: string,
  layers: readonly MapLayer[],
  json: boolean,
  io: CliIo,
  signal: AbortSignal,
): Promise<void> {
  const progress = createProgress(io.stderr, 'mapping', chain.virtualSize);
  const paths = layers.map((l) => l.path);
  let batch: string[] = [];
  let first = true;
  const flush = async () => {
    if (batch.length > 0) await writeText(io.stdout, batch.join(''));
    batch = [];
  };
  try {
    if (json) {
      const head = JSON.stringify({ file, virtualSize: chain.virtualSize, layers }, null, 2);
      batch.push(`${printableJson(head.slice(0, -2))},\n  "runs": [`);
    } else {
      batch.push(`${MAP_TABLE_HEADING}\n`);
    }
    const runs = mapChain(chain, { signal, onProgress: (done) => progress.update(done) });
    for await (const run of runs) {
      if (json) {
        batch.push(`${first ? '' : ','}\n    ${JSON.stringify(jsonRun(run, layers.length))}`);
      } else {
        batch.push(`${tableLine(run, paths)}\n`);
      }
      first = false;
      if (batch.length >= BATCH) await flush();
    }
    if (json) batch.push('\n  ]\n}\n');
    await flush();
  } finally {
    progress.finish();
  }
}

/** Writes the picture of `chain` to `target` whole or not at all (never replacing a file). */
async function writePicture(
  chain: VhdChain,
  layers: readonly MapLayer[],
  target: string,
  kind: 'html' | 'svg',
  io: CliIo,
  signal: AbortSignal,
) {
  const progress = createProgress(io.stderr, 'mapping', chain.virtualSize);
  let picture: Awaited<ReturnType<typeof mapPicture>>;
  try {
    picture = await mapPicture(chain, {
      labels: layers.map((l) => l.path),
      title: basename(layers[0]?.path ?? target),
      signal,
      onProgress: (done) => progress.update(done),
    });
  } finally {
    progress.finish();
  }
  const text = kind === 'html' ? renderMapHtml(picture) : renderMapSvg(picture);
  await createFileAtomically(
    target,
    async (file) => {
      await file.write(new TextEncoder().encode(text), 0);
    },
    { signal },
  );
  return {
    picture: target,
    format: kind,
    cells: picture.rows[0]?.length ?? 0,
    blocksPerCell: picture.blocksPerCell,
    blockSize: picture.blockSize,
  };
}

/** `vskit map`: which layer holds each range of the virtual disk; a picture of it. */
export const mapCommand: Command = {
  name: 'map',
  summary: 'show which layer holds each range of the virtual disk, as a table, JSON or a picture',
  usage: ['map <file> [--json] [--html FILE | --svg FILE] [--volume X=/dir ...]'],
  help: `Opens <file> and its parents and lists, range by range, which layer's file holds the
virtual disk's bytes and where in that file (as \`qemu-img map\` does, through the whole chain):
Offset and Length in the virtual disk, Mapped to (the byte offset in the file, or \`zero\` where
no layer holds the range and it reads as zeros), Layer (0 is the file given) and File. Only the
tables and sector bitmaps are read, a window at a time, so any disk maps in bounded memory.

--html FILE or --svg FILE draws the block map instead: one band per layer, top first, and one
for zeros; each cell is a block (or, on large disks, a group of blocks: the picture says how
many), solid where that layer supplies all of it when the disk is read through the chain, pale
with a bar as high as its share where it supplies part, a dot where its file holds bytes a layer
above hides. FILE is created whole or not at all and never replaced.

Options:
  --json              one JSON document: file, virtualSize, layers (depth, path, type,
                      virtualSize, fileSize) and runs (start, length, depth, data, zero, offset)
  --html FILE         write the block map as an HTML page (no script)
  --svg FILE          write the block map as an SVG image
  --volume X=/dir     read absolute W2ku locators on drive X: from /dir (Z: is / already)

Examples:
  $ vskit map vms/child.vhd
  Offset          Length          Mapped to       Layer  File
  0               0x200000        0xa00           1      /srv/base/p.vhd
  0x200000        0x200           0xe00           0      /srv/vms/child.vhd
  0x200200        0x3ffe00        zero            -      -
  $ vskit map vms/child.vhd --html map.html
`,
  options: {
    json: { type: 'boolean' },
    html: { type: 'string' },
    svg: { type: 'string' },
    volume: { type: 'string', multiple: true },
  },
  async run(args, io) {
    const [path] = positionals(args.positionals, ['file']) as [string];
    const html = stringOption(args, 'html');
    const svg = stringOption(args, 'svg');
    if (html !== undefined && svg !== undefined) {
      throw usageError('give --html or --svg, not both (run vskit map --help)');
    }
    const json = flag(args, 'json');
    const target = html ?? svg;
    const { chain, sources } = await openChainAt(path, {
      drives: driveMap(stringOptions(args, 'volume')),
    });
    for (const warning of chain.warnings) {
      io.stderr.write(`vskit: warning: ${printable(warning)}\n`);
    }
    const controller = new AbortController();
    const onInterrupt = () => controller.abort();
    process.on('SIGINT', onInterrupt);
    try {
      const layers = await layersOf(chain, sources);
      const file = sources[0]?.path ?? resolve(path);
      if (target === undefined) {
        await printRuns(chain, file, layers, json, io, controller.signal);
        return 0;
      }
      const written = await writePicture(
        chain,
        layers,
        resolve(target),
        html === undefined ? 'svg' : 'html',
        io,
        controller.signal,
      );
      if (json) await writeJson(io.stdout, { file, virtualSize: chain.virtualSize, ...written });
      else {
        const scale = written.blocksPerCell === 1 ? 'a block' : `${written.blocksPerCell} blocks`;
        await writeText(
          io.stdout,
          `${printable(`${written.picture}: ${layers.length} layers, ${written.cells} cells of ${scale} each`)}\n`,
        );
      }
      return 0;
    } catch (error) {
      if (controller.signal.aborted || isVhdFormatError(error, 'ABORTED')) {
        throw new CliError(
          'CANCELLED',
          'map interrupted; no picture was written',
          EXIT_INTERRUPTED,
        );
      }
      if (isHostError(error, 'EEXIST')) {
        throw new HostError(
          'EEXIST',
          'create',
          resolve(String(target)),
          'map never replaces a file',
        );
      }
      throw error;
    } finally {
      process.off('SIGINT', onInterrupt);
      await chain.close();
    }
  },
};
