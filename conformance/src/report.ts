/**
 * Renders a {@link ConformanceReport} for a person: one line per requirement with pass/fail and
 * case count, then each failure with its shrunk counterexample and the command that replays it,
 * then the totals and cases per second.
 * @module
 */
import { describeValue } from './_internal/describe-value.js';
import { replayCommand } from './_internal/replay.js';
import { type ConformanceReport, groupFailures, notApplicableReason } from './runner.js';

/** Options of {@link renderReport}. */
export interface RenderOptions {
  /** How the replay command starts (default `pnpm conformance`). */
  readonly command?: string;
  /** ANSI colours (default off). */
  readonly color?: boolean;
}

/** The report as text. */
export function renderReport(report: ConformanceReport, options: RenderOptions = {}): string {
  const command = options.command ?? 'pnpm conformance';
  const paint = (code: string, text: string) =>
    options.color ? `\x1b[${code}m${text}\x1b[0m` : text;
  const width = Math.max(...report.requirements.map((r) => r.id.length), 10);
  const lines: string[] = [
    `Conformance of ${report.subject} (seed ${report.seed}, ${report.runs} runs per property${part(report)})`,
    '',
  ];
  for (const r of report.requirements) {
    const status =
      r.status === 'fail'
        ? paint('31', 'FAIL')
        : r.chargedTo !== undefined
          ? paint('33', 'n/a ')
          : r.exercised
            ? paint('32', 'pass')
            : paint('33', 'n/a ');
    const note =
      r.chargedTo !== undefined
        ? ` (its failures are charged to their cause, ${r.chargedTo}: not shown to hold)`
        : r.status !== 'pass' || r.exercised
          ? ''
          : r.applicable === false
            ? ` (not applicable: ${notApplicableReason(r)})`
            : ' (not exercised: not shown to hold)';
    lines.push(`${status}  ${r.id.padEnd(width)}  ${String(r.cases).padStart(6)} cases${note}`);
  }
  const failed = report.requirements.filter((r) => r.status === 'fail');
  const groups = report.causes ?? groupFailures(report.requirements);
  if (groups.length > 0) {
    lines.push(
      '',
      `${failed.length} failing requirement${failed.length === 1 ? '' : 's'} in ${groups.length} group${groups.length === 1 ? '' : 's'} by cause, the smallest counterexample first:`,
    );
  }
  for (const [n, group] of groups.entries()) {
    const r = report.requirements.find((x) => x.id === group.cause);
    const ce = r?.counterexample;
    if (r === undefined || ce === undefined) continue;
    const others = group.ids.filter((id) => id !== group.cause);
    lines.push(
      '',
      paint('31', `${n + 1}. FAIL ${r.id}`),
      `  suspected rule: ${group.rule}`,
      ...(others.length === 0
        ? []
        : [`  also failed through it (${others.length}): ${others.join(', ')}`]),
      `  ${ce.message}`,
      `  counterexample (${ce.property}):`,
    );
    for (const line of describeValue(ce.value)) lines.push(`    ${line}`);
    lines.push(`  replay: ${replayCommand(report, ce, command)}`);
  }
  const charged = report.requirements.filter((r) => r.chargedTo !== undefined).length;
  const idle = report.requirements.filter(
    (r) => r.status === 'pass' && !r.exercised && r.chargedTo === undefined,
  );
  const inapplicable = idle.filter((r) => r.applicable === false).length;
  const unexercised = idle.length - inapplicable;
  const passed = report.requirements.length - failed.length - idle.length - charged;
  const notRun =
    (charged === 0 ? '' : `, ${charged} charged to a cause`) +
    (unexercised === 0 ? '' : `, ${unexercised} not exercised`) +
    (inapplicable === 0 ? '' : `, ${inapplicable} not applicable`);
  lines.push(
    '',
    `${passed}/${report.requirements.length} requirements pass, ${failed.length} fail${notRun}; ${report.cases} cases in ${(report.durationMs / 1000).toFixed(1)} s (${report.casesPerSecond} cases/s)`,
  );
  return `${lines.join('\n')}\n`;
}

/** Which part of a split run the report covers, for its first line. */
function part(report: ConformanceReport): string {
  if (report.shard !== undefined) return `, shard ${report.shard.index}/${report.shard.count}`;
  if (report.mergedShards !== undefined) return `, ${report.mergedShards} shards merged`;
  return '';
}
