import { open, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtCliAndTempFolder, pattern, vskit } from '../__fixtures__/cli-process.js';
import { staleFooterChecksums } from '../__fixtures__/stale-footers.js';

const tmp = builtCliAndTempFolder();

async function create(kind: string, name: string, size = '4MiB'): Promise<string> {
  const file = join(tmp.dir, name);
  const result = await vskit(['create', kind, file, size]);
  expect(result.code).toBe(0);
  return file;
}

/** Overwrites bytes of `file` at `position`. */
async function poke(file: string, position: number, bytes: Uint8Array): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.write(bytes, 0, bytes.length, position);
  } finally {
    await handle.close();
  }
}

async function checkJson(file: string) {
  const result = await vskit(['check', file, '--json']);
  return { code: result.code, report: JSON.parse(result.stdout.toString()), stderr: result.stderr };
}

describe('vskit check', () => {
  it.each(['fixed', 'dynamic'])('exits 0 for a clean %s image', async (kind) => {
    const file = await create(kind, `clean-${kind}.vhd`);
    const { code, report } = await checkJson(file);
    expect(code).toBe(0);
    expect(report).toEqual({ file, usable: true, ok: true, layers: [file], problems: [] });
    const human = await vskit(['check', file]);
    expect(human.code).toBe(0);
    expect(human.stdout.toString()).toBe(`${file}: clean\n`);
  });

  it('exits 0 for a clean differencing chain', async () => {
    const parent = await create('dynamic', 'chain-parent.vhd');
    const child = join(tmp.dir, 'chain-child.vhd');
    expect((await vskit(['create', 'diff', child, parent])).code).toBe(0);
    const { code, report } = await checkJson(child);
    expect(code).toBe(0);
    expect(report).toEqual({
      file: child,
      usable: true,
      ok: true,
      layers: [child, parent],
      problems: [],
    });
  });

  it('checks every layer: a damaged parent makes its child fail, naming the layer', async () => {
    const parent = await create('dynamic', 'bad-parent.vhd');
    const child = join(tmp.dir, 'good-child.vhd');
    expect((await vskit(['create', 'diff', child, parent])).code).toBe(0);
    await poke(parent, 64, Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
    const { code, report } = await checkJson(child);
    expect(code).toBe(1);
    const errors = report.problems.filter((p: { severity: string }) => p.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    for (const p of errors) expect(p).toMatchObject({ layer: 1, path: parent });
    const human = await vskit(['check', child]);
    expect(human.stdout.toString()).toContain(`parent 1 (${parent}): `);
  });

  it('lists a parent timestamp that differs as a warning: exit 0, or 1 under --strict', async () => {
    const parent = await create('dynamic', 'touched-parent.vhd');
    const child = join(tmp.dir, 'touched-child.vhd');
    expect((await vskit(['create', 'diff', child, parent])).code).toBe(0);
    await utimes(parent, new Date('2030-01-01T00:00:00Z'), new Date('2030-01-01T00:00:00Z'));
    const { code, report } = await checkJson(child);
    expect(code).toBe(0);
    expect(report.problems).toEqual([
      expect.objectContaining({ code: 'PARENT_TIMESTAMP_MISMATCH', severity: 'warning', layer: 0 }),
    ]);
    const strict = await vskit(['check', child, '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout.toString()).toContain('problems found (0 errors, 1 warning)');
  });

  it('exits 1 when a dynamic image opens but its footer copy is damaged', async () => {
    const file = await create('dynamic', 'damaged.vhd');
    await poke(file, 64, Uint8Array.of(0xde, 0xad, 0xbe, 0xef));
    const { code, report } = await checkJson(file);
    expect(code).toBe(1);
    expect(report.usable).toBe(true);
    expect(report.ok).toBe(false);
    expect(report.problems.length).toBeGreaterThan(0);
    expect(report.problems[0]).toEqual(
      expect.objectContaining({
        code: expect.any(String),
        severity: 'error',
        message: expect.any(String),
      }),
    );
  });

  it.each([
    ['dynamic', 2],
    ['fixed', 1],
  ])(
    'exits 1, not 2, for a %s image whose footers carry a stale checksum: its data is readable',
    async (kind, stale) => {
      const file = await create(kind, `stale-${kind}.vhd`);
      await staleFooterChecksums(file);
      const { code, report } = await checkJson(file);
      expect(code).toBe(1);
      expect(report).toMatchObject({ usable: true, ok: false });
      expect(report.problems.map((p: { code: string; severity: string }) => p)).toEqual(
        Array.from({ length: stale }, () =>
          expect.objectContaining({ code: 'BAD_CHECKSUM', severity: 'error', layer: 0 }),
        ),
      );
      const human = await vskit(['check', file]);
      expect(human.code).toBe(1);
      expect(human.stdout.toString()).toContain('problems found');
    },
  );

  it('exits 2 for a file that is not a VHD', async () => {
    const file = join(tmp.dir, 'garbage.vhd');
    await writeFile(file, pattern(64 * 1024, 9));
    const { code, report } = await checkJson(file);
    expect(code).toBe(2);
    expect(report.usable).toBe(false);
    expect(report.problems[0]).toMatchObject({ code: 'BAD_COOKIE', severity: 'error' });
    const human = await vskit(['check', file]);
    expect(human.code).toBe(2);
    expect(human.stdout.toString()).toMatch(
      /: unusable \(\d+ errors?, \d+ warnings?\)\n {2}error {3}[A-Z_]+/,
    );
  });

  it('exits 2 for a missing file', async () => {
    const { code, report } = await checkJson(join(tmp.dir, 'missing.vhd'));
    expect(code).toBe(2);
    expect(report.problems[0].code).toBe('ENOENT');
  });

  it('exits 1 for a child whose parent is gone', async () => {
    const parent = await create('dynamic', 'doomed-parent.vhd');
    const child = join(tmp.dir, 'doomed-child.vhd');
    expect((await vskit(['create', 'diff', child, parent])).code).toBe(0);
    await writeFile(parent, 'no longer a disk');
    const { code, report } = await checkJson(child);
    expect(code).toBe(1);
    expect(report.usable).toBe(true);
    expect(report.ok).toBe(false);
  });
});
