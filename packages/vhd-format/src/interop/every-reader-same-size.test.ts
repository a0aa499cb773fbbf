/**
 * Images we create with the default options (creator `vsk `, sizes rounded up to a CHS capacity,
 * a child's geometry per `childGeometry`) as qemu, pyvhdi and vhd-lib see them: the same virtual size as
 * ours, and the last sector readable. qemu 7.2 sizes `vsk ` images by CHS (VHD.md 21), so before
 * the rounding qemu showed 1 GiB 262,144 bytes short and could not read the last sectors. The
 * sizes and geometries also equal what `qemu-img create` writes (VHD.md 22), and a child of a
 * Hyper-V-style parent (creator `win `, a size no geometry addresses) shows in qemu at its parent's
 * size (VHD.md 23).
 */
import { openNodeFile } from '@vskit/host-node';
import { expect, it } from 'vitest';
import { MAX_CHS_SECTORS } from '../geometry.js';
import {
  chsCapacity,
  createDifferencing,
  MAX_GEOMETRY,
  openImage,
  qemuVirtualSize,
  roundUpToChs,
} from '../index.js';
import { describeWithPeer } from './__fixtures__/describe-with-peer.js';
import { createBaseImage, createChildImage, writeImage } from './__fixtures__/images.js';
import { pyvhdiReadAt } from './__fixtures__/pyvhdi.js';
import { qemuCreate, qemuInfo, qemuIo } from './__fixtures__/qemu.js';
import { suiteTempDir } from './__fixtures__/suite-temp-dir.js';
import { vhdLibReadAll, vhdLibReadChain } from './__fixtures__/vhd-lib.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** Sizes asked for: odd ones, 10 MiB and 1 GiB, one just under 127 GiB, one past the CHS range. */
const SIZES: readonly { readonly name: string; readonly asked: number }[] = [
  { name: '3 MiB + 1 sector', asked: 3 * MiB + 512 },
  { name: '5 MiB + 7 sectors', asked: 5 * MiB + 7 * 512 },
  { name: '10 MiB', asked: 10 * MiB },
  { name: '1 GiB', asked: GiB },
  { name: '127 GiB', asked: 127 * GiB },
  { name: '200 GiB + 3 sectors (sparse)', asked: 200 * GiB + 3 * 512 },
];

type Kind = 'fixed' | 'dynamic' | 'differencing';
const KINDS: readonly Kind[] = ['fixed', 'dynamic', 'differencing'];

/** Marker bytes: the last sector of the top layer, and the one before it in the base. */
const TOP_MARK = 0x5a;
const BASE_MARK = 0xc3;

/** What a case made: the file to hand a peer (top first) and the virtual size we report. */
interface Made {
  readonly paths: readonly string[];
  readonly virtualSize: number;
}

/** Our virtual size and footer for the image at `path`. */
async function ours(path: string) {
  const image = await openImage(await openNodeFile(path, 'read'));
  try {
    return { virtualSize: image.virtualSize, footer: image.footer };
  } finally {
    await image.close();
  }
}

/**
 * Creates a `kind` image of `asked` bytes with default options at `dir`, marks the base's
 * second-to-last sector and the top's last sector, and returns the chain's files.
 */
async function make(dir: { file(name: string): string }, kind: Kind, asked: number, tag: string) {
  const base = dir.file(`${tag}-base.vhd`);
  await createBaseImage(base, {
    type: kind === 'fixed' ? 'fixed' : 'dynamic',
    sizeBytes: asked,
    roundUpToChs: true,
  });
  const { virtualSize } = await ours(base);
  await writeImage(base, [
    { offset: virtualSize - 1024, bytes: new Uint8Array(512).fill(BASE_MARK) },
    { offset: virtualSize - 512, bytes: new Uint8Array(512).fill(BASE_MARK) },
  ]);
  if (kind !== 'differencing') {
    await writeImage(base, [
      { offset: virtualSize - 512, bytes: new Uint8Array(512).fill(TOP_MARK) },
    ]);
    return { paths: [base], virtualSize } satisfies Made;
  }
  const child = dir.file(`${tag}-child.vhd`);
  await createChildImage(child, base);
  await writeImage(child, [
    { offset: virtualSize - 512, bytes: new Uint8Array(512).fill(TOP_MARK) },
  ]);
  return { paths: [child, base], virtualSize: (await ours(child)).virtualSize } satisfies Made;
}

