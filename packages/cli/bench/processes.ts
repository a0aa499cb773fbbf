/** Running whole processes for the bench: wall time, and peak resident memory. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** GNU time, which reports a child's CPU time and peak resident set size. */
const GNU_TIME = '/usr/bin/time';

/**
 * The environment the bench runs commands in: this process's, without `NODE_EXTRA_CA_CERTS`.
 * Node.js 20 reads and parses that certificate file at every start (about 30 ms on the
 * project's machine, where it is set for other tools); no command timed here needs it, and it
 * would time the machine's settings, not the commands. The bench shows its cost in a row of its
 * own when it is set.
 */
export const BENCH_ENV: NodeJS.ProcessEnv = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name !== 'NODE_EXTRA_CA_CERTS'),
);

/** Whether CPU time and peak memory can be measured here. */
export const canMeasureRss = existsSync(GNU_TIME);

/** What one run took: wall-clock ms, and CPU ms (user + system, all threads) when known. */
export interface Timing {
  readonly wall: number;
  readonly cpu: number | undefined;
}

/**
 * Runs `script` with `bash -c` and times it: the wall clock around the whole run, and the CPU
 * time GNU time reports for it (when installed; its own start is outside that). The script should
 * `exec` its command so that no shell stays between the bench and it (a `> file` redirection is
 * then the command's own, as when a user types it). It runs in {@link BENCH_ENV}. Throws when
 * the script fails.
 */
export function timeScript(script: string, scratch: string): Timing {
  const out = join(scratch, 'cpu.txt');
  const command = canMeasureRss
    ? [GNU_TIME, '-f', '%U %S', '-o', out, 'bash', '-c', script]
    : ['bash', '-c', script];
  const start = performance.now();
  const result = spawnSync(command[0]!, command.slice(1), {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: BENCH_ENV,
  });
  const wall = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`${script}: exit ${result.status}: ${result.stderr.toString().trim()}`);
  }
  if (!canMeasureRss) return { wall, cpu: undefined };
  const [user, system] = readFileSync(out, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  rmSync(out, { force: true });
  return { wall, cpu: ((user ?? 0) + (system ?? 0)) * 1000 };
}

/**
 * The peak resident set size of `script`'s command in bytes (GNU time's `%M`, the kernel's
 * `ru_maxrss` of the child), `script` run as by {@link timeScript} (in {@link BENCH_ENV}).
 */
export function peakRss(script: string, scratch: string): number {
  const out = join(scratch, 'rss.txt');
  const result = spawnSync(GNU_TIME, ['-f', '%M', '-o', out, 'bash', '-c', script], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: BENCH_ENV,
  });
  if (result.status !== 0) {
    throw new Error(`${script}: exit ${result.status}: ${result.stderr.toString().trim()}`);
  }
  const kib = Number(readFileSync(out, 'utf8').trim().split('\n').pop());
  rmSync(out, { force: true });
  return kib * 1024;
}

/** Quotes `text` for bash. */
export function sh(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
