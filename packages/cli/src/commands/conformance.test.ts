import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CONFORMANCE_OPTIONS } from '@vskit/conformance';
import { describe, expect, it } from 'vitest';
import { builtCliAndTempFolder, errorCode, vskit } from '../__fixtures__/cli-process.js';

const tmp = builtCliAndTempFolder();

describe('vskit conformance', () => {
  it('runs the suite on the emulated subject, exits 0 and writes the JSON report', async () => {
    const json = join(tmp.dir, 'report.json');
    const result = await vskit(['conformance', '--runs', '2', '--seed', '7', '--json', json]);
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toMatch(/requirements pass, 0 fail/);
    const report = JSON.parse(await readFile(json, 'utf8'));
    expect(report.ok).toBe(true);
    expect(report.requirements.length).toBeGreaterThan(0);
  });

  it('exits non-zero for a subject module (in a folder of its own, importing @vskit/conformance) that breaks one behaviour, with replay lines that start vskit conformance', async () => {
    const module = join(tmp.dir, 'broken-subject.mjs');
    await writeFile(
      module,
      `import { emulatedSubject } from '@vskit/conformance';
export default {
  ...emulatedSubject,
  name: 'fixed disks always fail',
  createServer(host) {
    const com = emulatedSubject.createServer(host);
    return {
      CreateDifferencingVirtualHardDisk: (...a) => com.CreateDifferencingVirtualHardDisk(...a),
      CreateDynamicVirtualHardDisk: (...a) => com.CreateDynamicVirtualHardDisk(...a),
      CreateFixedVirtualHardDisk: async () => 0x80004005,
    };
  },
};
`,
    );
    const result = await vskit(['conformance', '--runs', '2', '--seed', '7', '--subject', module]);
    expect(result.code).toBe(1);
    expect(result.stdout.toString()).toMatch(/\d+\/\d+ requirements pass, [1-9]\d* fail/);
    expect(result.stdout.toString()).toMatch(/replay: vskit conformance --subject \S+ --seed/);
    expect(result.stdout.toString()).not.toMatch(/replay: pnpm/);
  });

  it('accepts every option of the suite, --aim and the budgets included', async () => {
    const result = await vskit([
      'conformance',
      '--filter',
      'codec.numbers',
      '--path',
      '0',
      '--seed',
      '1',
      '--aim',
      'CODEC.timestamp',
      '--case-timeout',
      '10',
      '--quick-timeout',
      '1',
    ]);
    expect(result.stderr.toString()).toBe('');
    expect(result.code).toBe(0);
  });

  it('names every option of the suite in its help', async () => {
    const help = (await vskit(['conformance', '--help'])).stdout.toString();
    for (const name of Object.keys(CONFORMANCE_OPTIONS)) expect(help).toContain(`--${name} `);
  });

  it('refuses a --filter that matches nothing, and an unknown option, with one USAGE line, before running', async () => {
    const result = await vskit(['conformance', '--filter', 'modle.']);
    expect(result.code).toBe(2);
    expect(errorCode(result.stderr)).toBe('USAGE');
    expect(result.stderr.toString()).toContain("--filter 'modle.' matches no property");
    expect(result.stdout.toString()).toBe('');
    const unknown = await vskit(['conformance', '--bogus']);
    expect(unknown.code).toBe(2);
    expect(errorCode(unknown.stderr)).toBe('USAGE');
  });

  it('refuses a subject that cannot be loaded with one INVALID_SUBJECT line', async () => {
    const result = await vskit(['conformance', '--subject', join(tmp.dir, 'nowhere.mjs')]);
    expect(result.code).toBe(2);
    expect(errorCode(result.stderr)).toBe('INVALID_SUBJECT');
  });

  it('refuses a --json report with no folder to go in, with one USAGE line, before running', async () => {
    const result = await vskit(['conformance', '--json', join(tmp.dir, 'missing', 'r.json')]);
    expect(result.code).toBe(2);
    expect(errorCode(result.stderr)).toBe('USAGE');
    expect(result.stdout.toString()).toBe('');
  });

  it('refuses a --runs that is not a whole number', async () => {
    const result = await vskit(['conformance', '--runs', 'many']);
    expect(result.code).toBe(2);
    expect(errorCode(result.stderr)).toBe('INVALID_NUMBER');
  });

  it('runs shards with --shard K/N and joins them with merge-reports; a missing shard exits 2', async () => {
    const run = ['conformance', '--filter', 'codec', '--runs', '2', '--seed', '5'];
    for (const k of [1, 2]) {
      const part = await vskit([
        ...run,
        '--shard',
        `${k}/2`,
        '--json',
        join(tmp.dir, `s${k}.json`),
      ]);
      expect(part.code).toBe(0);
    }
    const files = [join(tmp.dir, 's1.json'), join(tmp.dir, 's2.json')];
    const merged = await vskit(['conformance', 'merge-reports', ...files]);
    expect(merged.code).toBe(0);
    expect(merged.stdout.toString()).toMatch(/2 shards merged[\s\S]*requirements pass, 0 fail/);
    const missing = await vskit(['conformance', 'merge-reports', files[0] as string]);
    expect(missing.code).toBe(2);
    expect(missing.stderr.toString()).toContain('shard 2/2 missing');
  });
});
