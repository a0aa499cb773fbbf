import { mkdir, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  builtCliAndTempFolder,
  errorCode,
  pattern,
  vskit,
  vskitOk,
} from '../__fixtures__/cli-process.js';

const tmp = builtCliAndTempFolder();

/** A parent with data and a child over it with data of its own, in `folder`. */
async function chainIn(folder: string): Promise<{ parent: string; child: string }> {
  await mkdir(folder, { recursive: true });
  const parent = join(folder, 'base.vhd');
  const child = join(folder, 'child.vhd');
  await vskitOk(['create', 'dynamic', parent, '8MiB']);
  await vskitOk(['write', parent, '--offset', '0'], pattern(300_000, 1));
  await vskitOk(['create', 'diff', child, parent]);
  await vskitOk(['write', child, '--offset', '100000'], pattern(5000, 2));
  return { parent, child };
}

describe('vskit rebase', () => {
  it('after the parent is moved and renamed, rebase makes the chain open and read as before', async () => {
    const { parent, child } = await chainIn(join(tmp.dir, 'moved'));
    const before = (await vskitOk(['cat', child])).stdout;
    await mkdir(join(tmp.dir, 'moved', 'archive'));
    const moved = join(tmp.dir, 'moved', 'archive', 'base-2026.vhd');
    await rename(parent, moved);
    const lost = await vskit(['cat', child]);
    expect(errorCode(lost.stderr.toString())).toBe('PARENT_NOT_FOUND');
    const parentBytes = await readFile(moved);
    const result = await vskitOk(['rebase', child, moved, '--json']);
    const report = JSON.parse(result.stdout.toString());
    expect(report).toMatchObject({
      file: child,
      parent: {
        path: moved,
        unicodeName: 'base-2026.vhd',
        relativePath: '.\\archive\\base-2026.vhd',
        absolutePath: `Z:${moved.replaceAll('/', '\\')}`,
      },
      previous: { unicodeName: 'base.vhd' },
      uniqueIdChanged: false,
    });
    const after = (await vskitOk(['cat', child])).stdout;
    expect(Buffer.compare(after, before)).toBe(0);
    expect(Buffer.compare(await readFile(moved), parentBytes)).toBe(0);
    const checked = await vskit(['check', child, '--strict']);
    expect(checked.code, checked.stdout.toString()).toBe(0);
  });

  it('refuses another disk with PARENT_ID_MISMATCH, and --unsafe rebases onto it, saying so', async () => {
    const { child } = await chainIn(join(tmp.dir, 'other'));
    const other = join(tmp.dir, 'other', 'other.vhd');
    await vskitOk(['create', 'dynamic', other, '8MiB']);
    const before = await readFile(child);
    const refused = await vskit(['rebase', child, other]);
    expect(refused.code).toBe(1);
    expect(errorCode(refused.stderr.toString())).toBe('PARENT_ID_MISMATCH');
    expect(refused.stderr.toString()).toContain('--unsafe');
    expect(Buffer.compare(await readFile(child), before)).toBe(0);
    const forced = await vskitOk(['rebase', child, other, '--unsafe']);
    expect(forced.stdout.toString()).toMatch(
      /UNSAFE +parent UUID [0-9a-f-]+ replaced by [0-9a-f-]+/,
    );
    const read = await vskitOk(['cat', child, '--offset', '0', '--length', '512']);
    expect(read.stdout.every((b) => b === 0)).toBe(true);
  });

  it('refuses an image that is not differencing with NOT_DIFFERENCING', async () => {
    const { parent } = await chainIn(join(tmp.dir, 'plain'));
    const refused = await vskit(['rebase', parent, parent]);
    expect(errorCode(refused.stderr.toString())).toBe('NOT_DIFFERENCING');
  });
});
