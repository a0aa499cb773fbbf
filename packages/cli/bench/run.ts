/**
 * `pnpm bench` for @vskit/cli: the commands users compare with qemu-img, timed as whole processes
 * in the same run, on the same images, each writing its output as a user would (`> file`).
 * Interleaved rounds (every command once per round, so drift and the neighbours' load hit all
 * alike), medians, ratios; the goals; recorded with the machine, the load and the date in
 * RESULTS.md beside this file.
 *
 * Rows are cases in {@link cases}: a command that joins the CLI (and its qemu-img counterpart)
 * joins that list, and its goal the list in {@link goalsOf}.
 *
 * `VSKIT_BENCH_ROUNDS` sets the rounds (default 9); `VSKIT_BENCH_DIR` the scratch folder
 * (default: under /dev/shm when there is one, so outputs land on tmpfs and inputs stay in memory).
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chsCapacity, geometryForSize } from '@vskit/vhd-format';
import { BENCH_ENV, canMeasureRss, peakRss, sh, timeScript } from './processes.js';
import { type FileRead, writeReadList } from './read-list.js';
import {
  describeMachine,
  type Goal,
  goalsTable,
  type Row,
  rowsTable,
  writeResults,
} from './report.js';
import { buildWorkload, type Workload, type Write } from './workload.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;
const HERE = dirname(fileURLToPath(import.meta.url));
const BIN = join(HERE, '..', 'dist', 'vskit.cjs');
const ROUNDS = Number(process.env.VSKIT_BENCH_ROUNDS ?? 9);
const RSS_RUNS = 3;

/** One command line, timed whole. */
interface Case {
  readonly id: string;
  readonly group: string;
  readonly label: string;
  /** A few words naming it in other rows' notes. */
  readonly short: string;
  readonly script: string;
  /** The case this one's ratio is taken against. */
  readonly versus?: string;
  /** A second case to give the ratio against, in the note. */
  readonly alsoVersus?: string;
  readonly needsQemu?: boolean;
  /** Untimed, before every run: clear the output, lay a fresh target. */
  readonly before?: () => void;
}

/** Where each case writes, and the fresh target `write` gets before each run. */
interface Scratch {
  readonly out: string;
  /** Where the imports write their VHD. */
  readonly outVhd: string;
  readonly target: string;
  readonly emptyTemplate: string;
  /** The file reads of `chain-8.vhd`'s bytes and of `chain-8-flat.vhd`'s (see read-list.ts). */
  readonly chainReads: string;
  readonly chainFlatReads: string;
}

const node = (args: string) => `exec ${sh(process.execPath)} ${args}`;
/** Set on some machines for other tools; the timed commands run without it (see BENCH_ENV). */
const CA_CERTS = process.env.NODE_EXTRA_CA_CERTS;
/** The plain Node.js script doing a raw export's reads and writes (see node-floor.cjs). */
const FLOOR = join(HERE, 'node-floor.cjs');
/** The plain Node.js script reading the file ranges a list names (see read-floor.cjs). */
const READ_FLOOR = join(HERE, 'read-floor.cjs');
const vskit = (args: string) => node(`${sh(BIN)} ${args}`);

