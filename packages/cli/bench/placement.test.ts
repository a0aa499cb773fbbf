import {
  closeSync,
  ftruncateSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { placeSideBySide, SLICE_BYTES } from './placement.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function scratch(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vskit-placement-'));
  dirs.push(dir);
  return dir;
}

/** A file of `size` bytes holding `data` at each of `at` (the rest a hole). */
function sparseFile(path: string, size: number, pieces: readonly [number, Uint8Array][]): void {
  const fd = openSync(path, 'wx');
  try {
    for (const [at, data] of pieces) writeSync(fd, data, 0, data.length, at);
    ftruncateSync(fd, size);
  } finally {
    closeSync(fd);
  }
}

const filled = (n: number, seed: number) =>
  Uint8Array.from({ length: n }, (_, i) => ((i * 31 + seed) % 251) + 1);

describe('placeSideBySide', () => {
  it("keeps every file's bytes, size, modification time and allocated blocks", () => {
    const dir = scratch();
    const a = join(dir, 'a.vhd');
    const b = join(dir, 'b.vhd');
    const c = join(dir, 'c.vhd');
    writeFileSync(a, filled(3 * SLICE_BYTES + 777, 1));
    sparseFile(b, 5 * SLICE_BYTES + 12345, [
      [0, filled(5000, 2)],
      [2 * SLICE_BYTES + 4096, filled(64 * 1024, 3)],
      [5 * SLICE_BYTES, filled(12345, 4)],
    ]);
    writeFileSync(c, new Uint8Array(0));
    const mtime = new Date('2026-01-02T03:04:05.678Z');
    for (const p of [a, b, c]) utimesSync(p, mtime, mtime);
    const before = [a, b, c].map((p) => ({ bytes: readFileSync(p), stats: statSync(p) }));

    placeSideBySide([a, b, c]);

    [a, b, c].forEach((p, i) => {
      const stats = statSync(p);
      expect(readFileSync(p).equals(before[i]!.bytes)).toBe(true);
      expect(stats.size).toBe(before[i]!.stats.size);
      expect(stats.blocks).toBe(before[i]!.stats.blocks);
      expect(Math.round(stats.mtimeMs)).toBe(mtime.getTime());
    });
    expect(readdirSync(dir).sort()).toEqual(['a.vhd', 'b.vhd', 'c.vhd']);
  });

  it('leaves the originals and no copies behind when a file cannot be read', () => {
    const dir = scratch();
    const a = join(dir, 'a.vhd');
    writeFileSync(a, filled(SLICE_BYTES, 5));
    expect(() => placeSideBySide([a, join(dir, 'missing.vhd')])).toThrow();
    expect(readdirSync(dir)).toEqual(['a.vhd']);
  });
});