describeWithPeer('qemu', 'qemu-img sees the images we create at our size', () => {
  const dir = suiteTempDir('same-size-qemu');

  for (const kind of KINDS) {
    SIZES.forEach(({ name, asked }, index) => {
      it(`${kind} ${name}: qemu-img info shows our virtual size and qemu-io reads the last sector`, async () => {
        const made = await make(dir, kind, asked, `${kind}-${index}`);
        const expected = roundUpToChs(asked).sizeBytes;
        expect(made.virtualSize).toBe(expected);
        const top = made.paths[0] as string;
        expect(qemuVirtualSize((await ours(top)).footer)).toBe(expected);
        const info = await qemuInfo(top);
        expect(info.virtualSize).toBe(made.virtualSize);
        // qemu opens a child standalone (no backing file for vpc): the sector the child wrote.
        await qemuIo(top, [`read -P ${TOP_MARK} ${made.virtualSize - 512} 512`]);
        if (kind !== 'differencing') {
          await qemuIo(top, [`read -P ${BASE_MARK} ${made.virtualSize - 1024} 512`]);
        }
      });
    });
  }

  it('without the rounding qemu shows less and cannot read the last sectors: exactSize 1 GiB and 10 MiB', async () => {
    for (const [asked, lost] of [
      [GiB, 262_144],
      [10 * MiB, 6 * 1024],
    ] as const) {
      const path = dir.file(`exact-${asked}.vhd`);
      await createBaseImage(path, { type: 'dynamic', sizeBytes: asked });
      const info = await qemuInfo(path);
      expect(info.virtualSize).toBe(asked - lost);
      expect(qemuVirtualSize((await ours(path)).footer)).toBe(asked - lost);
      await expect(qemuIo(path, [`read ${asked - 512} 512`])).rejects.toThrow(/failed/);
    }
  });

  it('our default size and geometry equal what qemu-img create writes, across changes of heads and sectors', async () => {
    const sectors = [
      6145, // 3 MiB + 1 sector
      20_480, // 10 MiB
      69_565, // past 1023/4/17: 819/5/17
      69_632, // 17 x 4096
      278_529, // past 16 heads of 17 sectors
      1_048_577, // 512 MiB + 1 sector
      2_097_152, // 1 GiB
      66_059_281, // the first count with 255 sectors per track
      266_338_304, // 127 GiB
      MAX_CHS_SECTORS - 100, // the search reaches 65535/16/255
      419_430_403, // 200 GiB + 3 sectors
    ];
    for (const n of sectors) {
      const path = dir.file(`qemu-created-${n}.vhd`);
      await qemuCreate(path, { subformat: 'dynamic', sizeBytes: n * 512 });
      const { footer } = await ours(path);
      const rounded = roundUpToChs(n * 512);
      expect({ n, size: footer.currentSize, geometry: footer.geometry }).toEqual({
        n,
        size: rounded.sizeBytes,
        geometry: rounded.geometry,
      });
    }
  });

  it('a child of a Hyper-V-style parent (win, a size no geometry addresses) shows in qemu at the parent size', async () => {
    for (const [size, tag] of [
      [127 * GiB, '127g'],
      [10 * MiB + 3 * 512, 'odd'],
    ] as const) {
      const parent = dir.file(`hyperv-${tag}.vhd`);
      const child = dir.file(`hyperv-${tag}-child.vhd`);
      await createBaseImage(parent, {
        type: 'dynamic',
        sizeBytes: size,
        creatorApplication: 'win ',
      });
      const parentFooter = (await ours(parent)).footer;
      expect(chsCapacity(parentFooter.geometry)).toBeLessThan(size);
      await writeImage(parent, [
        { offset: size - 512, bytes: new Uint8Array(512).fill(BASE_MARK) },
      ]);
      await createChildImage(child, parent);
      const childFooter = (await ours(child)).footer;
      expect(childFooter.creatorApplication).toBe('vsk ');
      expect(childFooter.geometry).toEqual(MAX_GEOMETRY);
      expect((await qemuInfo(parent)).virtualSize).toBe(size);
      expect((await qemuInfo(child)).virtualSize).toBe(size);
      await writeImage(child, [{ offset: size - 1024, bytes: new Uint8Array(512).fill(TOP_MARK) }]);
      await qemuIo(child, [
        `read -P ${TOP_MARK} ${size - 1024} 512`,
        `read -P 0 ${size - 512} 512`,
      ]);
    }
  });

  it('a 4 KiB-block child of a parent qemu-img made with force_size (65535/16/255) opens in qemu at its size', async () => {
    const parent = dir.file('forced.vhd');
    const child = dir.file('forced-child.vhd');
    await qemuCreate(parent, { subformat: 'fixed', sizeBytes: 10 * MiB, forceSize: true });
    expect((await ours(parent)).footer.geometry).toEqual(MAX_GEOMETRY);
    const image = await openImage(await openNodeFile(parent, 'read'));
    const out = await openNodeFile(child, 'createNew');
    try {
      await createDifferencing(out, {
        parent: {
          footer: image.footer,
          blockSizeBytes: 4096,
          modified: new Date(),
          unicodeName: 'forced.vhd',
        },
      });
    } finally {
      await out.close();
      await image.close();
    }
    expect((await qemuInfo(child)).virtualSize).toBe(10 * MiB);
    await qemuIo(child, [`read -P 0 ${10 * MiB - 512} 512`]);
  });
});

