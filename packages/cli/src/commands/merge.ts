import { resolve } from 'node:path';
import {
  isVhdFormatError,
  type MergeResult,
  merge,
  openImage,
  parentCandidates,
  type RandomAccessFile,
  VhdFormatError,
} from '@vskit/vhd-format';
import { ParentNotFoundError } from '../chain.js';
import {
  type Command,
  flag,
  positionals,
  stringOption,
  stringOptions,
  writeText,
} from '../command.js';
import { CliError, EXIT_INTERRUPTED } from '../errors.js';
import { factsOf } from '../file-facts.js';
import { explainNotVhd, openImageFile } from '../image-file.js';
import { writeJson } from '../output.js';
import { type DriveMap, findParent } from '../parents.js';
import { printable } from '../printable.js';
import { createProgress } from '../progress.js';
import { driveMap } from '../volumes.js';

/** What `merge` reports. */
export interface MergeReport {
  /** The child merged (emptied now, still pointing at its parent). */
  readonly child: string;
  /** The ancestor the sectors went into. */
  readonly into: string;
  /** Bytes of sectors written into the target. */
  readonly movedBytes: number;
  /** Layers merged and emptied: the child and every layer between it and the target. */
  readonly mergedLayers: number;
  /** The target's disk type. */
  readonly targetType: MergeResult['targetType'];
}

/** Where the parent the image at `childPath` records is, or a `PARENT_NOT_FOUND` error. */
async function parentPathOf(childPath: string, drives: DriveMap): Promise<string> {
  const file = await openImageFile(childPath, 'read');
  try {
    const image = await openImage(file).catch(async (e) => {
      throw await explainNotVhd(e, file, childPath);
    });
    const ref = image.parent;
    await image.close();
    if (ref === undefined) {
      throw new VhdFormatError(
        'NOT_DIFFERENCING',
        `${childPath} is ${image.type}, not differencing`,
      );
    }
    return await findParentPath(ref, childPath, drives);
  } finally {
    await file.close().catch(() => undefined);
  }
}

/** The path of the parent `ref` names for the child at `childPath`. */
async function findParentPath(
  ref: Parameters<typeof parentCandidates>[0],
  childPath: string,
  drives: DriveMap,
): Promise<string> {
  const attempts = await findParent(parentCandidates(ref), childPath, drives);
  const hit = attempts[attempts.length - 1];
  if (hit?.path === undefined || !hit.found) {
    throw new ParentNotFoundError(childPath, ref.unicodeName, attempts);
  }
  return hit.path;
}

/** `vskit merge`: a differencing child's sectors into its parent or an ancestor. */
export const mergeCommand: Command = {
  name: 'merge',
  summary: "write a differencing child's sectors into its parent (or an ancestor) and empty it",
  usage: ['merge <child> [--into <ancestor>] [--json] [--volume X=/dir ...]'],
  help: `Writes the sectors a differencing <child> holds into its parent, or with --into into an
ancestor further down, taking every layer in between (the newest layer wins each sector).
Only sectors the child (or a layer between) holds move; a partly written block does not
touch the parent's other sectors. Then the child and the layers between are emptied, each
still pointing at its parent: the child reads exactly as before, and so does the ancestor
alone. Every file changed is held under the exclusive write lock (LOCKED if another writer
has one). A power cut leaves the chain reading as before; running merge again finishes it.
Ctrl-C stops at a safe point (CANCELLED, exit status 130), the chain reading as before.
A progress bar shows on stderr when stderr is a terminal.

Options:
  --into <ancestor>   the image to merge into (default: the child's parent); refused with
                      NOT_AN_ANCESTOR when it is not in the child's chain
  --json              print the result as JSON: { child, into, movedBytes, mergedLayers,
                      targetType }
  --volume X=/dir     read absolute W2ku locators on drive X: from /dir (Z: is / already)

Examples:
  $ vskit merge child.vhd
  merged 1 layer (4194304 bytes) into /srv/base.vhd; /srv/child.vhd is empty
  $ vskit merge snap2.vhd --into base.vhd --json
`,
  options: {
    into: { type: 'string' },
    json: { type: 'boolean' },
    volume: { type: 'string', multiple: true },
  },
  async run(args, io) {
    const [given] = positionals(args.positionals, ['child']) as [string];
    const childPath = resolve(given);
    const drives = driveMap(stringOptions(args, 'volume'));
    const into = stringOption(args, 'into');
    const targetPath = into === undefined ? await parentPathOf(childPath, drives) : resolve(into);
    const paths = [childPath];
    const opened: RandomAccessFile[] = [];
    const openWritable = async (path: string) => {
      const file = await openImageFile(path, 'readWrite');
      opened.push(file);
      return file;
    };
    const controller = new AbortController();
    const onInterrupt = () => controller.abort();
    process.on('SIGINT', onInterrupt);
    // The total (bytes to move) is known once merge has looked at the bitmaps: its first report.
    let progress: ReturnType<typeof createProgress> | undefined;
    let result: MergeResult;
    try {
      const child = await openWritable(childPath);
      const target = await openWritable(targetPath);
      result = await merge(child, target, {
        signal: controller.signal,
        onProgress: (done, total) => {
          progress ??= createProgress(io.stderr, 'merging', total);
          progress.update(done);
        },
        parentModified: async (depth) => factsOf(paths[depth] ?? targetPath)?.mtime,
        openParent: async (ref) => {
          const path = await findParentPath(ref, paths[paths.length - 1]!, drives);
          paths.push(path);
          return openWritable(path);
        },
      });
    } catch (error) {
      if (isVhdFormatError(error, 'ABORTED')) {
        throw new CliError(
          'CANCELLED',
          `merge interrupted; ${childPath} reads as before (run merge again to finish)`,
          EXIT_INTERRUPTED,
        );
      }
      throw error;
    } finally {
      progress?.finish();
      process.off('SIGINT', onInterrupt);
      await Promise.all(opened.map((f) => f.close().catch(() => undefined)));
    }
    const report: MergeReport = {
      child: childPath,
      into: targetPath,
      movedBytes: result.movedBytes,
      mergedLayers: result.mergedLayers,
      targetType: result.targetType,
    };
    if (flag(args, 'json')) await writeJson(io.stdout, report);
    else {
      const layers = `${report.mergedLayers} layer${report.mergedLayers === 1 ? '' : 's'}`;
      await writeText(
        io.stdout,
        `merged ${layers} (${report.movedBytes} bytes) into ${printable(targetPath)}; ${printable(childPath)} is empty\n`,
      );
    }
    return 0;
  },
};
