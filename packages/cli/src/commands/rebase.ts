import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { openNodeFile } from '@vskit/host-node/file';
import { formatUuid, isVhdFormatError, openImage, rebase, VhdFormatError } from '@vskit/vhd-format';
import { type Command, flag, positionals, writeText } from '../command.js';
import { CliError } from '../errors.js';
import { explainNotVhd, openImageFile } from '../image-file.js';
import { writeJson } from '../output.js';
import { locatorsFor } from '../parents.js';
import { printable } from '../printable.js';
import { createProgress } from '../progress.js';

/** What `rebase` reports. */
export interface RebaseReport {
  readonly file: string;
  readonly parent: {
    readonly path: string;
    readonly uniqueId: string;
    readonly unicodeName: string;
    readonly relativePath: string | null;
    readonly absolutePath: string | null;
  };
  readonly previous: {
    readonly uniqueId: string;
    readonly unicodeName: string;
    readonly locators: ReadonlyArray<{ readonly platform: string; readonly path: string }>;
  };
  /** True only with --unsafe, when the new parent is another disk. */
  readonly uniqueIdChanged: boolean;
  /** Bytes the child grew by (locator data that found no free space inside the file). */
  readonly grownBy: number;
}

/** The human text of `vskit rebase`. */
export function renderRebased(report: RebaseReport): string {
  const lines = [
    `rebased ${report.file}`,
    `  parent        ${report.parent.path}`,
    `  was           ${report.previous.unicodeName}${report.previous.locators.map((l) => ` ${l.platform} ${l.path}`).join(',')}`,
    `  W2ru          ${report.parent.relativePath ?? '(none: the path has characters Windows refuses)'}`,
    `  W2ku          ${report.parent.absolutePath ?? '(none: the path has characters Windows refuses)'}`,
  ];
  if (report.uniqueIdChanged) {
    lines.push(
      `  UNSAFE        parent UUID ${report.previous.uniqueId} replaced by ${report.parent.uniqueId}`,
    );
  }
  return `${lines.map(printable).join('\n')}\n`;
}

/** `vskit rebase <child> <new-parent> [--unsafe]`. */
export const rebaseCommand: Command = {
  name: 'rebase',
  summary: "point a differencing child at its parent's new place or name",
  usage: ['rebase <child> <new-parent> [--unsafe] [--json]'],
  help: `Points the differencing disk <child> at <new-parent>, after the parent was moved or
renamed. Rewrites the child's parent name, W2ru and W2ku locators (as 'create diff' writes them)
and the recorded parent time; no sector of the disk changes and the parent is only read. The
child is held exclusively while it changes (a second writer: LOCKED).

The new parent must be the same disk: its UUID must be the one the child records, or rebase
refuses with PARENT_ID_MISMATCH. --unsafe accepts another disk of the same size and records its
UUID: the child's sectors then lie over bytes they were not written over (as qemu-img rebase -u).

New locator data is written and synced before the header that points at it, so a crash leaves
the child pointing at the old place or the new one. It goes into free space inside the file when
there is some, else after the last block (the file grows by 1 KiB or so, the first time).

Options:
  --unsafe   accept a parent whose UUID differs from the recorded one, and record it
  --json     print the result as JSON

Examples:
  $ mv base.vhd archive/base-2026.vhd
  $ vskit rebase child.vhd archive/base-2026.vhd
  rebased /srv/child.vhd
    parent        /srv/archive/base-2026.vhd
    was           base.vhd W2ku Z:\\srv\\base.vhd, W2ru .\\base.vhd
    W2ru          .\\archive\\base-2026.vhd
    W2ku          Z:\\srv\\archive\\base-2026.vhd
`,
  options: { unsafe: { type: 'boolean' }, json: { type: 'boolean' } },
  async run(args, io) {
    const [childText, parentText] = positionals(args.positionals, ['child', 'new-parent']) as [
      string,
      string,
    ];
    const parentPath = realpathSync.native(parentText);
    const parentStat = statSync(parentPath);
    if (!parentStat.isFile())
      throw new CliError('NOT_A_FILE', `parent ${parentPath} is not a file`);
    const childResolved = resolve(childText);
    const childPath = join(realpathSync.native(dirname(childResolved)), basename(childResolved));
    const locators = locatorsFor(childPath, parentPath);
    const parentFile = await openNodeFile(parentPath, 'read');
    let report: RebaseReport;
    try {
      const parent = await openImage(parentFile).catch(async (error: unknown) => {
        throw await explainNotVhd(error, parentFile, parentPath);
      });
      const footer = parent.footer;
      await parent.close();
      const child = await openImageFile(childPath, 'readWrite');
      const progress = createProgress(io.stderr, `rebasing ${basename(childPath)}`, 2);
      try {
        const result = await rebase(child, {
          unsafe: flag(args, 'unsafe'),
          onProgress: (done) => progress.update(done),
          parent: {
            footer,
            modified: parentStat.mtime,
            unicodeName: locators.unicodeName,
            ...(locators.absolutePath === undefined ? {} : { absolutePath: locators.absolutePath }),
            ...(locators.relativePath === undefined ? {} : { relativePath: locators.relativePath }),
          },
        }).catch(async (error: unknown) => {
          if (isVhdFormatError(error, 'PARENT_ID_MISMATCH')) {
            throw new VhdFormatError(
              'PARENT_ID_MISMATCH',
              `${parentPath} is another disk than the parent ${childPath} records (its UUID differs); --unsafe rebases onto it anyway`,
            );
          }
          throw await explainNotVhd(error, child, childPath);
        });
        report = {
          file: childPath,
          parent: {
            path: parentPath,
            uniqueId: formatUuid(footer.uniqueId),
            unicodeName: locators.unicodeName,
            relativePath: locators.relativePath ?? null,
            absolutePath: locators.absolutePath ?? null,
          },
          previous: {
            uniqueId: formatUuid(result.previous.uniqueId),
            unicodeName: result.previous.unicodeName,
            locators: result.previous.locators,
          },
          uniqueIdChanged: result.uniqueIdChanged,
          grownBy: result.grownBy,
        };
      } finally {
        progress.finish();
        await child.close();
      }
    } finally {
      await parentFile.close().catch(() => undefined);
    }
    if (flag(args, 'json')) await writeJson(io.stdout, report);
    else await writeText(io.stdout, renderRebased(report));
    return 0;
  },
};
