import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  builtCliAndTempFolder,
  errorCode,
  pattern,
  vskit,
  vskitOk,
} from '../__fixtures__/cli-process.js';

const MiB = 2 ** 20;
const tmp = builtCliAndTempFolder();

/** A dynamic base with its first block written, and a child with 512 bytes at 2 MiB. */
async function chain(name: string): Promise<{ base: string; child: string }> {
  const base = join(tmp.dir, `${name}-base.vhd`);
  const child = join(tmp.dir, `${name}-child.vhd`);
  await vskitOk(['create', 'dynamic', base, '6MiB', '--exact']);
  await vskitOk(['write', base, '--offset', '0'], pattern(2 * MiB, 1));
  await vskitOk(['create', 'diff', child, base]);
  await vskitOk(['write', child, '--offset', '2MiB'], pattern(512, 2));
  return { base, child };
}

describe('vskit map', () => {
  it('lists which layer holds each range, as a table and as JSON', async () => {
    const { base, child } = await chain('runs');
    const table = (await vskitOk(['map', child])).stdout.toString().split('\n');
    expect(table[0]).toMatch(/^Offset +Length +Mapped to +Layer +File$/);
    expect(table[1]).toMatch(new RegExp(`^0 +0x200000 +0x[0-9a-f]+ +1 +${base}$`));
    expect(table[2]).toMatch(new RegExp(`^0x200000 +0x200 +0x[0-9a-f]+ +0 +${child}$`));
    expect(table[3]).toMatch(/^0x200200 +0x3ffe00 +zero +- +-$/);
    expect(table.slice(4)).toEqual(['']);

    const json = JSON.parse((await vskitOk(['map', child, '--json'])).stdout.toString());
    expect(json.file).toBe(child);
    expect(json.virtualSize).toBe(6 * MiB);
    expect(json.layers.map((l: { path: string; depth: number }) => [l.depth, l.path])).toEqual([
      [0, child],
      [1, base],
    ]);
    expect(json.runs).toEqual([
      { start: 0, length: 2 * MiB, depth: 1, data: true, zero: false, offset: expect.any(Number) },
      {
        start: 2 * MiB,
        length: 512,
        depth: 0,
        data: true,
        zero: false,
        offset: expect.any(Number),
      },
      { start: 2 * MiB + 512, length: 4 * MiB - 512, depth: 2, data: false, zero: true },
    ]);
    // The offsets point at the bytes: the file holds what was written there.
    const baseBytes = new Uint8Array(await readFile(base));
    const at = json.runs[0].offset;
    expect(baseBytes.subarray(at, at + 64)).toEqual(pattern(2 * MiB, 1).subarray(0, 64));
  });

  it('writes an HTML or SVG picture, never over an existing file', async () => {
    const { child } = await chain('picture');
    const html = join(tmp.dir, 'map.html');
    const report = JSON.parse(
      (await vskitOk(['map', child, '--html', html, '--json'])).stdout.toString(),
    );
    expect(report).toMatchObject({ picture: html, format: 'html', cells: 3, blocksPerCell: 1 });
    const page = await readFile(html, 'utf8');
    expect(page).toMatch(/^<!doctype html>/);
    expect(page).toContain('data-row="0" data-cell="1" data-state="partial"');
    const svg = join(tmp.dir, 'map.svg');
    expect((await vskitOk(['map', child, '--svg', svg])).stdout.toString()).toBe(
      `${svg}: 2 layers, 3 cells of a block each\n`,
    );
    expect(await readFile(svg, 'utf8')).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);

    await writeFile(join(tmp.dir, 'taken.svg'), 'mine');
    const taken = await vskit(['map', child, '--svg', join(tmp.dir, 'taken.svg')]);
    expect(taken.code).toBe(1);
    expect(errorCode(taken.stderr)).toBe('EEXIST');
    expect(await readFile(join(tmp.dir, 'taken.svg'), 'utf8')).toBe('mine');

    const both = await vskit(['map', child, '--svg', 'a.svg', '--html', 'a.html']);
    expect(both.code).toBe(2);
    expect(errorCode(both.stderr)).toBe('USAGE');
  });
});
