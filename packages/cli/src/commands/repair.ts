import { resolve } from 'node:path';
import { type RepairResult, repair } from '@vskit/vhd-format';
import { type Command, flag, positionals, writeText } from '../command.js';
import { explainNotVhd, openImageFile } from '../image-file.js';
import { writeJson } from '../output.js';
import { printable } from '../printable.js';

/** What `repair` reports. */
export interface RepairReport extends RepairResult {
  readonly file: string;
}

/** The human text of `vskit repair`. */
export function renderRepaired(r: RepairReport): string {
  const lines: string[] = [];
  const verb = r.dryRun ? 'would change' : 'changed';
  if (r.changes.length === 0) lines.push(`${r.file}: nothing to repair`);
  else
    lines.push(`${r.file}: ${verb} ${r.changes.length} thing${r.changes.length === 1 ? '' : 's'}`);
  for (const c of r.changes) lines.push(`  ${c.kind} at ${c.offset}: ${c.detail}`);
  for (const p of r.remaining) {
    lines.push(
      `  left ${p.severity} ${p.code}${p.offset === undefined ? '' : ` at ${p.offset}`}: ${p.message}`,
    );
  }
  return `${lines.map(printable).join('\n')}\n`;
}

/** `vskit repair <file> [--dry-run]`. */
export const repairCommand: Command = {
  name: 'repair',
  summary: 'mend what check finds and can be mended without guessing; --dry-run only reports',
  usage: ['repair <file> [--dry-run] [--json]'],
  help: `Mends the image in <file> where that needs no guess at its data, and lists every change:
  bat-entry-cleared          a BAT entry pointing past the end of the data, set unused
  header-checksum-fixed      a header whose checksum alone was stale, rewritten
  footer-rewritten           the footer at the end, rebuilt from the copy at 0 or re-summed
  footer-copy-rewritten      the copy at 0, rebuilt from the footer in use
  trailing-bytes-truncated   bytes between the last block and the footer, given back
What it does not mend (overlapping blocks, bad fields, a missing parent) is listed as 'left'.
A file with no footer at either end is UNREPAIRABLE. The image is held exclusively while it
changes (a second writer: LOCKED); --dry-run opens it read-only and writes nothing.

Exit status: 0 when no error is left, 1 when one is (or on failure).

Options:
  --dry-run  only report what would change
  --json     print the result as JSON: { file, changes: [{ kind, offset, detail }], dryRun, remaining }

Examples:
  $ vskit repair vms/c.vhd --dry-run
  /srv/vms/c.vhd: would change 1 thing
    footer-rewritten at 8390144: footer rewritten from the footer in use (...)
  $ vskit repair vms/c.vhd
`,
  options: { 'dry-run': { type: 'boolean' }, json: { type: 'boolean' } },
  async run(args, io) {
    const [text] = positionals(args.positionals, ['file']) as [string];
    const path = resolve(text);
    const dryRun = flag(args, 'dry-run');
    const file = await openImageFile(path, dryRun ? 'read' : 'readWrite');
    let report: RepairReport;
    try {
      const result = await repair(file, { dryRun }).catch(async (error: unknown) => {
        throw await explainNotVhd(error, file, path);
      });
      report = { file: path, ...result };
    } finally {
      await file.close();
    }
    if (flag(args, 'json')) await writeJson(io.stdout, report);
    else await writeText(io.stdout, renderRepaired(report));
    return report.remaining.some((p) => p.severity === 'error') ? 1 : 0;
  },
};
