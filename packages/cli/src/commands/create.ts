import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { HostError, type HostFile, isHostError } from '@vskit/host';
import { createFileAtomically, openNodeFile } from '@vskit/host-node/file';
import {
  type CreateOptions,
  createDifferencing,
  createDynamic,
  createFixed,
  DEFAULT_BLOCK_SIZE,
  formatUuid,
  type Geometry,
  openImage,
  qemuVirtualSize,
} from '@vskit/vhd-format';
import { type CliIo, type Command, flag, positionals, sizeOption, writeText } from '../command.js';
import { CliError, EXIT_INTERRUPTED, usageError } from '../errors.js';
import { explainNotVhd } from '../image-file.js';
import { sizeWithBytes, writeJson } from '../output.js';
import { locatorsFor } from '../parents.js';
import { printable } from '../printable.js';
import { createProgress } from '../progress.js';
import { formatSize, parseSize } from '../sizes.js';

/** What `create` reports. */
export interface CreateReport {
  readonly file: string;
  readonly type: 'fixed' | 'dynamic' | 'differencing';
  readonly virtualSize: number;
  /** The size given to `create fixed|dynamic`, before any rounding. */
  readonly requestedSize?: number;
  readonly geometry: Geometry;
  /** The virtual size qemu-img and qemu-io show (they size `vsk ` images by CHS). */
  readonly qemuVirtualSize: number;
  readonly fileSize: number;
  readonly uniqueId: string;
  readonly blockSize?: number;
  readonly parent?: {
    readonly path: string;
    readonly unicodeName: string;
    readonly relativePath: string | null;
    readonly absolutePath: string | null;
  };
}

/**
 * Creates `path` whole or not at all (refusing anything already there): `fill` writes the image
 * under a temporary name in the same folder, which is synced and renamed into place without
 * replacing (`createFileAtomically` of `@vskit/host-node`), so a failure, a kill or a power cut
 * at any moment leaves nothing at `path`, and a temporary file a crash leaves is removed by the
 * next create of `path`. Ctrl-C (SIGINT) is caught from before anything exists until the image
 * is written: an interrupt in between removes the temporary file and ends with `CANCELLED`
 * (exit status 130).
 */
async function createFile(
  path: string,
  fill: (file: HostFile, signal: AbortSignal) => Promise<void>,
): Promise<void> {
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.on('SIGINT', onInterrupt);
  const interrupted = () => {
    if (controller.signal.aborted) throw new Error('interrupted');
  };
  try {
    await createFileAtomically(
      path,
      async (file) => {
        interrupted();
        await fill(file, controller.signal);
      },
      { signal: controller.signal },
    );
  } catch (error) {
    if (controller.signal.aborted) {
      throw new CliError('CANCELLED', `create interrupted; ${path} was not made`, EXIT_INTERRUPTED);
    }
    if (isHostError(error, 'EEXIST')) {
      throw new HostError('EEXIST', 'create', path, 'already exists; create never overwrites');
    }
    throw error;
  } finally {
    process.off('SIGINT', onInterrupt);
  }
}

/** Reads back what was written, for the report. */
async function describeCreated(
  path: string,
  extra: Partial<CreateReport> = {},
): Promise<CreateReport> {
  const file = await openNodeFile(path, 'read');
  try {
    const image = await openImage(file);
    try {
      return {
        file: path,
        type: image.type,
        virtualSize: image.virtualSize,
        ...(extra.requestedSize === undefined ? {} : { requestedSize: extra.requestedSize }),
        geometry: { ...image.footer.geometry },
        qemuVirtualSize: qemuVirtualSize(image.footer),
        fileSize: await file.size(),
        uniqueId: formatUuid(image.footer.uniqueId),
        ...(image.header === undefined ? {} : { blockSize: image.header.blockSize }),
        ...extra,
      };
    } finally {
      await image.close();
    }
  } finally {
    await file.close().catch(() => undefined);
  }
}

function virtualSizeArgument(text: string): number {
  const size = parseSize(text, 'size');
  if (size === 0 || size % 512 !== 0) {
    throw new CliError(
      'INVALID_SIZE',
      `size '${text}' must be a positive multiple of 512 bytes`,
      2,
    );
  }
  return size;
}

