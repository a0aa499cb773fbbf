import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createDifferencing, memoryFile, openImage } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import {
  builtCliAndTempFolder,
  errorCode,
  pattern,
  vskit,
  vskitOk,
} from './__fixtures__/cli-process.js';

const MiB = 2 ** 20;
const SIZE = 8 * MiB;
const tmp = builtCliAndTempFolder();

/**
 * A chain under `root`: base/p.vhd (dynamic) with data at 1 MiB, vms/c.vhd (child) with data at
 * 3 MiB over it. Returns the bytes the whole disk should read as.
 */
async function buildChain(root: string): Promise<Uint8Array> {
  await mkdir(join(root, 'base'), { recursive: true });
  await mkdir(join(root, 'vms'), { recursive: true });
  const parentData = pattern(3 * MiB, 1);
  const childData = pattern(MiB + 1024, 2);
  await writeFile(join(root, 'parent-data.bin'), parentData);
  await vskitOk(['create', 'dynamic', join(root, 'base', 'p.vhd'), '8MiB', '--exact']);
  await vskitOk([
    'write',
    join(root, 'base', 'p.vhd'),
    '--offset',
    '1MiB',
    '--input',
    join(root, 'parent-data.bin'),
  ]);
  await vskitOk(['create', 'diff', join(root, 'vms', 'c.vhd'), join(root, 'base', 'p.vhd')]);
  await vskitOk(['write', join(root, 'vms', 'c.vhd'), '--offset', '3MiB'], childData);
  const expected = new Uint8Array(SIZE);
  expected.set(parentData, MiB);
  expected.set(childData, 3 * MiB);
  return expected;
}

/**
 * Writes a child of the image at `parentPath` to `childPath` straight through vhd-format,
 * recording `unicodeName` and only the locators given: what a hostile or foreign tool may write.
 */
async function writeChild(
  childPath: string,
  parentPath: string,
  records: { unicodeName: string; relativePath?: string; absolutePath?: string },
): Promise<void> {
  const parent = await openImage(memoryFile(await readFile(parentPath)));
  const child = memoryFile();
  await createDifferencing(child, {
    parent: { footer: parent.footer, modified: new Date(), ...records },
  });
  await writeFile(childPath, child.bytes());
}

