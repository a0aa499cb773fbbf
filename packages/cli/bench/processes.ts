/** Running whole processes for the bench: wall time, and peak resident memory. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Runs `script` with `bash -c` and returns its wall-clock time in ms. The script should `exec` its
 * command so that no shell stays between the bench and it (a `> file` redirection is then the
 * command's own, as when a user types it). Throws when the script fails.
 */
export function timeScript(script: string): number {
  const start = performance.now();
  const result = spawnSync('bash', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - start;
  if (result.status !== 0) {
    throw new Error(`${script}: exit ${result.status}: ${result.stderr.toString().trim()}`);
  }
  return ms;
}

/** GNU time, which reports a child's peak resident set size. */
const GNU_TIME = '/usr/bin/time';

/** Whether peak memory can be measured here. */
export const canMeasureRss = existsSync(GNU_TIME);

/**
 * The peak resident set size of `script`'s command in bytes (GNU time's `%M`, the kernel's
 * `ru_maxrss` of the child), `script` run as by {@link timeScript}.
 */
export function peakRss(script: string, scratch: string): number {
  const out = join(scratch, 'rss.txt');
  const result = spawnSync(GNU_TIME, ['-f', '%M', '-o', out, 'bash', '-c', script], {
    stdio: ['ignore', 'ignore', 'pipe'],
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
