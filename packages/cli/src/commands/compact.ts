import { basename, resolve } from 'node:path';
import { compact, isVhdFormatError } from '@vskit/vhd-format';
import { type Command, flag, positionals, writeText } from '../command.js';
import { CliError, EXIT_INTERRUPTED } from '../errors.js';
import { explainNotVhd, openImageFile } from '../image-file.js';
import { sizeWithBytes, writeJson } from '../output.js';
import { printable } from '../printable.js';
import { createProgress, type Progress } from '../progress.js';

/** What `compact` reports. */
export interface CompactReport {
  readonly file: string;
  readonly blocksBefore: number;
  readonly blocksRemoved: number;
  readonly blocksMoved: number;
  readonly fileSizeBefore: number;
  readonly fileSizeAfter: number;
}

/** The human text of `vskit compact`. */
export function renderCompacted(r: CompactReport): string {
  return `${[
    `compacted ${r.file}`,
    `  blocks        ${r.blocksBefore - r.blocksRemoved} of ${r.blocksBefore} kept, ${r.blocksMoved} moved`,
    `  file size     ${sizeWithBytes(r.fileSizeBefore)} -> ${sizeWithBytes(r.fileSizeAfter)}`,
  ]
    .map(printable)
    .join('\n')}\n`;
}

/** `vskit compact <file>`. */
export const compactCommand: Command = {
  name: 'compact',
  summary: 'give back the space of blocks that hold nothing (in place)',
  usage: ['compact <file> [--json]'],
  help: `Compacts a dynamic or differencing image in place: what it reads never changes.
Blocks that hold nothing lose their place in the file: in a dynamic image, blocks whose bytes
are all zeros; in a differencing image, blocks with no sector of their own (zeros written into a
child stay: they hide the parent's bytes). The last blocks then move into the holes and the file
is cut after the last block in use. The image is held exclusively while it changes (a second
writer: LOCKED). A fixed image is NOT_SPARSE.

In place (decision): no temporary file, so compact needs no free space at all, and the file keeps
its identity (links, permissions, the children that name it). Every step is crash-safe: a block
is copied and synced before its table entry points at the copy, so a crash at any moment leaves
an image that reads the same; running compact again finishes the job. Ctrl-C stops between
steps (CANCELLED, exit 130), the image valid.

Options:
  --json     print the result as JSON

Examples:
  $ vskit compact vms/c.vhd
  compacted /srv/vms/c.vhd
    blocks        3 of 5 kept, 1 moved
    file size     10 MiB (10487296 bytes) -> 6 MiB (6292992 bytes)
`,
  options: { json: { type: 'boolean' } },
  async run(args, io) {
    const [text] = positionals(args.positionals, ['file']) as [string];
    const path = resolve(text);
    const file = await openImageFile(path, 'readWrite');
    const controller = new AbortController();
    const onInterrupt = () => controller.abort();
    process.on('SIGINT', onInterrupt);
    // One bar while blocks are checked, another while they move (the total grows then).
    let progress: Progress | undefined;
    let shownTotal = -1;
    const onProgress = (done: number, total: number) => {
      if (total !== shownTotal) {
        progress?.finish();
        const step = shownTotal < 0 ? 'checking' : 'moving blocks of';
        progress = createProgress(io.stderr, `${step} ${basename(path)}`, total);
        shownTotal = total;
      }
      progress?.update(done);
    };
    let report: CompactReport;
    try {
      const result = await compact(file, {
        signal: controller.signal,
        onProgress,
      }).catch(async (error: unknown) => {
        if (isVhdFormatError(error, 'ABORTED')) {
          throw new CliError(
            'CANCELLED',
            `compact interrupted; ${path} is valid and reads as before`,
            EXIT_INTERRUPTED,
          );
        }
        throw await explainNotVhd(error, file, path);
      });
      report = { file: path, ...result };
    } finally {
      progress?.finish();
      process.off('SIGINT', onInterrupt);
      await file.close();
    }
    if (flag(args, 'json')) await writeJson(io.stdout, report);
    else await writeText(io.stdout, renderCompacted(report));
    return 0;
  },
};
