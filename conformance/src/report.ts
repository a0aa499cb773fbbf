/**
 * Renders a {@link ConformanceReport} for a person: one line per requirement with pass/fail and
 * case count, then each failure with its shrunk counterexample and the command that replays it,
 * then the totals and cases per second.
 * @module
 */
import { GIB, MIB, TIB } from './_internal/units.js';
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
    `Conformance of ${report.subject} (seed ${report.seed}, ${report.runs} runs per property)`,
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
    lines.push(`  replay: ${command} ${subjectArg(report)}${ce.replay}`);
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

function subjectArg(report: ConformanceReport): string {
  return report.subjectModule === undefined ? '' : `--subject ${report.subjectModule} `;
}

const size = (bytes: number): string => {
  for (const [unit, n] of [
    ['TiB', TIB],
    ['GiB', GIB],
    ['MiB', MIB],
    ['KiB', 2 ** 10],
  ] as const) {
    if (bytes >= n && bytes % (n / 1024) === 0) return `${+(bytes / n).toFixed(3)} ${unit}`;
  }
  return `${bytes} bytes`;
};

const arg = (value: unknown): string =>
  value === '<undefined>'
    ? 'undefined'
    : typeof value === 'string'
      ? JSON.stringify(value)
      : String(value);

interface ScenarioShape {
  state: {
    volumes: Array<{
      drive: string;
      fileSystem: string;
      free: { kind: string; needBytes?: number; short?: boolean };
    }>;
    entries: Array<{
      kind: string;
      path: string;
      bytes?: number;
      disk?: { type: string; sizeBytes: number; corruption: string | null; unreadable: boolean };
    }>;
    shuttingDown: boolean;
  };
  call: {
    method: string;
    imagePath: unknown;
    parentPath?: unknown;
    sizeMB?: number;
    nullTask: boolean;
  };
}

function isScenario(value: unknown): value is ScenarioShape {
  const v = value as ScenarioShape;
  return (
    typeof v === 'object' && v !== null && typeof v.state === 'object' && typeof v.call === 'object'
  );
}

/** A counterexample in a few lines: scenarios in words, anything else as JSON. */
export function describeValue(value: unknown): string[] {
  const record = value as Record<string, unknown>;
  const scenario = isScenario(value)
    ? value
    : isScenario(record?.scenario)
      ? record.scenario
      : undefined;
  if (scenario === undefined) return JSON.stringify(value, null, 2).split('\n');
  const { state, call } = scenario;
  const lines = [
    `volumes: ${state.volumes
      .map((v) => {
        const free =
          v.free.kind === 'edge'
            ? `free ${v.free.short ? 'one cluster short of' : 'exactly'} ${size(v.free.needBytes ?? 0)}`
            : 'plenty free';
        return `${v.drive}: ${v.fileSystem} (${free})`;
      })
      .join(', ')}${state.shuttingDown ? '; shutting down' : ''}`,
  ];
  for (const e of state.entries) {
    if (e.kind === 'vhd' && e.disk) {
      const broken = [
        e.disk.corruption ? `corrupt: ${e.disk.corruption}` : '',
        e.disk.unreadable ? 'unreadable' : '',
      ]
        .filter(Boolean)
        .join(', ');
      lines.push(
        `file:   ${e.path}  ${e.disk.type} VHD of ${size(e.disk.sizeBytes)}${broken ? ` (${broken})` : ''}`,
      );
    } else if (e.kind === 'junk') lines.push(`file:   ${e.path}  ${e.bytes} bytes, not a VHD`);
    else lines.push(`folder: ${e.path}`);
  }
  const args =
    call.method === 'CreateDifferencingVirtualHardDisk'
      ? [call.imagePath, call.parentPath]
      : [call.imagePath, call.sizeMB];
  lines.push(
    `call:   ${call.method}(${[...args.map(arg), call.nullTask ? 'null' : 'task'].join(', ')})`,
  );
  for (const [key, v] of Object.entries(record)) {
    if (key !== 'scenario' && key !== 'state' && key !== 'call' && key !== 'aim')
      lines.push(`${key}: ${JSON.stringify(v)}`);
  }
  return lines;
}