async function createSized(
  kind: 'fixed' | 'dynamic',
  rest: readonly string[],
  blockSize: number | undefined,
  exactSize: boolean,
  io: CliIo,
): Promise<CreateReport> {
  const [target, sizeText] = positionals(rest, ['file', 'size']) as [string, string];
  const sizeBytes = virtualSizeArgument(sizeText);
  const path = resolve(target);
  const progress = createProgress(io.stderr, `creating ${basename(path)}`, sizeBytes);
  const options = (signal: AbortSignal): CreateOptions & { exactSize: boolean } => ({
    signal,
    exactSize,
    onProgress: (done) => progress.update(done),
  });
  try {
    await createFile(path, (file, signal) =>
      kind === 'fixed'
        ? createFixed(file, { ...options(signal), sizeBytes })
        : createDynamic(file, {
            ...options(signal),
            sizeBytes,
            blockSizeBytes: blockSize ?? DEFAULT_BLOCK_SIZE,
          }),
    );
  } finally {
    progress.finish();
  }
  return describeCreated(path, { requestedSize: sizeBytes });
}

async function createDiff(rest: readonly string[]): Promise<CreateReport> {
  const [childText, parentText] = positionals(rest, ['child', 'parent']) as [string, string];
  const parentPath = realpathSync.native(parentText);
  const parentStat = statSync(parentPath);
  if (!parentStat.isFile()) throw new CliError('NOT_A_FILE', `parent ${parentPath} is not a file`);
  const childResolved = resolve(childText);
  const childPath = join(realpathSync.native(dirname(childResolved)), basename(childResolved));
  const locators = locatorsFor(childPath, parentPath);
  const parentFile = await openNodeFile(parentPath, 'read');
  try {
    const parent = await openImage(parentFile).catch(async (error: unknown) => {
      throw await explainNotVhd(error, parentFile, parentPath);
    });
    try {
      await createFile(childPath, (file, signal) =>
        createDifferencing(file, {
          signal,
          parent: {
            footer: parent.footer,
            ...(parent.header === undefined ? {} : { blockSizeBytes: parent.header.blockSize }),
            modified: parentStat.mtime,
            unicodeName: locators.unicodeName,
            ...(locators.absolutePath === undefined ? {} : { absolutePath: locators.absolutePath }),
            ...(locators.relativePath === undefined ? {} : { relativePath: locators.relativePath }),
          },
        }),
      );
    } finally {
      await parent.close();
    }
  } finally {
    await parentFile.close().catch(() => undefined);
  }
  return describeCreated(childPath, {
    parent: {
      path: parentPath,
      unicodeName: locators.unicodeName,
      relativePath: locators.relativePath ?? null,
      absolutePath: locators.absolutePath ?? null,
    },
  });
}

/** `C/H/S`. */
function chs(g: Geometry): string {
  return `${g.cylinders}/${g.heads}/${g.sectorsPerTrack}`;
}

/** The human text of `vskit create`. */
export function renderCreated(report: CreateReport): string {
  const lines = [
    `created ${report.type} ${report.file}`,
    `  virtual size  ${sizeWithBytes(report.virtualSize)}`,
  ];
  if (report.requestedSize !== undefined && report.requestedSize !== report.virtualSize) {
    lines.push(
      `  rounded up    from ${report.requestedSize} bytes to CHS ${chs(report.geometry)}: every reader shows one size`,
    );
  }
  lines.push(`  file size     ${sizeWithBytes(report.fileSize)}`);
  if (report.blockSize !== undefined) lines.push(`  block size    ${formatSize(report.blockSize)}`);
  lines.push(`  unique id     ${report.uniqueId}`);
  if (report.parent !== undefined) {
    lines.push(
      `  parent        ${report.parent.path}`,
      `  W2ru          ${report.parent.relativePath ?? '(none: the path has characters Windows refuses)'}`,
      `  W2ku          ${report.parent.absolutePath ?? '(none: the path has characters Windows refuses)'}`,
    );
  }
  if (report.qemuVirtualSize !== report.virtualSize) {
    lines.push(
      `note: qemu-img shows ${sizeWithBytes(report.qemuVirtualSize)}, ${report.virtualSize - report.qemuVirtualSize} bytes less: it sizes this image by its geometry, ${chs(report.geometry)}; without --exact the size is rounded up so qemu shows all of it`,
    );
  }
  return `${lines.map(printable).join('\n')}\n`;
}

