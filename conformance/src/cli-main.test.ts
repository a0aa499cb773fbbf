import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { elements, parseXml } from './__fixtures__/xml-tree.js';
import { main } from './cli-main.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) },
    out,
    err,
  };
};

describe('main', () => {
  it('exits 2 on bad usage and 0 for --help', async () => {
    const bad = capture();
    expect(await main(['--nope'], bad.io)).toBe(2);
    expect(bad.err.join('')).toContain('usage:');
    const help = capture();
    expect(await main(['--help'], help.io)).toBe(0);
  });
  it('exits 2 when the subject module has no subject as its default export', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vskit-cli-'));
    try {
      const c = capture();
      const file = join(dir, 'none.mjs');
      await import('node:fs/promises').then((fs) => fs.writeFile(file, 'export default 42;\n'));
      expect(await main(['--subject', file], { ...c.io, cwd: dir })).toBe(2);
      expect(c.err.join('')).toContain('not a subject');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('exits 2 before running when the --json report has no folder to go in', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vskit-cli-'));
    try {
      const c = capture();
      const status = await main(['--filter', 'codec', '--runs', '1', '--json', 'missing/r.json'], {
        ...c.io,
        cwd: dir,
      });
      expect(status).toBe(2);
      expect(c.err.join('')).toContain('--json');
      expect(c.out.join('')).toBe(''); // nothing ran
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('runs a filtered suite, prints the report, writes JSON and exits 0 when it passes', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vskit-cli-'));
    try {
      const c = capture();
      const status = await main(
        [
          '--filter',
          'codec',
          '--runs',
          '5',
          '--seed',
          '1',
          '--json',
          'r.json',
          '--junit',
          'j.xml',
          '--html',
          'r.html',
        ],
        { ...c.io, cwd: dir },
      );
      expect(status).toBe(0);
      expect(c.out.join('')).toMatch(/pass\s+CODEC\.footer\.round-trip/);
      const json = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8'));
      expect(json.ok).toBe(true);
      expect(json.seed).toBe(1);
      const junit = parseXml(await readFile(join(dir, 'j.xml'), 'utf8'));
      expect(elements(junit, 'testcase').map((t) => t.attributes.name)).toEqual(
        json.requirements.map((r: { id: string }) => r.id),
      );
      const html = await readFile(join(dir, 'r.html'), 'utf8');
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).toContain('data-id="CODEC.footer.round-trip" data-status="pass"');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  it('exits 1 when a requirement fails (the broken example subject)', async () => {
    const c = capture();
    const example = new URL('../examples/broken-subject.mjs', import.meta.url).pathname;
    const status = await main(
      ['--subject', example, '--filter', 'concurrency.same-path', '--runs', '3', '--seed', '1'],
      c.io,
    );
    expect(status).toBe(1);
    expect(c.out.join('')).toMatch(/FAIL\s+CDVHD\.concurrent-same-path/);
  });
});

describe('main merge-reports', () => {
  it('joins shard reports written by --shard --json, and exits 2 when a shard is missing or given twice', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vskit-cli-'));
    try {
      const run = ['--filter', 'codec', '--runs', '2', '--seed', '3'];
      for (const k of [1, 2]) {
        const c = capture();
        expect(
          await main([...run, '--shard', `${k}/2`, '--json', `s${k}.json`], { ...c.io, cwd: dir }),
        ).toBe(0);
        expect(c.out.join('')).toContain(`shard ${k}/2`);
      }
      const merged = capture();
      expect(
        await main(['merge-reports', 's1.json', 's2.json', '--json', 'all.json'], {
          ...merged.io,
          cwd: dir,
        }),
      ).toBe(0);
      expect(merged.out.join('')).toContain('2 shards merged');
      const whole = capture();
      expect(await main([...run, '--json', 'whole.json'], { ...whole.io, cwd: dir })).toBe(0);
      const ids = async (file: string) =>
        JSON.parse(await readFile(join(dir, file), 'utf8')).requirements.map(
          (r: { id: string; status: string }) => `${r.id} ${r.status}`,
        );
      expect(await ids('all.json')).toEqual(await ids('whole.json'));
      for (const files of [['s1.json'], ['s1.json', 's1.json', 's2.json']]) {
        const c = capture();
        expect(await main(['merge-reports', ...files], { ...c.io, cwd: dir })).toBe(2);
        expect(c.err.join('')).toMatch(/shard 2\/2 missing|shard 1\/2 is given twice/);
      }
      const none = capture();
      expect(await main(['merge-reports', 'nope.json'], { ...none.io, cwd: dir })).toBe(2);
      expect(none.err.join('')).toContain('cannot read nope.json');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('main, as a user meets it', () => {
  it('exits 2 with a message when --filter matches nothing, before running', async () => {
    const c = capture();
    expect(await main(['--filter', 'modle.'], c.io)).toBe(2);
    expect(c.err.join('')).toContain("--filter 'modle.' matches no property and no requirement id");
    expect(c.out.join('')).toBe('');
  });

  it('prints the time of each property to stderr when VSKIT_CONFORMANCE_TIMES=1', async () => {
    const before = process.env.VSKIT_CONFORMANCE_TIMES;
    process.env.VSKIT_CONFORMANCE_TIMES = '1';
    try {
      const c = capture();
      expect(await main(['--filter', 'codec', '--runs', '1'], c.io)).toBe(0);
      const err = c.err.join('');
      expect(err).toContain('time per property:');
      expect(err).toMatch(/ms +\d+% {2}codec\.numbers\n/);
      expect(c.out.join('')).not.toContain('time per property');
    } finally {
      if (before === undefined) delete process.env.VSKIT_CONFORMANCE_TIMES;
      else process.env.VSKIT_CONFORMANCE_TIMES = before;
    }
  });

  it('prints replay lines with the command that started the run', async () => {
    const c = capture();
    const example = new URL('../examples/broken-subject.mjs', import.meta.url).pathname;
    const status = await main(
      ['--subject', example, '--filter', 'concurrency.same-path', '--runs', '3', '--seed', '1'],
      { ...c.io, command: 'vskit conformance' },
    );
    expect(status).toBe(1);
    expect(c.out.join('')).toMatch(
      /replay: vskit conformance --subject \S+broken-subject\.mjs --seed \d+ --path/,
    );
    expect(c.out.join('')).not.toContain('pnpm conformance');
  });

  it('loads a subject module from a folder of its own that imports @vskit/conformance, as the README sets it up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vskit-subject-'));
    try {
      await writeFile(
        join(dir, 'my-subject.mjs'),
        `import { emulatedSubject } from '@vskit/conformance';
export default { ...emulatedSubject, name: 'my subject, in a folder of its own' };
`,
      );
      // the command line from its sources (tsx), started from the subject's folder
      const tsx = pathToFileURL(join(REPO, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
      const bin = join(REPO, 'conformance', 'src', 'bin.ts');
      const args = ['--conditions=@vskit/source', '--import', tsx, bin];
      const run = ['--subject', './my-subject.mjs', '--filter', 'codec.numbers', '--runs', '2'];
      const result = await new Promise<{ code: number; stdout: string; stderr: string }>(
        (resolve) => {
          execFile(process.execPath, [...args, ...run], { cwd: dir }, (error, stdout, stderr) =>
            resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
          );
        },
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain('Conformance of my subject, in a folder of its own');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