describeWithPeer('pyvhdi', 'pyvhdi sees the images we create at our size', () => {
  const dir = suiteTempDir('same-size-pyvhdi');

  for (const kind of KINDS) {
    SIZES.forEach(({ name, asked }, index) => {
      it(`${kind} ${name}: pyvhdi reports our media size and reads the last sectors`, async () => {
        const made = await make(dir, kind, asked, `${kind}-${index}`);
        const read = await pyvhdiReadAt(made.paths, made.virtualSize - 1024, 1024);
        expect(read.mediaSize).toBe(made.virtualSize);
        // The base's second-to-last sector reads through a child; the top's last sector is its own.
        expect(read.bytes.subarray(0, 512).every((b) => b === BASE_MARK)).toBe(true);
        expect(read.bytes.subarray(512).every((b) => b === TOP_MARK)).toBe(true);
      });
    });
  }

  it('a child of a Hyper-V-style parent reads as its parent, at the parent size', async () => {
    const parent = dir.file('hyperv.vhd');
    const child = dir.file('hyperv-child.vhd');
    const size = 127 * GiB;
    await createBaseImage(parent, { type: 'dynamic', sizeBytes: size, creatorApplication: 'win ' });
    await writeImage(parent, [{ offset: size - 512, bytes: new Uint8Array(512).fill(BASE_MARK) }]);
    await createChildImage(child, parent);
    const read = await pyvhdiReadAt([child, parent], size - 512, 512);
    expect(read.mediaSize).toBe(size);
    expect(read.bytes.every((b) => b === BASE_MARK)).toBe(true);
  });
});

describeWithPeer('vhd-lib', 'vhd-lib sees the images we create at our size', () => {
  const dir = suiteTempDir('same-size-vhd-lib');

  // vhd-lib 0.7.2 reads dynamic images and chains of them, whole, so only the small sizes.
  for (const kind of ['dynamic', 'differencing'] as const) {
    SIZES.slice(0, 3).forEach(({ name, asked }, index) => {
      it(`${kind} ${name}: vhd-lib's content is our virtual size, with the last sectors`, async () => {
        const made = await make(dir, kind, asked, `${kind}-${index}`);
        const bytes =
          kind === 'dynamic'
            ? await vhdLibReadAll(made.paths[0] as string)
            : await vhdLibReadChain(made.paths, dir.file(`${kind}-${index}-merged.vhd`));
        expect(bytes.length).toBe(made.virtualSize);
        const tail = bytes.subarray(made.virtualSize - 1024);
        expect(tail.subarray(0, 512).every((b) => b === BASE_MARK)).toBe(true);
        expect(tail.subarray(512).every((b) => b === TOP_MARK)).toBe(true);
      });
    });
  }
});
