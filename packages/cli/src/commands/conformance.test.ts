import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtCliAndTempFolder, errorCode, REPO_DIR, vskit } from '../__fixtures__/cli-process.js';

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

  it('exits non-zero for a subject module that breaks one behaviour', async () => {
    const suite = pathToFileURL(join(REPO_DIR, 'conformance', 'dist', 'index.js')).href;
    const module = join(tmp.dir, 'broken-subject.mjs');
    await writeFile(
      module,
      `import { emulatedSubject } from ${JSON.stringify(suite)};
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
});
