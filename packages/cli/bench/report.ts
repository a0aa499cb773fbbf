/** The CLI bench's tables, printed and recorded in RESULTS.md with the machine and the date. */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, totalmem } from 'node:os';

/** One measured command line. */
export interface Row {
  readonly group: string;
  readonly operation: string;
  /** Median wall-clock ms, or a size in MiB for memory rows (see `unit`). */
  readonly value: number;
  readonly unit: 'ms' | 'MiB';
  /** Median CPU ms (user + system) of a timed row. */
  readonly cpu?: number;
  /** The value over the row it is compared with, when there is one. */
  readonly ratio?: number;
  /** The CPU time over that row's. */
  readonly cpuRatio?: number;
  readonly note?: string;
}

/** A goal and whether this run met it. */
export interface Goal {
  readonly goal: string;
  readonly measured: string;
  readonly pass: boolean;
}

/** The machine the figures were taken on, and how busy it was. */
export interface Machine {
  readonly cpu: string;
  readonly nproc: number;
  readonly memoryGiB: number;
  readonly node: string;
  readonly qemu: string;
  /** 1-minute load averages when the bench started and ended. */
  load: { start: number; end?: number };
}

function cpuModel(): string {
  try {
    const line = readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'));
    return line?.split(':')[1]?.trim() ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function qemuVersion(): string {
  try {
    return execFileSync('qemu-img', ['--version'], { encoding: 'utf8' }).split('\n')[0] ?? '';
  } catch {
    return 'not installed';
  }
}

/** Looks the machine up. */
export function describeMachine(): Machine {
  return {
    cpu: cpuModel(),
    nproc: availableParallelism(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    qemu: qemuVersion(),
    load: { start: loadavg()[0] ?? 0 },
  };
}

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

/** The rows as a Markdown table. */
export function rowsTable(rows: readonly Row[]): string {
  const ms = (v: number) => `${v.toFixed(v < 100 ? 1 : 0)} ms`;
  return table(
    ['group', 'command', 'median', 'ratio', 'CPU', 'CPU ratio', 'note'],
    rows.map((r) => [
      r.group,
      r.operation,
      r.unit === 'ms' ? ms(r.value) : `${r.value.toFixed(1)} MiB`,
      r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}x`,
      r.cpu === undefined ? '' : ms(r.cpu),
      r.cpuRatio === undefined ? '' : `${r.cpuRatio.toFixed(2)}x`,
      r.note ?? '',
    ]),
  );
}

/** The goals as a Markdown table with PASS/MISS. */
export function goalsTable(goals: readonly Goal[]): string {
  return table(
    ['goal', 'measured', 'result'],
    goals.map((g) => [g.goal, g.measured, g.pass ? 'PASS' : 'MISS']),
  );
}

/** The machine as a Markdown list. */
export function machineList(m: Machine): string {
  return [
    `- CPU: ${m.cpu} (nproc ${m.nproc}), memory ${m.memoryGiB} GiB`,
    `- Node.js ${m.node}; ${m.qemu}`,
    `- 1-minute load average: ${m.load.start.toFixed(2)} at the start, ${(m.load.end ?? 0).toFixed(2)} at the end`,
  ].join('\n');
}

/** Writes RESULTS.md. */
export function writeResults(
  path: string,
  o: { machine: Machine; date: Date; setup: string; rows: readonly Row[]; goals: readonly Goal[] },
): void {
  writeFileSync(
    path,
    `# @vskit/cli benchmarks: whole processes against qemu-img

Measured by \`pnpm bench\` (\`tsx bench/run.ts\` in this package) on ${o.date.toISOString().slice(0, 10)}.
Re-running the bench rewrites this file.

## Machine
${machineList(o.machine)}

## Setup
${o.setup}

## Goals
${goalsTable(o.goals)}

## Measurements
${rowsTable(o.rows)}
`,
  );
}
