import { closeSync, fstatSync, openSync, writeSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descriptorInfo, holdsFile, holeStart, parentOf } from './sparse-output.js';

const onLinux = process.platform === 'linux';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vskit-sparse-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs `check` with `path` open with `flags`, then closes it. */
function withOpen<T>(path: string, flags: string, check: (fd: number) => T): T {
  const fd = openSync(path, flags);
  try {
    return check(fd);
  } finally {
    closeSync(fd);
  }
}

// /proc is Linux's; elsewhere holeStart is always undefined (every byte written).
describe.runIf(onLinux)('holeStart (Linux)', () => {
  it('allows holes in a new file, from its start, and after bytes written through the same descriptor', () => {
    const path = join(dir, 'new.raw');
    withOpen(path, 'w', (fd) => {
      expect(holeStart(fd)).toBe(0);
      writeSync(fd, 'head');
      expect(holeStart(fd)).toBe(4);
    });
  });

  it('writes every byte for a file opened to append, or whose offset is not at its end', async () => {
    const path = join(dir, 'old.raw');
    await writeFile(path, 'bytes already there');
    expect(withOpen(path, 'a', holeStart)).toBeUndefined();
    expect(withOpen(path, 'r+', holeStart)).toBeUndefined();
  });

  it('writes every byte to what is not a regular file', () => {
    expect(withOpen('/dev/null', 'w', holeStart)).toBeUndefined();
  });
});

describe.runIf(onLinux)('what holeStart reads from /proc (Linux)', () => {
  it("reads a descriptor's offset and flags", () => {
    const path = join(dir, 'info.raw');
    withOpen(path, 'w', (fd) => {
      writeSync(fd, 'abc');
      expect(descriptorInfo(fd)?.position).toBe(3);
    });
    withOpen(path, 'a', (fd) => {
      expect((descriptorInfo(fd)?.flags ?? 0) & 0o2000).toBe(0o2000);
    });
  });

  it("finds this process's parent, and sees a file this process holds among its descriptors", () => {
    expect(parentOf(process.pid)).toBe(process.ppid);
    const path = join(dir, 'held.raw');
    withOpen(path, 'w', (fd) => {
      const { dev, ino } = fstatSync(fd);
      expect(holdsFile(process.pid, { dev, ino })).toBe(true);
    });
    expect(holdsFile(process.pid, { dev: -1, ino: -1 })).toBe(false);
  });
});
