import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, parseArgs } from './cli-main.js';

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return {
    io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t) },
    out,
    err,
  };
};

describe('parseArgs', () => {
  it('reads every option and defaults runs to 100', () => {
    expect(parseArgs([])).toEqual({ runs: 100, help: false });
    expect(
      parseArgs([
        '--runs',
        '5',
        '--seed=-3',
        '--path',
        '1:2',
        '--filter',
        'codec',
        '--aim',
        'CODEC.timestamp',
        '--json',
        'r.json',
        '--subject',
        'x.mjs',
      ]),
    ).toEqual({
      runs: 5,
      seed: -3,
      path: '1:2',
      filter: 'codec',
      aim: 'CODEC.timestamp',
      json: 'r.json',
      subject: 'x.mjs',
      help: false,
    });
  });
  it('refuses unknown options and bad numbers', () => {
    expect(() => parseArgs(['--bogus'])).toThrow(/unknown option/);
    expect(() => parseArgs(['--runs', '0'])).toThrow(/--runs/);
    expect(() => parseArgs(['--seed'])).toThrow(/needs a value/);
    expect(() => parseArgs(['--path', '1:2'])).toThrow(/--filter/);
  });
});

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
        ['--filter', 'codec', '--runs', '5', '--seed', '1', '--json', 'r.json'],
        { ...c.io, cwd: dir },
      );
      expect(status).toBe(0);
      expect(c.out.join('')).toMatch(/pass\s+CODEC\.footer\.round-trip/);
      const json = JSON.parse(await readFile(join(dir, 'r.json'), 'utf8'));
      expect(json.ok).toBe(true);
      expect(json.seed).toBe(1);
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