/** Every timed case. */
function cases(w: Workload, s: Scratch): Case[] {
  const clearOut = () => rmSync(s.out, { force: true });
  const clearOutVhd = () => rmSync(s.outVhd, { force: true });
  const freshTarget = () => copyFileSync(s.emptyTemplate, s.target);
  const out = sh(s.out);
  const outVhd = sh(s.outVhd);
  return [
    {
      id: 'cat',
      short: 'vskit cat',
      group: 'cat 1 GiB',
      label: 'vskit cat flat.vhd > out.raw',
      script: `${vskit(`cat ${sh(w.flat)}`)} > ${out}`,
      versus: 'qemu-S0',
      before: clearOut,
    },
    {
      id: 'qemu-S0',
      short: 'qemu-img -S 0',
      group: 'cat 1 GiB',
      label: 'qemu-img convert -S 0 -f vpc -O raw flat.vhd out.raw',
      script: `exec qemu-img convert -S 0 -f vpc -O raw ${sh(w.flat)} ${out}`,
      needsQemu: true,
      before: clearOut,
    },
    {
      id: 'cat8flat',
      short: 'vskit cat, same bytes flat',
      group: 'cat 1 GiB',
      label: 'vskit cat chain-8-flat.vhd > out.raw (what chain-8.vhd reads, in one layer)',
      script: `${vskit(`cat ${sh(w.chain8Flat)}`)} > ${out}`,
      before: clearOut,
    },
    {
      id: 'cat8',
      short: 'vskit cat depth 8',
      group: 'cat 1 GiB',
      label: 'vskit cat chain-8.vhd > out.raw (depth-8 chain)',
      script: `${vskit(`cat ${sh(w.chain8)}`)} > ${out}`,
      versus: 'cat8flat',
      before: clearOut,
    },
    {
      id: 'reads8flat',
      short: 'the same reads of chain-8-flat.vhd',
      group: 'cat 1 GiB',
      label:
        "node bench/read-floor.cjs: the file reads of chain-8-flat.vhd's bytes (plain Node.js, no output)",
      script: node(`${sh(READ_FLOOR)} ${sh(s.chainFlatReads)}`),
    },
    {
      id: 'reads8',
      short: 'the same reads of chain-8.vhd',
      group: 'cat 1 GiB',
      label:
        "node bench/read-floor.cjs: the file reads of chain-8.vhd's bytes, from its nine files (plain Node.js, no output)",
      script: node(`${sh(READ_FLOOR)} ${sh(s.chainReads)}`),
      versus: 'reads8flat',
    },
    {
      id: 'export',
      short: 'vskit convert to raw',
      group: 'export 1 GiB to raw',
      label: 'vskit convert flat.vhd out.raw (sparse output)',
      script: `${vskit(`convert ${sh(w.flat)} ${out}`)} > /dev/null`,
      versus: 'qemu-sparse',
      alsoVersus: 'floor',
      before: clearOut,
    },
    {
      id: 'floor',
      short: 'the Node.js floor',
      group: 'export 1 GiB to raw',
      label:
        'node bench/node-floor.cjs flat.vhd out.raw (plain Node.js: the same reads and writes, nothing else)',
      script: node(`${sh(FLOOR)} ${sh(w.flat)} ${out}`),
      versus: 'qemu-sparse',
      before: clearOut,
    },
    {
      id: 'qemu-sparse',
      short: 'qemu-img convert -O raw',
      group: 'export 1 GiB to raw',
      label: 'qemu-img convert -f vpc -O raw flat.vhd out.raw (sparse output, its default)',
      script: `exec qemu-img convert -f vpc -O raw ${sh(w.flat)} ${out}`,
      needsQemu: true,
      before: clearOut,
    },
    {
      id: 'import',
      short: 'vskit convert to dynamic',
      group: 'import 1 GiB raw',
      label: 'vskit convert half.raw out.vhd (dynamic)',
      script: `${vskit(`convert ${sh(w.halfRaw)} ${outVhd}`)} > /dev/null`,
      versus: 'qemu-vpc',
      before: clearOutVhd,
    },
    {
      id: 'qemu-vpc',
      short: 'qemu-img convert -O vpc',
      group: 'import 1 GiB raw',
      label: 'qemu-img convert -f raw -O vpc half.raw out.vhd',
      script: `exec qemu-img convert -f raw -O vpc ${sh(w.halfRaw)} ${outVhd}`,
      needsQemu: true,
      before: clearOutVhd,
    },
    {
      id: 'write',
      short: 'vskit write',
      group: 'write 512 MiB',
      label: 'vskit write empty.vhd --offset 0 --input input.bin',
      script: vskit(`write ${sh(s.target)} --offset 0 --input ${sh(w.input)}`),
      versus: 'qemu-io',
      before: freshTarget,
    },
    {
      id: 'qemu-io',
      short: 'qemu-io write',
      group: 'write 512 MiB',
      label: "qemu-io -f vpc -c 'write -P 0x5a 0 512M' empty.vhd",
      script: `exec qemu-io -f vpc -c 'write -P 0x5a 0 512M' ${sh(s.target)}`,
      needsQemu: true,
      before: freshTarget,
    },
    {
      id: 'node',
      short: 'node -e 0',
      group: 'start-up',
      label: 'node -e 0',
      script: node('-e 0'),
    },
    ...(CA_CERTS === undefined
      ? []
      : [
          {
            id: 'node-ca',
            short: 'node -e 0 with NODE_EXTRA_CA_CERTS',
            group: 'start-up',
            label:
              'node -e 0 with NODE_EXTRA_CA_CERTS as this machine sets it (every other row runs without)',
            script: `NODE_EXTRA_CA_CERTS=${sh(CA_CERTS)} ${node('-e 0')}`,
            versus: 'node',
          },
        ]),
    {
      id: 'info',
      short: 'vskit info',
      group: 'start-up',
      label: 'vskit info small.vhd (8 MiB dynamic)',
      script: vskit(`info ${sh(w.small)}`),
      versus: 'node',
    },
    {
      id: 'qemu-info',
      short: 'qemu-img info',
      group: 'start-up',
      label: 'qemu-img info small.vhd',
      script: `exec qemu-img info ${sh(w.small)}`,
      needsQemu: true,
    },
  ];
}

