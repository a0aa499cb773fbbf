/**
 * `mapChain` and `qemu-img map -f vpc --output=json` on the same fixed and dynamic images, ours
 * and qemu's: the ranges qemu reports as data (`"data": true`) are the ranges a layer of ours
 * holds, at the same file offsets; the ranges qemu reports as not data are our zeros.
 *
 * What differs, and is not compared: qemu gives an unallocated dynamic block depth 0 and
 * `"present": true` (the image answers for it), where we say no layer holds it (depth 1); on a
 * fixed image qemu marks host-file holes `"zero": true` (it asks the file system), where we
 * never look at holes; qemu splits ranges where we coalesce, so both sides are coalesced first.
 * qemu's vpc driver has no backing files, so chains are compared elsewhere (reads, pyvhdi).
 */
import { expect, it } from 'vitest';
import { mapChain } from '../ops/map.js';
import { seededBytes } from './__fixtures__/content.js';
import { describeWithPeer } from './__fixtures__/describe-with-peer.js';
import { createBaseImage, openChainAt, writeImage } from './__fixtures__/images.js';
import { findPeers } from './__fixtures__/peers.js';
import { qemuCreate, qemuIo } from './__fixtures__/qemu.js';
import { runChecked } from './__fixtures__/run.js';
import { suiteTempDir } from './__fixtures__/suite-temp-dir.js';

const MiB = 2 ** 20;

/** A range of the virtual disk: data at a file offset, or not data. */
interface Range {
  start: number;
  length: number;
  data: boolean;
  offset?: number;
}

/** `qemu-img map -f vpc --output=json`, as ranges. */
async function qemuMap(path: string): Promise<Range[]> {
  const out = await runChecked(findPeers().qemuImg, ['map', '-f', 'vpc', '--output=json', path]);
  return (JSON.parse(out) as Array<Range & { offset?: number }>).map((r) => ({
    start: r.start,
    length: r.length,
    data: r.data,
    ...(r.data && r.offset !== undefined ? { offset: r.offset } : {}),
  }));
}

/** Our map of the image at `path`, as ranges. */
async function ourMap(path: string): Promise<Range[]> {
  const chain = await openChainAt(path);
  try {
    const out: Range[] = [];
    for await (const run of mapChain(chain)) {
      const data = run.depth < chain.layers.length;
      out.push({
        start: run.start,
        length: run.length,
        data,
        ...(run.offset === undefined ? {} : { offset: run.offset }),
      });
    }
    return out;
  } finally {
    await chain.close();
  }
}

/** Merges neighbours of the same kind (and, for data, following file offsets); cuts at `size`. */
function normalise(ranges: readonly Range[], size: number): Range[] {
  const out: Range[] = [];
  for (const r of ranges) {
    if (r.start >= size) break;
    const cut = { ...r, length: Math.min(r.length, size - r.start) };
    const last = out[out.length - 1];
    const follows =
      last !== undefined &&
      last.data === cut.data &&
      last.start + last.length === cut.start &&
      (!cut.data || (last.offset as number) + last.length === cut.offset);
    if (follows) last.length += cut.length;
    else out.push(cut);
  }
  return out;
}

async function agree(path: string): Promise<Range[]> {
  const [qemu, ours] = await Promise.all([qemuMap(path), ourMap(path)]);
  const end = (rs: Range[]) => rs.reduce((n, r) => Math.max(n, r.start + r.length), 0);
  // qemu sizes some images by their geometry: compare the part both see.
  const size = Math.min(end(qemu), end(ours));
  expect(size).toBeGreaterThan(0);
  const expected = normalise(qemu, size);
  expect(normalise(ours, size)).toEqual(expected);
  return expected;
}

describeWithPeer('qemu', 'mapChain agrees with qemu-img map', () => {
  const dir = suiteTempDir('map-qemu');

  it('on a dynamic image qemu made and filled: data blocks and their offsets', async () => {
    const path = dir.file('qemu-dynamic.vhd');
    await qemuCreate(path, { subformat: 'dynamic', sizeBytes: 10 * MiB });
    await qemuIo(path, ['write -P 0xab 1M 64k', 'write -P 0 4M 2M', 'write -P 7 3000 5000']);
    const ranges = await agree(path);
    expect(ranges.filter((r) => r.data).map((r) => [r.start, r.length])).toEqual([
      [0, 2 * MiB],
      [4 * MiB, 2 * MiB],
    ]);
  });

  it('on a dynamic image we made and wrote, blocks allocated out of order', async () => {
    const path = dir.file('ours-dynamic.vhd');
    await createBaseImage(path, {
      type: 'dynamic',
      sizeBytes: 12 * MiB,
      blockSizeBytes: 2 * MiB,
      creatorApplication: 'win ',
    });
    await writeImage(path, [
      { offset: 9 * MiB, bytes: seededBytes(4096, 1) },
      { offset: 100, bytes: seededBytes(3 * MiB, 2) },
      { offset: 6 * MiB, bytes: seededBytes(512, 3) },
    ]);
    const ranges = await agree(path);
    expect(ranges.filter((r) => r.data)).toHaveLength(4);
  });

  it.each(['qemu', 'ours'])('on a fixed image (%s): every byte, at its own offset', async (who) => {
    const path = dir.file(`${who}-fixed.vhd`);
    if (who === 'qemu') {
      await qemuCreate(path, { subformat: 'fixed', sizeBytes: 5 * MiB });
      await qemuIo(path, ['write -P 1 1M 64k']);
    } else {
      await createBaseImage(path, {
        type: 'fixed',
        sizeBytes: 5 * MiB,
        creatorApplication: 'win ',
      });
      await writeImage(path, [{ offset: MiB, bytes: seededBytes(65536, 4) }]);
    }
    const ranges = await agree(path);
    expect(ranges).toEqual([{ start: 0, length: ranges[0]?.length, data: true, offset: 0 }]);
  });
});
