import { describe, expect, it } from 'vitest';
import { firstDifference, specChsCapacity } from './__fixtures__/content.js';
import { findPeers, probe } from './__fixtures__/peers.js';

describe('peer lookup', () => {
  it('probe reports a missing command by name', () => {
    const status = probe('vskit-no-such-command', ['--version']);
    expect(status).toEqual({ found: false, reason: 'vskit-no-such-command not found' });
  });

  it('probe reports a command that fails with its exit status and last line', () => {
    const status = probe(process.execPath, ['-e', 'console.error("broken"); process.exit(3)']);
    expect(status).toEqual({
      found: false,
      reason: `${process.execPath} exited with 3: broken`,
    });
  });

  it('probe returns the first output line of a command that runs', () => {
    const status = probe(process.execPath, ['--version']);
    expect(status).toEqual({ found: true, version: process.version });
  });

  it('findPeers gives a status for every peer, each found or with a reason', () => {
    const peers = findPeers();
    for (const status of [peers.qemu, peers.pyvhdi, peers.vhdLib]) {
      if (status.found) expect(status.version).not.toBe('');
      else expect(status.reason).not.toBe('');
    }
  });
});

describe('interop helpers', () => {
  it('specChsCapacity follows the spec appendix for small, medium and capped sizes', () => {
    // 10 MiB: 20480 sectors -> S=17, CH=1204, H=4 -> C=301: 301*4*17 sectors.
    expect(specChsCapacity(10 * 2 ** 20)).toBe(301 * 4 * 17 * 512);
    // 2 GiB: S=17 gives H=241 > 16, S=31 gives CH >= 16*1024, so S=63, H=16, C=4161.
    expect(specChsCapacity(2 * 2 ** 30)).toBe(4161 * 16 * 63 * 512);
    // At and above 65535*16*255 sectors the geometry is capped.
    expect(specChsCapacity(2040 * 2 ** 30)).toBe(65535 * 16 * 255 * 512);
  });

  it('firstDifference finds the first differing offset or nothing', () => {
    expect(firstDifference(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2, 3))).toBeUndefined();
    expect(firstDifference(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 9, 3))).toEqual({
      offset: 1,
      a: 2,
      b: 9,
    });
  });
});
