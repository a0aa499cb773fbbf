import { beforeAll, describe, expect, it } from 'vitest';
import { ERROR_LINE, ensureBuilt, errorCode, vskit } from './__fixtures__/cli-process.js';
import { wantsJson } from './main.js';

beforeAll(ensureBuilt);

const COMMANDS = ['create', 'info', 'check', 'cat', 'write', 'conformance', 'vs'];

describe('vskit (the built bin)', () => {
  it('lists every command in --help and exits 0', async () => {
    const result = await vskit(['--help']);
    expect(result.code).toBe(0);
    const text = result.stdout.toString();
    for (const name of COMMANDS) expect(text).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(text).toContain('MB = MiB');
  });

  it.each(COMMANDS)('prints the help of %s with --help and exits 0', async (name) => {
    const result = await vskit([name, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toMatch(new RegExp(`^Usage: vskit ${name}`));
    expect(result.stderr).toBe('');
  });

  it('prints the help of a command with `help <command>`', async () => {
    const result = await vskit(['help', 'cat']);
    expect(result.stdout.toString()).toContain('Usage: vskit cat <file>');
  });

  it('refuses `help` for an unknown command with one USAGE line and exit 2', async () => {
    const result = await vskit(['help', 'frobnicate']);
    expect(result.code).toBe(2);
    expect(errorCode(result.stderr)).toBe('USAGE');
    expect(result.stdout.toString()).toBe('');
  });

  it('prints the package version', async () => {
    const result = await vskit(['--version']);
    expect(result.code).toBe(0);
    expect(result.stdout.toString()).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('shows the help on stderr and exits 2 with no command', async () => {
    const result = await vskit([]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: vskit <command>');
  });

  it('refuses an unknown command with one USAGE line and exit 2', async () => {
    const result = await vskit(['frobnicate']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(ERROR_LINE);
    expect(errorCode(result.stderr)).toBe('USAGE');
    expect(result.stdout.length).toBe(0);
  });

  it('refuses an unknown option with one USAGE line naming the command', async () => {
    const result = await vskit(['info', 'x.vhd', '--bogus']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(ERROR_LINE);
    expect(result.stderr).toContain('vskit info --help');
  });

  it('refuses missing arguments', async () => {
    const result = await vskit(['create', 'fixed', 'only-a-file.vhd']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('vskit: USAGE: missing <size>\n');
  });

  it('refuses a garbage size with INVALID_SIZE and creates nothing', async () => {
    const result = await vskit(['create', 'dynamic', '/nonexistent-dir/x.vhd', '12 parsecs']);
    expect(result.code).toBe(2);
    expect(errorCode(result.stderr)).toBe('INVALID_SIZE');
  });

  it('prints one line, not a stack trace, for a missing file', async () => {
    const result = await vskit(['info', '/nonexistent-dir/missing.vhd']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(ERROR_LINE);
    expect(errorCode(result.stderr)).toBe('ENOENT');
    expect(result.stderr).not.toMatch(/\bat .+:\d+:\d+/);
  });
});

describe('--json when a command fails', () => {
  it('prints the error as a JSON record on stdout, beside the error line', async () => {
    const missing = await vskit(['info', '/nonexistent-dir/missing.vhd', '--json']);
    expect(missing.code).toBe(1);
    expect(errorCode(missing.stderr)).toBe('ENOENT');
    expect(JSON.parse(missing.stdout.toString())).toEqual({
      error: {
        code: 'ENOENT',
        message: expect.stringContaining('/nonexistent-dir/missing.vhd'),
        exitCode: 1,
      },
    });
    const usage = await vskit(['create', 'fixed', 'x.vhd', '12 parsecs', '--json']);
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout.toString()).error).toMatchObject({
      code: 'INVALID_SIZE',
      exitCode: 2,
    });
  });

  it('prints nothing on stdout without --json', async () => {
    const result = await vskit(['info', '/nonexistent-dir/missing.vhd']);
    expect(result.stdout.length).toBe(0);
  });
});

describe('wantsJson', () => {
  it('is true for --json on a command whose --json is a flag, before any --', async () => {
    expect(await wantsJson(['info', 'x.vhd', '--json'])).toBe(true);
    expect(await wantsJson(['vs', 'GetHardDisk', '--json', '--', '-5'])).toBe(true);
    expect(await wantsJson(['vs', 'GetHardDisk', '--', '--json'])).toBe(false);
    expect(await wantsJson(['conformance', '--json', 'report.json'])).toBe(false);
    expect(await wantsJson(['cat', 'x.vhd', '--json'])).toBe(false);
    expect(await wantsJson(['frobnicate', '--json'])).toBe(false);
    expect(await wantsJson([])).toBe(false);
  });
});
