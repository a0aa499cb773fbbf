/**
 * One operation of the long-chain bench, in a process of its own: `info`, `read` or `check` on
 * the chain whose top is argv[3] (each parent found by name in the same folder). Prints one JSON
 * line: the operation's wall-clock ms, the process's peak RSS and a note.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { openNodeFile } from '@vskit/host-node';
import { check, inspect, openImage } from '../src/index.js';
import { openChainAt } from '../src/interop/__fixtures__/images.js';
import type { WorkerResult } from './bat-chain.js';

/**
 * The process's peak RSS: VmHWM where /proc has it (getrusage's maxrss would count the parent's
 * memory at fork, which an exec keeps), else `resourceUsage().maxRSS`.
 */
function peakRss(): number {
  try {
    const line = readFileSync('/proc/self/status', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmHWM:'));
    if (line !== undefined) return Number(line.split(/\s+/)[1]) * 1024;
  } catch {
    // No /proc: fall through.
  }
  return process.resourceUsage().maxRSS * 1024;
}

async function run(op: string, top: string): Promise<string> {
  if (op === 'none') return 'nothing: the floor of node, tsx and the modules';
  if (op === 'info') {
    const chain = await openChainAt(top);
    const info = inspect(chain);
    await chain.close();
    return `${info.layers.length} layers, ${chain.warnings.length} warnings`;
  }
  if (op === 'read') {
    const chain = await openChainAt(top);
    const out = new Uint8Array(512);
    await chain.read(out, 0);
    await chain.close();
    return `${chain.layers.length} layers`;
  }
  // check: as `vskit check` does, whether the top opens, then every layer against its parent,
  // walking down to the parent each check found.
  const probe = await openNodeFile(top, 'read');
  await (await openImage(probe)).close();
  const folder = dirname(top);
  let path: string | undefined = top;
  let layers = 0;
  let problems = 0;
  while (path !== undefined) {
    const file = await openNodeFile(path, 'read');
    let parentPath: string | undefined;
    try {
      const result = await check(file, {
        openParent: async (ref) => {
          parentPath = join(folder, ref.unicodeName);
          return openNodeFile(parentPath, 'read');
        },
      });
      problems += result.problems.length;
    } finally {
      await file.close();
    }
    layers++;
    path = parentPath;
  }
  return `${layers} layers, ${problems} problems`;
}

const [op, top] = process.argv.slice(2) as [string, string];
const start = performance.now();
const cpuStart = process.cpuUsage();
const done = await run(op, top);
const ms = performance.now() - start;
const cpu = process.cpuUsage(cpuStart);
const note = `${done}; CPU ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms`;
const result: WorkerResult = { ms, maxRssBytes: peakRss(), note };
console.log(JSON.stringify(result));
