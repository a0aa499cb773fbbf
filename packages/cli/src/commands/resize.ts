import { basename, resolve } from 'node:path';
import { resize } from '@vskit/vhd-format';
import { type Command, flag, positionals, writeText } from '../command.js';
import { CliError } from '../errors.js';
import { explainNotVhd, openImageFile } from '../image-file.js';
import { sizeWithBytes, writeJson } from '../output.js';
import { printable } from '../printable.js';
import { createProgress } from '../progress.js';
import { parseSize } from '../sizes.js';

/** What `resize` reports. */
export interface ResizeReport {
  readonly file: string;
  readonly sizeBefore: number;
  readonly sizeAfter: number;
  /** Whether the BAT moved to the end of the file to hold the new entries. */
  readonly tableMoved: boolean;
}

/** `vskit resize <file> <size>`. */
export const resizeCommand: Command = {
  name: 'resize',
  summary: 'grow a fixed or dynamic image, or shrink it when the part cut off is all zeros',
  usage: ['resize <file> <size> [--exact] [--json]'],
  help: `Sets the virtual size of a fixed or dynamic image to <size>. Growing, the new part reads as
zeros. Shrinking is refused (WOULD_LOSE_DATA, nothing changed) unless every byte cut off reads as
zero; the space of blocks cut off comes back with 'vskit compact'. The geometry is the one
'create' gives that size. A differencing image keeps its parent's size (INVALID_ARGUMENT). The
image is held exclusively while it changes (a second writer: LOCKED).

Sizes as for create: 64MiB, 10GiB, 512MB (= MiB) or bytes; a positive multiple of 512 bytes,
rounded up as create rounds it (so every reader shows the disk at one size) unless --exact.

Every step is crash-safe. A dynamic image's table, when it must grow past its room, is copied
after the last block before the header points at it. A fixed image grows in synced steps of at
most 64 MiB, its old footer again at each new end, and shrinks with the new size at its end
first; a crash while a step's new end is not yet on disk leaves zeros after the last footer,
which vskit reads as before and 'vskit repair' (or resize again) cuts off.

Options:
  --exact    keep the size exactly as given; qemu then shows a little less (see create)
  --json     print the result as JSON

Examples:
  $ vskit resize base.vhd 20GiB --exact
  resized /srv/base.vhd
    virtual size  10 GiB (10737418240 bytes) -> 20 GiB (21474836480 bytes)
`,
  options: { exact: { type: 'boolean' }, json: { type: 'boolean' } },
  async run(args, io) {
    const [text, sizeText] = positionals(args.positionals, ['file', 'size']) as [string, string];
    const sizeBytes = parseSize(sizeText, 'size');
    if (sizeBytes === 0 || sizeBytes % 512 !== 0) {
      throw new CliError(
        'INVALID_SIZE',
        `size '${sizeText}' must be a positive multiple of 512 bytes`,
        2,
      );
    }
    const path = resolve(text);
    const file = await openImageFile(path, 'readWrite');
    const progress = createProgress(io.stderr, `resizing ${basename(path)}`, undefined);
    let report: ResizeReport;
    try {
      const result = await resize(file, { sizeBytes, exactSize: flag(args, 'exact') }).catch(
        async (error: unknown) => {
          throw await explainNotVhd(error, file, path);
        },
      );
      report = { file: path, ...result };
    } finally {
      progress.finish();
      await file.close();
    }
    if (flag(args, 'json')) await writeJson(io.stdout, report);
    else {
      await writeText(
        io.stdout,
        `${[
          `resized ${report.file}`,
          `  virtual size  ${sizeWithBytes(report.sizeBefore)} -> ${sizeWithBytes(report.sizeAfter)}`,
        ]
          .map(printable)
          .join('\n')}\n`,
      );
    }
    return 0;
  },
};
