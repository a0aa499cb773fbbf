/**
 * Renders a {@link ConformanceReport} for a person: one line per requirement with pass/fail and
 * case count, then each failure with its shrunk counterexample and the command that replays it,
 * then the totals and cases per second.
 * @module
 */
import { describeValue } from './_internal/describe-value.js';
import { replayCommand } from './_internal/replay.js';
import type { ConformanceReport } from './runner.js';

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
        : r.exercised
          ? paint('32', 'pass')
          : paint('33', 'n/a ');
    const note =
      r.status !== 'pass' || r.exercised
        ? ''
        : r.applicable === false
          ? " (not applicable: this subject's host cannot bring free space to an exact edge)"
          : ' (not exercised: not shown to hold)';
    lines.push(`${status}  ${r.id.padEnd(width)}  ${String(r.cases).padStart(6)} cases${note}`);
  }
  const failed = report.requirements.filter((r) => r.status === 'fail');
  for (const r of failed) {
    const ce = r.counterexample;
    if (ce === undefined) continue;
    lines.push(
      '',
      paint('31', `FAIL ${r.id}`),
      `  ${r.text}`,
      `  ${ce.message}`,
      `  counterexample (${ce.property}):`,
    );
    for (const line of describeValue(ce.value)) lines.push(`    ${line}`);
    lines.push(`  replay: ${replayCommand(report, ce, command)}`);
  }
  const idle = report.requirements.filter((r) => r.status === 'pass' && !r.exercised);
  const inapplicable = idle.filter((r) => r.applicable === false).length;
  const unexercised = idle.length - inapplicable;
  const passed = report.requirements.length - failed.length - idle.length;
  const notRun =
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
