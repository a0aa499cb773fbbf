/**
 * Bench of `vskit convert` against qemu-img, as whole processes in the same run: import of a
 * half-zero raw file into a dynamic VHD (against `qemu-img convert -O vpc`, with both outputs'
 * sizes), and export of a half-allocated dynamic VHD to a raw file (against qemu-img's default
 * sparse `convert -O raw`). Interleaved rounds (each command once per round, so drift and the
 * neighbours' load hit all alike), medians, ratios. Outputs are checked equal to qemu's
 * (`qemu-img compare`) before timing.
 *
 * Run after `pnpm build`: `npx tsx packages/cli/bench/convert.ts`. `VSKIT_BENCH_ROUNDS` sets the
 * rounds (default 9), `VSKIT_BENCH_MIB` the disk size (default 1024), `VSKIT_BENCH_DIR` the
 * scratch folder (default under /dev/shm, so outputs land on tmpfs and inputs stay in memory).
 */
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MiB = 2 ** 20;
const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = join(HERE, '..', 'dist', 'bin.js');
const ROUNDS = Number(process.env.VSKIT_BENCH_ROUNDS ?? 9);
const SIZE = Number(process.env.VSKIT_BENCH_MIB ?? 1024) * MiB;

const sh = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

/** Wall time of `bash -c script` in ms; throws when it fails. */
function timeScript(script: string): number {
  const start = performance.now();
  const result = spawnSync('bash', ['-c', script], { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = performance.now() - start;
  if (result.status !== 0) throw new Error(`${script}: exit ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (xs: readonly number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** A raw file of `size` bytes: every even 2 MiB block seeded bytes, every odd one zeros written. */
function halfZeroRaw(path: string, size: number): void {
  const fd = openSync(path, 'w');
  const data = new Uint8Array(2 * MiB);
  const zeros = new Uint8Array(2 * MiB);
  let x = 12345;
  try {
    for (let at = 0, block = 0; at < size; at += data.length, block++) {
      const n = Math.min(data.length, size - at);
      if (block % 2 === 0) {
        for (let i = 0; i < n; i += 4) {
          x = (x * 1103515245 + 12345) >>> 0;
          data[i] = x >>> 24;
          data[i + 1] = x >>> 16;
          data[i + 2] = x >>> 8;
          data[i + 3] = x;
        }
        writeSync(fd, data, 0, n, at);
      } else writeSync(fd, zeros, 0, n, at);
    }
  } finally {
    closeSync(fd);
  }
}

interface Case {
  readonly id: string;
  readonly label: string;
  readonly script: string;
  readonly out: string;
}

function main(): void {
  const base = process.env.VSKIT_BENCH_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  const dir = mkdtempSync(join(base, 'vskit-convert-bench-'));
  try {
    const raw = join(dir, 'half.raw');
    halfZeroRaw(raw, SIZE);
    const vhd = join(dir, 'half.vhd');
    timeScript(`exec qemu-img convert -f raw -O vpc ${sh(raw)} ${sh(vhd)}`);
    const node = (args: string) => `exec ${sh(process.execPath)} ${sh(BIN)} ${args}`;
    const o = (name: string) => join(dir, name);
    const cases: Case[] = [
      {
        id: 'import',
        label: 'vskit convert half.raw out.vhd (dynamic)',
        script: `${node(`convert ${sh(raw)} ${sh(o('ours.vhd'))}`)} > /dev/null`,
        out: o('ours.vhd'),
      },
      {
        id: 'import-qemu',
        label: 'qemu-img convert -f raw -O vpc half.raw out.vhd',
        script: `exec qemu-img convert -f raw -O vpc ${sh(raw)} ${sh(o('qemu.vhd'))}`,
        out: o('qemu.vhd'),
      },
      {
        id: 'export',
        label: 'vskit convert half.vhd out.raw',
        script: `${node(`convert ${sh(vhd)} ${sh(o('ours.raw'))}`)} > /dev/null`,
        out: o('ours.raw'),
      },
      {
        id: 'export-qemu',
        label: 'qemu-img convert -f vpc -O raw half.vhd out.raw (sparse)',
        script: `exec qemu-img convert -f vpc -O raw ${sh(vhd)} ${sh(o('qemu.raw'))}`,
        out: o('qemu.raw'),
      },
    ];
    // Warm-up and check: every output equal to what it should be.
    for (const c of cases) {
      rmSync(c.out, { force: true });
      timeScript(c.script);
    }
    for (const [a, b, fa, fb] of [
      [o('ours.vhd'), o('qemu.vhd'), 'vpc', 'vpc'],
      [o('ours.raw'), o('qemu.raw'), 'raw', 'raw'],
      [o('ours.vhd'), raw, 'vpc', 'raw'],
    ] as const) {
      const r = spawnSync('qemu-img', ['compare', '-f', fa, '-F', fb, a, b]);
      if (!r.stdout.toString().includes('identical')) throw new Error(`${a} and ${b} differ`);
    }
    const sizes = { ours: statSync(o('ours.vhd')).size, qemu: statSync(o('qemu.vhd')).size };
    const times = new Map<string, number[]>(cases.map((c) => [c.id, []]));
    const load = [loadavg()[0]!];
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of cases) {
        rmSync(c.out, { force: true });
        times.get(c.id)!.push(timeScript(c.script));
      }
      load.push(loadavg()[0]!);
    }
    const m = (id: string) => median(times.get(id)!);
    const rows = cases.map((c) => `| ${c.label} | ${(m(c.id) / 1000).toFixed(3)} s |`);
    console.log(`| command (${SIZE / MiB} MiB disk, ${ROUNDS} interleaved rounds) | median |`);
    console.log('|---|---|');
    console.log(rows.join('\n'));
    console.log(
      `\nimport: ${(m('import') / m('import-qemu')).toFixed(2)}x qemu-img (goal <= 1.0x); ` +
        `output ${sizes.ours} bytes vs qemu's ${sizes.qemu} (goal: no larger)`,
    );
    console.log(
      `export: ${(m('export') / m('export-qemu')).toFixed(2)}x qemu-img sparse (goal <= 1.0x)`,
    );
    console.log(`load average (1 min) during the run: ${load.map((l) => l.toFixed(1)).join(', ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
