/**
 * The oracles checked against each other before they judge us: on images qemu-img creates and
 * qemu-io fills, qemu-img convert, pyvhdi and vhd-lib 0.7.2 return the same bytes, and qemu-io's
 * own pattern reads confirm what was written.
 */
import { expect, it } from 'vitest';
import { firstDifference } from './__fixtures__/content.js';
import { describeWithPeer } from './__fixtures__/describe-with-peer.js';
import { peerStatus } from './__fixtures__/peers.js';
import { pyvhdiReadChain } from './__fixtures__/pyvhdi.js';
import { qemuCreate, qemuInfo, qemuIo, qemuReadAll } from './__fixtures__/qemu.js';
import { suiteTempDir } from './__fixtures__/suite-temp-dir.js';
import { vhdLibReadAll } from './__fixtures__/vhd-lib.js';

const MiB = 2 ** 20;
const FILL = ['write -P 0xab 1M 64k', 'write -P 0xcd 3000 5000', 'write -P 0x11 4M 2M'];

describeWithPeer('qemu', 'peers agree on images qemu creates', () => {
  const dir = suiteTempDir('peers-agree');

  it('qemu-io reads back its own patterns, and convert shows them at the same offsets', async () => {
    const path = dir.file('dyn.vhd');
    await qemuCreate(path, { subformat: 'dynamic', sizeBytes: 10 * MiB });
    await qemuIo(path, FILL);
    await qemuIo(path, ['read -P 0xab 1M 64k', 'read -P 0xcd 3000 5000', 'read -P 0x11 4M 2M']);
    await expect(qemuIo(path, ['read -P 0xab 2M 4k'])).rejects.toThrow(/verification failed/);
    const raw = await qemuReadAll(path, dir.file('dyn.raw'));
    expect(raw.length).toBe((await qemuInfo(path)).virtualSize);
    expect(raw[MiB]).toBe(0xab);
    expect(raw[3000]).toBe(0xcd);
    expect(raw[2999]).toBe(0);
    expect(raw[8000]).toBe(0);
  });

  it('qemu-img reports a fixed VHD as vpc only when told (pitfall 20)', async () => {
    const path = dir.file('fixed.vhd');
    await qemuCreate(path, { subformat: 'fixed', sizeBytes: 4 * MiB });
    expect((await qemuInfo(path)).format).toBe('vpc');
  });

  it.skipIf(!peerStatus('pyvhdi').found)(
    'pyvhdi reads the same bytes as qemu-img convert, dynamic and fixed (skipped without pyvhdi)',
    async () => {
      for (const subformat of ['dynamic', 'fixed'] as const) {
        const path = dir.file(`py-${subformat}.vhd`);
        await qemuCreate(path, { subformat, sizeBytes: 9 * MiB + 512 });
        await qemuIo(path, FILL);
        const theirs = await qemuReadAll(path, dir.file(`py-${subformat}.raw`));
        const py = await pyvhdiReadChain([path], dir.file(`py-${subformat}.py.raw`));
        expect(py.mediaSize).toBe(theirs.length);
        expect(firstDifference(py.bytes, theirs)).toBeUndefined();
      }
    },
  );

  it.skipIf(!peerStatus('vhd-lib').found)(
    'vhd-lib 0.7.2 reads the same bytes as qemu-img convert from a dynamic image (skipped without vhd-lib)',
    async () => {
      const path = dir.file('vl.vhd');
      await qemuCreate(path, { subformat: 'dynamic', sizeBytes: 11 * MiB });
      await qemuIo(path, FILL);
      const theirs = await qemuReadAll(path, dir.file('vl.raw'));
      const vl = await vhdLibReadAll(path);
      expect(vl.length).toBe(theirs.length);
      expect(firstDifference(vl, theirs)).toBeUndefined();
    },
  );
});
