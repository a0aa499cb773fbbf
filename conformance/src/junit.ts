/**
 * Renders a {@link ConformanceReport} as JUnit XML, the form GitLab, Jenkins and GitHub test
 * reporters read: one `<testsuite>` per requirement group (the id up to its first dot), one
 * `<testcase>` per requirement id. A failure carries the suite's message, the shrunk
 * counterexample and the replay command; a requirement no case exercised is `<skipped>` with
 * the reason. Every text is escaped (see `_internal/xml.ts`).
 * @module
 */
import { describeValue } from './_internal/describe-value.js';
import { replayCommand } from './_internal/replay.js';
import { escapeXml } from './_internal/xml.js';
import { type ConformanceReport, notApplicableReason, type RequirementResult } from './runner.js';

/** Options of {@link renderJunit}. */
export interface JunitOptions {
  /** How the replay command starts (default `pnpm conformance`). */
  readonly command?: string;
}

/** The group of a requirement id: `CDVHD` for `CDVHD.E_POINTER.task`. */
export function requirementGroup(id: string): string {
  const dot = id.indexOf('.');
  return dot < 0 ? id : id.slice(0, dot);
}

/** Why a requirement that nothing failed is not shown to hold, or `undefined` when it is. */
export function skipReason(r: RequirementResult): string | undefined {
  if (r.chargedTo !== undefined) {
    return `its failures are charged to their cause, ${r.chargedTo}: not shown to hold`;
  }
  if (r.status !== 'pass' || r.exercised) return undefined;
  return r.applicable === false
    ? `not applicable: ${notApplicableReason(r)}`
    : 'not exercised: no case reached it, so it is not shown to hold';
}

const attrs = (pairs: Readonly<Record<string, string | number>>): string =>
  Object.entries(pairs)
    .map(([name, value]) => ` ${name}="${escapeXml(String(value))}"`)
    .join('');

function testcase(report: ConformanceReport, r: RequirementResult, command: string): string {
  const head = `    <testcase${attrs({ classname: `conformance.${requirementGroup(r.id)}`, name: r.id, time: 0 })}>`;
  const body: string[] = [];
  const ce = r.counterexample;
  if (r.status === 'fail' && ce !== undefined) {
    const detail = [
      r.text,
      ...(ce.suspected === undefined ? [] : [`suspected rule: ${ce.suspected}`]),
      ce.message,
      `counterexample (${ce.property}):`,
      ...describeValue(ce.value).map((line) => `  ${line}`),
      `replay: ${replayCommand(report, ce, command)}`,
    ].join('\n');
    body.push(
      `      <failure${attrs({ message: ce.message, type: 'Violation' })}>${escapeXml(detail)}</failure>`,
    );
  } else if (r.status === 'fail') {
    body.push(`      <failure${attrs({ message: r.text, type: 'Violation' })}/>`);
  }
  const skipped = skipReason(r);
  if (skipped !== undefined) body.push(`      <skipped${attrs({ message: skipped })}/>`);
  body.push(`      <system-out>${escapeXml(`${r.cases} cases. ${r.text}`)}</system-out>`);
  return [head, ...body, '    </testcase>'].join('\n');
}

/** The report as a JUnit XML document (UTF-8). */
export function renderJunit(report: ConformanceReport, options: JunitOptions = {}): string {
  const command = options.command ?? 'pnpm conformance';
  const groups = new Map<string, RequirementResult[]>();
  for (const r of report.requirements) {
    const group = requirementGroup(r.id);
    groups.set(group, [...(groups.get(group) ?? []), r]);
  }
  const count = (rs: readonly RequirementResult[]) => ({
    tests: rs.length,
    failures: rs.filter((r) => r.status === 'fail').length,
    errors: 0,
    skipped: rs.filter((r) => skipReason(r) !== undefined).length,
  });
  const seconds = (report.durationMs / 1000).toFixed(3);
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attrs({ name: `vskit conformance of ${report.subject}`, ...count(report.requirements), time: seconds })}>`,
  ];
  for (const [group, rs] of groups) {
    lines.push(`  <testsuite${attrs({ name: group, ...count(rs), time: 0 })}>`);
    lines.push(
      `    <properties>${[
        ['seed', report.seed],
        ['runs', report.runs],
        ['cases', report.cases],
        ['casesPerSecond', report.casesPerSecond],
      ]
        .map(([name, value]) => `<property${attrs({ name: String(name), value: String(value) })}/>`)
        .join('')}</properties>`,
    );
    for (const r of rs) lines.push(testcase(report, r, command));
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}