/** Runs `script` once; throws with its stderr when it fails. */
function runScript(script: string): void {
  const result = spawnSync('bash', ['-c', script], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: BENCH_ENV,
  });
  if (result.status !== 0) throw new Error(`${script}: ${result.stderr.toString().trim()}`);
}

/** Whether two files hold the same bytes (the first `bytes` of each, when given). */
function sameBytes(a: string, b: string, bytes?: number): boolean {
  const limit = bytes === undefined ? [] : ['-n', String(bytes)];
  return spawnSync('cmp', ['-s', ...limit, a, b]).status === 0;
}

/** Writes `writes` into the raw file at `path` of `size` bytes, at their offsets, cut at its end. */
function patchRaw(path: string, size: number, writes: readonly Write[]): void {
  const fd = openSync(path, 'r+');
  try {
    for (const w of writes) {
      const n = Math.min(w.bytes.length, size - w.offset);
      if (n > 0) writeSync(fd, w.bytes, 0, n, w.offset);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Checks that every timed command does the work it is timed for: vskit's and qemu-img's raw
 * outputs of `flat.vhd` agree byte for byte; vskit's of the depth-8 chain is that raw file with
 * the layers' writes laid over it (qemu-img's vpc driver reads no parents, so it has no chain
 * row); both raw exports of `flat.vhd` are `half.raw`, and both imports of `half.raw` read back
 * as it; what `vskit write` wrote reads back; the read lists of the chain and its flat twin
 * name as many bytes. This pass also warms the page cache. Returns the file sizes of the
 * imports, by case id.
 */
function verify(w: Workload, s: Scratch, qemu: boolean): Map<string, number> {
  const twin = `${s.out}.twin`;
  runScript(`${vskit(`cat ${sh(w.flat)}`)} > ${sh(twin)}`);
  if (qemu) {
    runScript(`exec qemu-img convert -S 0 -f vpc -O raw ${sh(w.flat)} ${sh(s.out)}`);
    if (!sameBytes(s.out, twin)) throw new Error('vskit cat and qemu-img differ on flat.vhd');
  }
  patchRaw(twin, w.virtualSize, w.chainWrites);
  for (const image of [w.chain8, w.chain8Flat]) {
    runScript(`${vskit(`cat ${sh(image)}`)} > ${sh(s.out)}`);
    if (!sameBytes(s.out, twin)) throw new Error(`vskit cat of ${image} is wrong`);
  }
  const listed = (list: string) =>
    (JSON.parse(readFileSync(list, 'utf8')) as FileRead[]).reduce((n, read) => n + read[2], 0);
  if (listed(s.chainReads) !== listed(s.chainFlatReads)) {
    throw new Error(
      'the read lists of chain-8.vhd and chain-8-flat.vhd name different byte counts',
    );
  }
  for (const list of [s.chainReads, s.chainFlatReads])
    runScript(node(`${sh(READ_FLOOR)} ${sh(list)}`));
  rmSync(twin, { force: true });
  rmSync(s.out, { force: true });
  runScript(`${vskit(`convert ${sh(w.flat)} ${sh(s.out)}`)} > /dev/null`);
  if (!sameBytes(s.out, w.halfRaw)) throw new Error('vskit convert to raw is not flat.vhd');
  rmSync(s.out, { force: true });
  runScript(node(`${sh(FLOOR)} ${sh(w.flat)} ${sh(s.out)}`));
  if (!sameBytes(s.out, w.halfRaw)) throw new Error('the Node.js floor is not flat.vhd');
  rmSync(s.out, { force: true });
  if (qemu) {
    runScript(`exec qemu-img convert -f vpc -O raw ${sh(w.flat)} ${sh(s.out)}`);
    if (!sameBytes(s.out, w.halfRaw)) throw new Error('qemu-img convert -O raw is not flat.vhd');
    rmSync(s.out, { force: true });
  }
  const imported = new Map<string, number>();
  for (const [script, what] of [
    [`${vskit(`convert ${sh(w.halfRaw)} ${sh(s.outVhd)}`)} > /dev/null`, 'import'],
    ...(qemu
      ? [[`exec qemu-img convert -f raw -O vpc ${sh(w.halfRaw)} ${sh(s.outVhd)}`, 'qemu-vpc']]
      : []),
  ] as const) {
    runScript(script);
    imported.set(what, statSync(s.outVhd).size);
    runScript(`${vskit(`cat ${sh(s.outVhd)} --length ${w.virtualSize}`)} > ${sh(s.out)}`);
    if (!sameBytes(s.out, w.halfRaw)) throw new Error(`the import by ${what} does not read back`);
    rmSync(s.out, { force: true });
    rmSync(s.outVhd, { force: true });
  }
  copyFileSync(s.emptyTemplate, s.target);
  runScript(vskit(`write ${sh(s.target)} --offset 0 --input ${sh(w.input)}`));
  runScript(`${vskit(`cat ${sh(s.target)} --length ${w.inputBytes}`)} > ${sh(s.out)}`);
  if (!sameBytes(s.out, w.input)) throw new Error('vskit write did not read back');
  rmSync(s.out, { force: true });
  return imported;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function hasQemu(): boolean {
  return ['qemu-img', 'qemu-io'].every(
    (tool) => spawnSync(tool, ['--version'], { stdio: 'ignore' }).status === 0,
  );
}

/** The scratch folder: under /dev/shm (tmpfs) when there is one. */
function scratchRoot(): string {
  const base = process.env.VSKIT_BENCH_DIR ?? (existsSync('/dev/shm') ? '/dev/shm' : tmpdir());
  return mkdtempSync(join(base, 'vskit-cli-bench-'));
}

/**
 * The goals, from the medians by case id (wall clock, and CPU time) and the peak memory figures.
 * Ratios are judged on the wall clock, as users see them; the CPU ratio is shown beside.
 */
function goalsOf(
  ms: (id: string) => number | undefined,
  cpuMs: (id: string) => number | undefined,
  rss: Map<string, number>,
  imported: Map<string, number>,
): Goal[] {
  const goals: Goal[] = [];
  const ratioGoal = (goal: string, id: string, versus: string, max: number) => {
    const a = ms(id);
    const b = ms(versus);
    if (a === undefined || b === undefined) return;
    const ca = cpuMs(id);
    const cb = cpuMs(versus);
    const cpu = ca === undefined || cb === undefined ? '' : `; CPU ${(ca / cb).toFixed(2)}x`;
    goals.push({
      goal,
      measured: `${(a / b).toFixed(2)}x (${a.toFixed(0)} ms against ${b.toFixed(0)} ms)${cpu}`,
      pass: a / b <= max,
    });
  };
  ratioGoal('`vskit cat > file` at most 1.0x `qemu-img convert -S 0 -O raw`', 'cat', 'qemu-S0', 1);
  ratioGoal(
    '`vskit cat` of a depth-8 chain at most 1.1x the flat read (the same bytes in one layer)',
    'cat8',
    'cat8flat',
    1.1,
  );
  ratioGoal(
    '`vskit convert x.vhd out.raw` at most 1.0x `qemu-img convert -O raw` (its default, sparse)',
    'export',
    'qemu-sparse',
    1,
  );
  ratioGoal(
    'import of raw into a dynamic VHD (`vskit convert`) at most 1.0x `qemu-img convert -O vpc`',
    'import',
    'qemu-vpc',
    1,
  );
  const ours = imported.get('import');
  const theirs = imported.get('qemu-vpc');
  if (ours !== undefined && theirs !== undefined) {
    goals.push({
      goal: "the imported VHD no larger than qemu-img's",
      measured: `${ours} bytes against ${theirs} (${ours - theirs >= 0 ? '+' : ''}${ours - theirs})`,
      pass: ours <= theirs,
    });
  }
  ratioGoal('`vskit write` of 512 MiB at most 1.0x `qemu-io -c write`', 'write', 'qemu-io', 1);
  const info = ms('info');
  const bare = ms('node');
  if (info !== undefined && bare !== undefined) {
    goals.push({
      goal: '`vskit info` of a small image within 100 ms (whole process)',
      measured: `${info.toFixed(0)} ms; \`node -e 0\` ${bare.toFixed(0)} ms (+${(info - bare).toFixed(0)} ms)`,
      pass: info <= 100,
    });
  }
  const flat = rss.get('cat');
  const huge = rss.get('cat-huge');
  if (flat !== undefined && huge !== undefined) {
    goals.push({
      goal: 'peak RSS of `vskit cat` at most 60 MiB, independent of the virtual size',
      measured: `${(flat / MiB).toFixed(1)} MiB (1 GiB disk), ${(huge / MiB).toFixed(1)} MiB (1 GiB of a 2040 GiB disk)`,
      pass: Math.max(flat, huge) <= 60 * MiB && Math.abs(huge - flat) <= 8 * MiB,
    });
  }
  const exported = rss.get('export');
  if (exported !== undefined) {
    goals.push({
      goal: 'peak RSS of the raw export (`vskit convert x.vhd out.raw`) at most 60 MiB',
      measured: `${(exported / MiB).toFixed(1)} MiB (1 GiB disk)`,
      pass: exported <= 60 * MiB,
    });
  }
  return goals;
}

async function main(): Promise<void> {
  const machine = describeMachine();
  const qemu = hasQemu();
  const dir = scratchRoot();
  const log = (text: string) => process.stderr.write(`${text}\n`);
  try {
    log(`building the workload in ${dir}`);
    // 1 GiB as CHS rounds it (1,073,479,680 bytes): qemu-img shows such a disk at exactly its size.
    const w = await buildWorkload(dir, BIN, chsCapacity(geometryForSize(GiB)));
    const s: Scratch = {
      out: join(dir, 'out.raw'),
      outVhd: join(dir, 'out.vhd'),
      target: join(dir, 'target.vhd'),
      emptyTemplate: join(dir, 'empty.vhd'),
      chainReads: join(dir, 'chain-8.reads.json'),
      chainFlatReads: join(dir, 'chain-8-flat.reads.json'),
    };
    runScript(vskit(`create dynamic ${sh(s.emptyTemplate)} ${w.virtualSize}`));
    await writeReadList(w.chain8, s.chainReads);
    await writeReadList(w.chain8Flat, s.chainFlatReads);
    const imported = verify(w, s, qemu);

    const all = cases(w, s).filter((c) => qemu || !c.needsQemu);
    const times = new Map<string, number[]>(all.map((c) => [c.id, []]));
    const cpuTimes = new Map<string, number[]>(all.map((c) => [c.id, []]));
    for (let round = 0; round < ROUNDS; round++) {
      log(`round ${round + 1} of ${ROUNDS}`);
      for (const c of all) {
        c.before?.();
        const { wall, cpu } = timeScript(c.script, dir);
        times.get(c.id)!.push(wall);
        if (cpu !== undefined) cpuTimes.get(c.id)!.push(cpu);
      }
    }
    rmSync(s.out, { force: true });
    const ms = (id: string) => {
      const list = times.get(id);
      return list === undefined || list.length === 0 ? undefined : median(list);
    };
    const cpuMs = (id: string) => {
      const list = cpuTimes.get(id);
      return list === undefined || list.length === 0 ? undefined : median(list);
    };
    const shortOf = (id: string | undefined) => all.find((x) => x.id === id)?.short;
    /** `1.04x of <short> (CPU 1.02x)`: a second ratio, for the note. */
    const alsoNote = (id: string, other: string) => {
      const a = ms(id);
      const b = ms(other);
      if (a === undefined || b === undefined) return `${shortOf(other)} not run`;
      const ca = cpuMs(id);
      const cb = cpuMs(other);
      const cpu = ca === undefined || cb === undefined ? '' : ` (CPU ${(ca / cb).toFixed(2)}x)`;
      return `${(a / b).toFixed(2)}x ${shortOf(other)}${cpu}`;
    };
    const rows: Row[] = all.map((c) => {
      const value = ms(c.id)!;
      const versus = c.versus === undefined ? undefined : ms(c.versus);
      const cpu = cpuMs(c.id);
      const cpuVersus = c.versus === undefined ? undefined : cpuMs(c.versus);
      return {
        group: c.group,
        operation: c.label,
        value,
        unit: 'ms',
        ...(cpu === undefined ? {} : { cpu }),
        ...(versus === undefined ? {} : { ratio: value / versus }),
        ...(cpu === undefined || cpuVersus === undefined ? {} : { cpuRatio: cpu / cpuVersus }),
        note: [
          ...(versus === undefined ? [] : [`ratio to ${shortOf(c.versus)}`]),
          ...(c.alsoVersus === undefined ? [] : [alsoNote(c.id, c.alsoVersus)]),
          `min ${Math.min(...times.get(c.id)!).toFixed(0)} ms`,
        ].join('; '),
      };
    });

    const rss = new Map<string, number>();
    if (canMeasureRss) {
      log('peak memory');
      const out = sh(s.out);
      const memoryCases: Array<[string, string, string]> = [
        ['cat', 'vskit cat flat.vhd > out.raw (1 GiB)', `${vskit(`cat ${sh(w.flat)}`)} > ${out}`],
        [
          'cat-huge',
          'vskit cat huge.vhd --length 1GiB > out.raw (2040 GiB disk)',
          `${vskit(`cat ${sh(w.huge)} --length 1GiB`)} > ${out}`,
        ],
        [
          'export',
          'vskit convert flat.vhd out.raw (1 GiB, sparse)',
          `${vskit(`convert ${sh(w.flat)} ${out}`)} > /dev/null`,
        ],
        ['node', 'node -e 0', node('-e 0')],
        ...(qemu
          ? [
              [
                'qemu-S0',
                'qemu-img convert -S 0 -f vpc -O raw flat.vhd out.raw',
                `exec qemu-img convert -S 0 -f vpc -O raw ${sh(w.flat)} ${out}`,
              ] as [string, string, string],
            ]
          : []),
      ];
      for (const [id, label, script] of memoryCases) {
        const peaks: number[] = [];
        for (let i = 0; i < RSS_RUNS; i++) {
          rmSync(s.out, { force: true });
          peaks.push(peakRss(script, dir));
        }
        rss.set(id, median(peaks));
        rows.push({
          group: 'peak RSS',
          operation: label,
          value: median(peaks) / MiB,
          unit: 'MiB',
          note: `median of ${RSS_RUNS} (GNU time %M)`,
        });
      }
    }
    machine.load.end = loadavg()[0] ?? 0;
    const goals = goalsOf(ms, cpuMs, rss, imported);

    const setup = [
      '- Images made through vhd-format and `vskit create diff`: `flat.vhd`, a 1 GiB dynamic disk with every',
      '  other 2 MiB block written (half allocated); `chain-8.vhd`, the top of eight differencing layers over',
      '  it, each holding 1/32 of the blocks whole and 64 KiB of another 1/32 (most reads walk all eight);',
      '  `huge.vhd`, a 2040 GiB dynamic disk holding its first and last blocks; `small.vhd`, an empty 8 MiB',
      '  dynamic disk; `input.bin`, 512 MiB of seeded bytes with no zero byte; `half.raw`, the raw bytes of',
      '  `flat.vhd` with every byte written (its zeros too), what an import reads.',
      '- `chain-8-flat.vhd` is one dynamic disk holding what `chain-8.vhd` reads. On a virtual machine a',
      '  file in memory reads at a speed that depends on where its pages sit (66 to 155 µs/MiB between',
      '  regions of one file here), so `flat.vhd`, the eight layers and `chain-8-flat.vhd` are written',
      '  again side by side, a slice of each in turn (`bench/placement.ts`): both sides of the depth-8',
      '  comparison read memory of the same speed. `bench/read-floor.cjs` rows check it: plain Node.js',
      "  reading the file ranges that hold each disk's bytes (from vhd-format's map), nothing else.",
      '- Every figure is a whole process started by `bash -c "exec ..."`, Node.js start-up included, output',
      '  redirected to a file as a user would (`> out.raw`), removed before each run; `write` and `qemu-io`',
      '  get a fresh empty 1 GiB dynamic disk before each run. Files on tmpfs (/dev/shm) when there is one:',
      '  inputs in memory, outputs never written back to a disk.',
      `- ${ROUNDS} interleaved rounds (every command once per round), medians; ratios are of medians.`,
      '- Before timing, vskit cat and `qemu-img convert -S 0` outputs are compared byte for byte, both',
      "  raw exports are compared with `half.raw`, both imports and vskit write's result are read back:",
      '  every timed run does the same work as its counterpart.',
      '- `qemu-img convert -S 0` writes every byte (zeros included), as `vskit cat > file` does;',
      "  qemu-img's default convert leaves holes for zeros, as `vskit convert x.vhd out.raw` does:",
      '  the export rows compare those two. The import rows write a new dynamic VHD from `half.raw`.',
      '- CPU: user + system time of the process (all its threads), from GNU time. On a busy machine a',
      '  single-threaded process (vskit) waits for a core longer than one that spreads its work over',
      "  threads (qemu-img's I/O threads), so the CPU ratio says more about the work than the wall one.",
      '- Peak RSS: GNU time `%M` of the process, median of 3.',
      '- `bench/node-floor.cjs` is the floor of the raw export in Node.js: plain `node:fs` calls doing',
      "  the export's reads and writes of `flat.vhd` (two allocated blocks that follow in the file per",
      "  read, blocking reads, each block's data written at its place on a thread pool of one thread",
      '  while the next read is made, the size set at the end), with no vskit code: the export rows',
      '  give vskit against it and it against qemu-img.',
      ...(CA_CERTS === undefined
        ? []
        : [
            '- `NODE_EXTRA_CA_CERTS` is set on this machine (for other tools); the commands are timed without',
            '  it, as on a machine without it: Node.js 20 reads that file at every start (the',
            '  `node -e 0 with NODE_EXTRA_CA_CERTS` row shows what that costs).',
          ]),
      '- The machine is shared: the load averages above say how busy it was; absolute times move with',
      '  it, ratios from interleaved rounds less.',
    ].join('\n');
    const resultsPath = join(HERE, 'RESULTS.md');
    writeResults(resultsPath, { machine, date: new Date(), setup, rows, goals });
    console.log(rowsTable(rows));
    console.log(`\n${goalsTable(goals)}\n`);
    console.log(`recorded in ${resultsPath}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