describe('a chain made by vskit', () => {
  it('reads through the child to the parent, and info shows both layers', async () => {
    const root = join(tmp.dir, 'in-place');
    const expected = await buildChain(root);
    const cat = await vskitOk(['cat', join(root, 'vms', 'c.vhd')]);
    expect(Buffer.compare(cat.stdout, Buffer.from(expected))).toBe(0);
    const info = JSON.parse(
      (await vskitOk(['info', join(root, 'vms', 'c.vhd'), '--json'])).stdout.toString(),
    );
    expect(info.layers).toHaveLength(2);
    expect(info.layers[0]).toMatchObject({ type: 'differencing', foundBy: null });
    expect(info.layers[0].parent.unicodeName).toBe('p.vhd');
    expect(info.layers[0].parent.uniqueId).toBe(info.layers[1].uniqueId);
    expect(info.layers[0].parent.locators).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ platform: 'W2ru', path: '..\\base\\p.vhd' }),
        expect.objectContaining({
          platform: 'W2ku',
          path: `Z:${join(root, 'base', 'p.vhd').replaceAll('/', '\\')}`,
        }),
      ]),
    );
    expect(info.layers[1]).toMatchObject({
      type: 'dynamic',
      foundBy: 'W2ru',
      path: join(root, 'base', 'p.vhd'),
    });
  });

  it('leaves the parent unchanged when the child is written', async () => {
    const root = join(tmp.dir, 'parent-intact');
    await buildChain(root);
    const parent = await vskitOk([
      'cat',
      join(root, 'base', 'p.vhd'),
      '--offset',
      '3MiB',
      '--length',
      '1MiB',
    ]);
    const parentData = await readFile(join(root, 'parent-data.bin'));
    expect(Buffer.compare(parent.stdout, parentData.subarray(2 * MiB, 3 * MiB))).toBe(0);
  });

  it('still opens after the whole tree moved to another folder (by W2ru)', async () => {
    const before = join(tmp.dir, 'before-move');
    const expected = await buildChain(before);
    const after = join(tmp.dir, 'moved', 'elsewhere');
    await mkdir(join(tmp.dir, 'moved'));
    await rename(before, after);
    const info = JSON.parse(
      (await vskitOk(['info', join(after, 'vms', 'c.vhd'), '--json'])).stdout.toString(),
    );
    expect(info.layers[1]).toMatchObject({ path: join(after, 'base', 'p.vhd'), foundBy: 'W2ru' });
    const cat = await vskitOk(['cat', join(after, 'vms', 'c.vhd')]);
    expect(Buffer.compare(cat.stdout, Buffer.from(expected))).toBe(0);
    const text = (await vskitOk(['info', join(after, 'vms', 'c.vhd')])).stdout.toString();
    expect(text).toContain(
      `layer 1: ${join(after, 'base', 'p.vhd')}  (found by W2ru ..\\base\\p.vhd)`,
    );
  });

  it('finds the parent by its absolute W2ku locator when only the child moved', async () => {
    const root = join(tmp.dir, 'child-moved');
    const expected = await buildChain(root);
    await mkdir(join(root, 'deeper', 'still'), { recursive: true });
    await rename(join(root, 'vms', 'c.vhd'), join(root, 'deeper', 'still', 'c.vhd'));
    const info = JSON.parse(
      (await vskitOk(['info', join(root, 'deeper', 'still', 'c.vhd'), '--json'])).stdout.toString(),
    );
    expect(info.layers[1]).toMatchObject({ foundBy: 'W2ku', path: join(root, 'base', 'p.vhd') });
    const cat = await vskitOk(['cat', join(root, 'deeper', 'still', 'c.vhd')]);
    expect(Buffer.compare(cat.stdout, Buffer.from(expected))).toBe(0);
  });

  it('finds the parent by name in the child folder when both locators are stale', async () => {
    const root = join(tmp.dir, 'by-name');
    await buildChain(root);
    const elsewhere = join(tmp.dir, 'by-name-together');
    await mkdir(elsewhere);
    await rename(join(root, 'vms', 'c.vhd'), join(elsewhere, 'c.vhd'));
    await rename(join(root, 'base', 'p.vhd'), join(elsewhere, 'p.vhd'));
    const info = JSON.parse(
      (await vskitOk(['info', join(elsewhere, 'c.vhd'), '--json'])).stdout.toString(),
    );
    expect(info.layers[1]).toMatchObject({
      foundBy: expect.stringMatching(/name/i),
      path: join(elsewhere, 'p.vhd'),
    });
  });

  it('reports PARENT_NOT_FOUND with every place it looked', async () => {
    const root = join(tmp.dir, 'orphaned');
    await buildChain(root);
    await rename(join(root, 'base', 'p.vhd'), join(root, 'base', 'renamed.vhd'));
    const result = await vskit(['cat', join(root, 'vms', 'c.vhd')]);
    expect(result.code).toBe(1);
    expect(errorCode(result.stderr)).toBe('PARENT_NOT_FOUND');
    expect(result.stderr).toContain('W2ru ..\\base\\p.vhd');
    expect(result.stdout.length).toBe(0);
  });

  it("takes the parent's Unicode name as a file name in the child's folder, never as a path", async () => {
    const root = join(tmp.dir, 'hostile-names');
    await mkdir(join(root, 'bait'), { recursive: true });
    await mkdir(join(root, 'vms'), { recursive: true });
    const bait = join(root, 'bait', 'p.vhd');
    await vskitOk(['create', 'dynamic', bait, '4MiB']);
    const names = [
      '..\\bait\\p.vhd',
      '../bait/p.vhd',
      bait,
      `Z:${bait.replaceAll('/', '\\')}`,
      `file://${bait}`,
    ];
    for (const [i, unicodeName] of names.entries()) {
      const child = join(root, 'vms', `c${i}.vhd`);
      await writeChild(child, bait, { unicodeName });
      const info = await vskit(['info', child]);
      expect(info.code, unicodeName).toBe(1);
      expect(errorCode(info.stderr), unicodeName).toBe('PARENT_NOT_FOUND');
      const check = JSON.parse((await vskit(['check', child, '--json'])).stdout.toString());
      expect(check.layers, unicodeName).toEqual([child]);
      expect(check.problems.map((p: { code: string }) => p.code)).toContain('PARENT_NOT_FOUND');
    }
    // The same image, named plainly and lying beside the child, is found.
    await writeFile(join(root, 'vms', 'p.vhd'), await readFile(bait));
    await writeChild(join(root, 'vms', 'plain.vhd'), bait, { unicodeName: 'p.vhd' });
    const info = JSON.parse(
      (await vskitOk(['info', join(root, 'vms', 'plain.vhd'), '--json'])).stdout.toString(),
    );
    expect(info.layers[1]).toMatchObject({
      foundBy: 'unicodeName',
      path: join(root, 'vms', 'p.vhd'),
    });
  });
});