/** `vskit create fixed|dynamic|diff`. */
export const createCommand: Command = {
  name: 'create',
  summary: 'create a fixed, dynamic or differencing VHD (never overwrites a file)',
  usage: [
    'create fixed <file> <size> [--exact] [--json]',
    'create dynamic <file> <size> [--block-size 2MiB] [--exact] [--json]',
    'create diff <child> <parent> [--json]',
  ],
  help: `Creates a new image. An existing file is never overwritten (EEXIST). A partial file is
removed when creation fails; Ctrl-C at any point removes it too and exits 130 (CANCELLED).

Sizes: 64MiB, 10GiB, 512MB (MB = MiB, as Virtual Server counts) or plain bytes; a virtual size
is a positive multiple of 512 bytes, at most 2040 GiB. The size is rounded up to the capacity of
a CHS geometry, as qemu-img and Virtual PC do (1GiB gives 1073995776 bytes, 2081/16/63), because
qemu sizes 'vsk ' images by their geometry: so qemu, Virtual PC, Hyper-V, libvhdi and vhd-lib
all show the same size. Sizes above about 127.5 GiB are kept as given. --exact keeps the size
as given; a note then says the smaller size qemu shows.

  fixed     every byte allocated up front (the file is sparse where the file system allows);
            a progress bar shows on a terminal.
  dynamic   blocks allocated on first write; --block-size is a power of two (default 2MiB).
  diff      a child recording <parent>: its size, geometry, UUID, the parent file's modification
            time, its name, a W2ru locator relative to the child's folder (.\\p.vhd, ..\\base\\p.vhd)
            and a W2ku locator with the absolute path, with / as drive Z: (Z:\\srv\\base\\p.vhd).
            Move the child and the parent together and the chain still opens. When the
            parent's geometry does not address its size (Hyper-V's), the child gets the
            maximum geometry 65535/16/255, so qemu too shows it at the parent's size.

The images carry vskit's creator application 'vsk ', version 1.0, host OS Wi2k.

Options:
  --block-size N   block size of a dynamic image (default 2MiB)
  --exact          keep the size exactly as given (fixed, dynamic); qemu then shows less
  --json           print the result as JSON

Examples:
  $ vskit create dynamic base.vhd 10GiB
  created dynamic /srv/base.vhd
    virtual size  10 GiB (10737893376 bytes)
    rounded up    from 10737418240 bytes to CHS 20806/16/63: every reader shows one size
    file size     22.5 KiB (23040 bytes)
    block size    2 MiB
    unique id     0ffb4610-5da1-449b-86ba-645160d6142a
  $ vskit create diff vms/child.vhd base.vhd
`,
  options: {
    'block-size': { type: 'string' },
    exact: { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const [kind, ...rest] = args.positionals;
    const blockSize = sizeOption(args, 'block-size');
    if (blockSize !== undefined && kind !== 'dynamic') {
      throw usageError('--block-size applies to create dynamic only');
    }
    const exact = flag(args, 'exact');
    if (exact && kind !== 'fixed' && kind !== 'dynamic') {
      throw usageError('--exact applies to create fixed and create dynamic only');
    }
    let report: CreateReport;
    if (kind === 'fixed' || kind === 'dynamic')
      report = await createSized(kind, rest, blockSize, exact, io);
    else if (kind === 'diff' || kind === 'differencing') report = await createDiff(rest);
    else if (kind === undefined) throw usageError('missing kind: create fixed|dynamic|diff');
    else throw usageError(`unknown kind '${kind}': create fixed|dynamic|diff`);
    if (flag(args, 'json')) await writeJson(io.stdout, report);
    else await writeText(io.stdout, renderCreated(report));
    return 0;
  },
};
