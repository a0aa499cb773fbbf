/** The bench table: printed to the terminal and recorded in RESULTS.md with the machine. */
import { writeFileSync } from 'node:fs';
import type { Machine } from './machine.js';

/** One measured operation. */
export interface Row {
  readonly group: string;
  readonly operation: string;
  /** Median wall-clock time in ms. */
  readonly ms: number;
  /** Throughput over the virtual bytes moved, when the operation moves bytes. */
  readonly mibPerSecond?: number;
  /** Throughput relative to the raw baseline of the same direction. */
  readonly ratio?: number;
  /** Free text for anything else (memory, run counts). */
  readonly note?: string;
}

/** A goal from the package's performance requirements and whether this run met it. */
export interface Goal {
  readonly goal: string;
  readonly measured: string;
  readonly pass: boolean;
}

const fixed = (value: number, digits: number) => value.toFixed(digits);

function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
  return lines.join('\n');
}

/** The measurements as a Markdown table. */
export function rowsTable(rows: readonly Row[]): string {
  return table(
    ['group', 'operation', 'median ms', 'MiB/s', 'ratio to raw', 'note'],
    rows.map((r) => [
      r.group,
      r.operation,
      fixed(r.ms, r.ms < 10 ? 3 : 1),
      r.mibPerSecond === undefined ? '' : fixed(r.mibPerSecond, 0),
      r.ratio === undefined ? '' : `${fixed(r.ratio, 2)}x`,
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
    `- CPU: ${m.cpuModel} (nproc ${m.nproc})`,
    `- memory: ${m.memoryGiB} GiB`,
    `- Node.js ${m.node} on ${m.platform}`,
    `- 1-minute load average at the start: ${m.load.toFixed(2)}`,
  ].join('\n');
}

/** Writes RESULTS.md: how the figures were taken, the machine, the goals and every row. */
export function writeResults(
  path: string,
  o: {
    machine: Machine;
    date: Date;
    setup: string;
    rows: readonly Row[];
    goals: readonly Goal[];
  },
): void {
  const text = `# @vskit/vhd-format benchmarks

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
`;
  writeFileSync(path, text);
}
