import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDifferencing, createFixed, decodeFooter, memoryFile } from '@vskit/vhd-format';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readThroughPyvhdi } from './pyvhdi-process.js';

const PYTHON = '/usr/bin/python3';
const hasPyvhdi = (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import pyvhdi'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const REQUIRE_PEERS = process.env.VSKIT_REQUIRE_PEERS === '1';

describe('readThroughPyvhdi', () => {
  let dir = '';
  const data = Uint8Array.from({ length: 4096 }, (_, i) => (i * 5 + 3) & 0xff);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'vskit-pyvhdi-test-'));
    const parent = memoryFile();
    await createFixed(parent, { sizeBytes: 2 ** 20 });
    await parent.write(data, 0);
    const parentBytes = parent.bytes();
    const child = memoryFile();
    await createDifferencing(child, {
      parent: {
        footer: decodeFooter(parentBytes.subarray(parentBytes.length - 512)),
        modified: new Date(),
        unicodeName: 'p.vhd',
      },
    });
    await writeFile(join(dir, 'p.vhd'), parentBytes);
    await writeFile(join(dir, 'c.vhd'), child.bytes());
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  // Skipped (not failed) when /usr/bin/python3 cannot import pyvhdi, unless VSKIT_REQUIRE_PEERS=1.
  it.runIf(hasPyvhdi || REQUIRE_PEERS)(
    'answers each request through one process, the bytes read or undefined for a pair it cannot open (needs pyvhdi)',
    async () => {
      expect(hasPyvhdi, 'pyvhdi (python3-libvhdi) is required by VSKIT_REQUIRE_PEERS=1').toBe(true);
      const child = join(dir, 'c.vhd');
      const parent = join(dir, 'p.vhd');
      const [first, missing, second] = await Promise.all([
        readThroughPyvhdi(PYTHON, child, parent, 8192),
        readThroughPyvhdi(PYTHON, join(dir, 'none.vhd'), parent, 16),
        readThroughPyvhdi(PYTHON, child, parent, 100),
      ]);
      const want = new Uint8Array(8192);
      want.set(data);
      expect(first).toEqual(want);
      expect(missing).toBeUndefined();
      expect(second).toEqual(want.subarray(0, 100));
    },
  );
});
