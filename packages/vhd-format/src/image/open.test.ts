import { describe, expect, it } from 'vitest';
import { viewOf } from '../codec/bytes.js';
import { vhdChecksum } from '../codec/checksum.js';
import { encodeUtf16 } from '../codec/utf16.js';
import { BLOCK_UNUSED, FIXED_GROW_STEP, MAX_TABLE_ENTRIES, PLATFORM_CODES } from '../constants.js';
import { isVhdFormatError } from '../errors.js';
import { memoryFile } from '../io.js';
import { decodeBat } from '../structs/bat.js';
import { decodeFooter } from '../structs/footer.js';
import { baseImage, childImage, deterministic, MemoryImages, shared } from '../testing/images.js';
import { openChain } from './chain.js';
import { createDynamic } from './create-dynamic.js';
import { createFixed } from './create-fixed.js';
import { openImage } from './open.js';

const MiB = 2 ** 20;
const noParent = { openParent: async () => undefined };

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await expect(p).rejects.toSatisfy((e) => isVhdFormatError(e) && e.code === code);
}

/** Edits the header of a sparse image in `bytes` and fixes its checksum. */
function editHeader(bytes: Uint8Array, edit: (v: DataView, h: Uint8Array) => void): Uint8Array {
  const h = bytes.subarray(512, 1536);
  edit(viewOf(h), h);
  viewOf(h).setUint32(36, vhdChecksum(h, 36));
  return bytes;
}

describe('openImage', () => {
  it('opens a new dynamic image with nothing allocated and no warnings', async () => {
    const f = await baseImage('dynamic', 6 * MiB, 2 * MiB);
    const image = await openImage(f);
    expect(image).toMatchObject({
      type: 'dynamic',
      virtualSize: 6 * MiB,
      blockSize: 2 * MiB,
      allocatedBlockCount: 0,
      writable: false,
      parent: undefined,
    });
    expect(image.warnings).toEqual([]);
  });

  it('a dynamic write allocates at the old footer, moves the footer and steps the BAT by bitmap + block', async () => {
    const f = await baseImage('dynamic', 6 * MiB, 2 * MiB);
    const chain = await openChain(shared(f), { ...noParent, writable: true });
    await chain.write(new Uint8Array([1, 2, 3]), 10);
    await chain.write(new Uint8Array([4]), 4 * MiB + 511);
    const bytes = f.bytes();
    const bat = decodeBat(bytes.subarray(1536), 3);
    expect(Array.from(bat)).toEqual([4, BLOCK_UNUSED, 4 + 4097]);
    expect(bytes.length).toBe((4 + 2 * 4097) * 512 + 512);
    const footer = bytes.subarray(bytes.length - 512);
    expect(footer).toEqual(bytes.subarray(0, 512));
    expect(decodeFooter(footer).diskType).toBe(3);
    const out = new Uint8Array(6 * MiB);
    await chain.read(out, 0);
    const expected = new Uint8Array(6 * MiB);
    expected.set([1, 2, 3], 10);
    expected[4 * MiB + 511] = 4;
    expect(out.every((b, i) => b === expected[i])).toBe(true);
    await chain.close();
  });

  it('reads and writes unaligned byte ranges of a fixed image', async () => {
    const f = await baseImage('fixed', MiB, 0);
    const chain = await openChain(shared(f), { ...noParent, writable: true });
    await chain.write(new Uint8Array([9, 8, 7]), 1021);
    const out = new Uint8Array(5);
    await chain.read(out, 1020);
    expect(Array.from(out)).toEqual([0, 9, 8, 7, 0]);
    expect(Array.from(f.bytes().subarray(1021, 1024))).toEqual([9, 8, 7]);
    await chain.close();
  });

  it('rejects reads outside the disk and writes to a read-only chain', async () => {
    const f = await baseImage('dynamic', MiB, 4096);
    const chain = await openChain(shared(f), noParent);
    await rejectsWith(chain.read(new Uint8Array(2), MiB - 1), 'OUT_OF_RANGE');
    await rejectsWith(chain.read(new Uint8Array(1), -1), 'OUT_OF_RANGE');
    await rejectsWith(chain.write(new Uint8Array(1), 0), 'READ_ONLY');
    await chain.close();
    await rejectsWith(chain.read(new Uint8Array(1), 0), 'CLOSED');
  });

  it('uses the footer copy at 0 when the last footer is damaged, unless strict', async () => {
    const f = await baseImage('dynamic', MiB, 4096);
    const size = await f.size();
    await f.write(new Uint8Array([0x55]), size - 300);
    const image = await openImage(shared(f));
    expect(image.warnings).toEqual([
      expect.stringMatching(/^footer checksum is 0x[0-9a-f]{8}, .*; using the copy at offset 0$/),
    ]);
    await rejectsWith(openImage(shared(f), { strict: true }), 'BAD_CHECKSUM');
  });

  it('reads a fixed image by its footer before zeros the file grew by (a grow cut short), unless strict, within one grow step', async () => {
    const f = await baseImage('fixed', MiB, 0);
    const chain = await openChain(shared(f), { ...noParent, writable: true });
    await chain.write(new Uint8Array([4, 5, 6]), MiB - 3);
    await chain.close();
    const footerAt = MiB;
    await f.write(new Uint8Array(FIXED_GROW_STEP), footerAt + 512);
    const image = await openImage(shared(f));
    expect(image.virtualSize).toBe(MiB);
    expect(image.warnings).toEqual([
      `footer cookie is "${'\\u0000'.repeat(8)}"; using the fixed disk's footer at ${footerAt}, before ${FIXED_GROW_STEP} bytes of zeros (a grow cut short)`,
    ]);
    const out = new Uint8Array(3);
    await openChain(shared(f), noParent).then(async (c) => {
      await c.read(out, MiB - 3);
      await c.close();
    });
    expect(Array.from(out)).toEqual([4, 5, 6]);
    await rejectsWith(openImage(shared(f), { strict: true }), 'BAD_COOKIE');
    // One sector more than a step: the footer is too far back to be the one a grow left.
    await f.write(new Uint8Array(512), footerAt + 512 + FIXED_GROW_STEP);
    await rejectsWith(openImage(shared(f)), 'BAD_COOKIE');
    // The last sector holding anything must be a fixed footer with its data before it.
    const other = await baseImage('fixed', MiB, 0);
    await other.write(new Uint8Array(4096), MiB + 512);
    await other.write(new Uint8Array([1]), MiB + 1024);
    await rejectsWith(openImage(shared(other)), 'BAD_COOKIE');
    // A footer not on a sector boundary (3 bytes the footer made readers ignore before it).
    const odd = (await baseImage('fixed', MiB, 0)).bytes();
    const shifted = new Uint8Array(MiB + 3 + 512 + 4096);
    shifted.set(odd.subarray(0, MiB));
    shifted.set(odd.subarray(MiB), MiB + 3);
    const oddImage = await openImage(memoryFile(shifted));
    expect(oddImage.virtualSize).toBe(MiB);
    expect(oddImage.warnings[0]).toMatch(
      /using the fixed disk's footer at 1048579, before 4096 bytes/,
    );
    const dynamic = (await baseImage('dynamic', MiB, 4096)).bytes();
    const footer = dynamic.slice(dynamic.length - 512);
    const lone = memoryFile(new Uint8Array(MiB));
    await lone.write(footer, MiB - 1024);
    await rejectsWith(openImage(lone), 'BAD_COOKIE');
  });

  it('reads an image whose footer and copy both carry a stale checksum, with a warning, unless strict', async () => {
    const f = await baseImage('dynamic', MiB, 4096);
    const chain = await openChain(shared(f), { ...noParent, writable: true });
    await chain.write(new Uint8Array([7, 8, 9]), 5000);
    await chain.close();
    const bytes = f.bytes();
    // A hand edit of the creator version in both footers, checksums left as they were.
    for (const at of [0, bytes.length - 512]) bytes[at + 35] = 0x42;
    const image = await openImage(memoryFile(bytes));
    expect(image.footer.creatorVersion & 0xff).toBe(0x42);
    expect(image.warnings).toEqual([
      expect.stringMatching(/^footer checksum is 0x[0-9a-f]{8}, .*; read anyway$/),
      expect.stringMatching(/^footer copy: footer checksum is 0x[0-9a-f]{8}, .*$/),
    ]);
    const read = await openChain(memoryFile(bytes), noParent);
    const out = new Uint8Array(3);
    await read.read(out, 5000);
    expect(Array.from(out)).toEqual([7, 8, 9]);
    await rejectsWith(openImage(memoryFile(bytes), { strict: true }), 'BAD_CHECKSUM');
    // A fixed disk has one footer: the same tolerance.
    const fixed = (await baseImage('fixed', MiB, 0)).bytes();
    fixed[MiB + 35] = 0x42;
    expect((await openImage(memoryFile(fixed))).warnings.join()).toMatch(/; read anyway$/);
    await rejectsWith(openImage(memoryFile(fixed), { strict: true }), 'BAD_CHECKSUM');
  });

  it('reads a 511-byte footer, unless strict', async () => {
    const f = await baseImage('fixed', MiB, 0);
    await f.truncate(MiB + 511);
    const image = await openImage(shared(f));
    expect(image.virtualSize).toBe(MiB);
    expect(image.warnings.join()).toMatch(/511 bytes/);
    await rejectsWith(openImage(shared(f), { strict: true }), 'SHORT_FOOTER');
  });

  it('tolerates a bad header checksum with a warning, unless strict', async () => {
    const f = await baseImage('dynamic', MiB, 4096);
    await f.write(new Uint8Array([1]), 512 + 900);
    expect((await openImage(shared(f))).warnings.join()).toMatch(/header checksum/);
    await rejectsWith(openImage(shared(f), { strict: true }), 'BAD_CHECKSUM');
  });

  it('rejects a 4 KiB file claiming 2^32-1 BAT entries before allocating the BAT', async () => {
    const f = await baseImage('dynamic', MiB, 4096);
    const bytes = editHeader(f.bytes(), (v) => v.setUint32(28, 0xffffffff));
    const padded = new Uint8Array(4096);
    padded.set(bytes.subarray(0, 2048));
    padded.set(bytes.subarray(bytes.length - 512), 4096 - 512);
    await rejectsWith(openImage(memoryFile(padded)), 'BAD_TABLE_OFFSET');
  });

  it('rejects a sparse file claiming more than MAX_TABLE_ENTRIES BAT entries with SIZE_TOO_LARGE', async () => {
    // The table fits in these sparse files, so only the cap stands between a field and a
    // 16 GiB allocation (which failed with a RangeError before).
    for (const entries of [MAX_TABLE_ENTRIES + 1, 0xffffffff]) {
      const f = await baseImage('dynamic', MiB, 4096);
      const bytes = editHeader(f.bytes(), (v) => v.setUint32(28, entries));
      const file = memoryFile(bytes.subarray(0, bytes.length - 512));
      const size = 1536 + entries * 4 + 512;
      await file.truncate(size - 512);
      await file.write(bytes.subarray(bytes.length - 512), size - 512);
      await rejectsWith(openImage(file), 'SIZE_TOO_LARGE');
      await rejectsWith(openImage(file, { strict: true }), 'SIZE_TOO_LARGE');
    }
  });

  it('opens a dynamic image larger than 2040 GiB and reads and writes its last block (pitfall 11)', async () => {
    // 2040 GiB in 256 MiB blocks is 8160 entries, a BAT padded to 8192: claim them all.
    const f = await baseImage('dynamic', 2040 * 2 ** 30, 256 * MiB);
    const size = 2048 * 2 ** 30;
    const bytes = editHeader(f.bytes(), (v) => v.setUint32(28, 8192));
    for (const at of [0, bytes.length - 512]) {
      const v = viewOf(bytes.subarray(at, at + 512));
      v.setUint32(48, size / 2 ** 32); // current size, high word
      v.setUint32(52, 0);
      v.setUint32(64, vhdChecksum(bytes.subarray(at, at + 512), 64));
    }
    const file = memoryFile(bytes);
    const chain = await openChain(file, { ...noParent, writable: true, strict: true });
    expect(chain.virtualSize).toBe(size);
    await chain.write(new Uint8Array([1, 2, 3]), size - 3);
    const out = new Uint8Array(4);
    await chain.read(out, size - 4);
    expect(Array.from(out)).toEqual([0, 1, 2, 3]);
    await chain.close();
  });

  it('the virtual size is the current size, not the BAT coverage (pitfall 14)', async () => {
    // 3 MiB + 512 bytes in 2 MiB blocks: the BAT covers 4 MiB.
    const f = memoryFile();
    await createDynamic(f, { sizeBytes: 3 * MiB + 512, exactSize: true, ...deterministic(1) });
    const image = await openImage(shared(f));
    expect(image.header!.maxTableEntries * image.header!.blockSize).toBe(4 * MiB);
    expect(image.virtualSize).toBe(3 * MiB + 512);
    const chain = await openChain(shared(f), noParent);
    await rejectsWith(chain.read(new Uint8Array(512), 3 * MiB + 512), 'OUT_OF_RANGE');
  });

  it('reads a header data offset of 0xFFFFFFFF with a warning (pitfall 13)', async () => {
    const f = await baseImage('dynamic', MiB, 4096);
    const bytes = editHeader(f.bytes(), (v) => v.setUint32(8, 0));
    const image = await openImage(memoryFile(bytes));
    expect(image.warnings).toEqual(['the header data offset is 0xFFFFFFFF, not all 64 bits set']);
  });

  it('rejects a BAT too small for the disk size', async () => {
    const f = await baseImage('dynamic', MiB, 4096);
    const bytes = editHeader(f.bytes(), (v) => v.setUint32(28, 10));
    await rejectsWith(openImage(memoryFile(bytes)), 'BAD_FIELD');
  });

  it('rejects a header offset outside the file', async () => {
    const f = await baseImage('dynamic', MiB, 4096);
    const bytes = f.bytes();
    for (const at of [0, bytes.length - 512]) {
      const v = viewOf(bytes.subarray(at, at + 512));
      v.setUint32(20, 1 << 30);
      v.setUint32(64, vhdChecksum(bytes.subarray(at, at + 512), 64));
    }
    await rejectsWith(openImage(memoryFile(bytes)), 'BAD_DATA_OFFSET');
  });

  it('rejects BAT entries that point past the end of the file', async () => {
    const f = await baseImage('dynamic', MiB, 4096);
    const bytes = f.bytes();
    viewOf(bytes).setUint32(1536 + 8, 100_000);
    await rejectsWith(openImage(memoryFile(bytes)), 'BAT_ENTRY_OUT_OF_RANGE');
  });

  it('refuses overlapping blocks when strict or writable, opens them read-only with a warning', async () => {
    const f = await baseImage('dynamic', MiB, 4096);
    const chain = await openChain(shared(f), { ...noParent, writable: true });
    await chain.write(new Uint8Array(4096 * 2).fill(1), 0);
    await chain.close();
    const bytes = f.bytes();
    const v = viewOf(bytes);
    v.setUint32(1536 + 4, v.getUint32(1536));
    await rejectsWith(openImage(memoryFile(bytes), { strict: true }), 'OVERLAPPING_BLOCKS');
    await rejectsWith(openImage(memoryFile(bytes), { writable: true }), 'OVERLAPPING_BLOCKS');
    const image = await openImage(memoryFile(bytes));
    expect(image.warnings.join()).toMatch(/share bytes/);
    // A block over the BAT.
    v.setUint32(1536 + 4, 3);
    await rejectsWith(openImage(memoryFile(bytes), { strict: true }), 'OVERLAPPING_BLOCKS');
  });

  it('reads a fixed image with bytes between its data and its footer, ignoring them with a warning', async () => {
    const f = await baseImage('fixed', MiB, 0);
    const bytes = f.bytes();
    const longer = new Uint8Array(MiB + 1024 + 512).fill(0x44);
    longer.set(bytes.subarray(0, MiB));
    longer.set(bytes.subarray(MiB), MiB + 1024);
    const image = await openImage(memoryFile(longer));
    expect(image.virtualSize).toBe(MiB);
    expect(image.warnings).toEqual(['1024 bytes between the data and the footer are ignored']);
    const chain = await openChain(memoryFile(longer), noParent);
    const out = new Uint8Array(4);
    await rejectsWith(chain.read(out, MiB), 'OUT_OF_RANGE');
  });

  it('refuses a BAT sharing bytes with the header when strict or writable, reads it with a warning', async () => {
    // Two entries at 520: the header's data offset (all ones) reads as two unused entries, so
    // a write would put a BAT entry into the header and break it.
    const f = await baseImage('dynamic', 4 * MiB, 2 * MiB);
    const bytes = editHeader(f.bytes(), (v) => {
      v.setUint32(20, 520);
      v.setUint32(28, 2);
    });
    await rejectsWith(openImage(memoryFile(bytes), { writable: true }), 'OVERLAPPING_METADATA');
    await rejectsWith(openImage(memoryFile(bytes), { strict: true }), 'OVERLAPPING_METADATA');
    const image = await openImage(memoryFile(bytes));
    expect(image.warnings).toEqual(['the header and the BAT share bytes; opened read-only']);
  });

  it('refuses locator data in the trailing footer (a new block would overwrite it) when writable', async () => {
    const base = await baseImage('dynamic', MiB, 4096);
    const child = (await childImage(base, 2)).bytes();
    const bytes = editHeader(child, (v) => {
      v.setUint32(576 + 20, child.length - 512);
      v.setUint32(576 + 8, 40);
    });
    await rejectsWith(openImage(memoryFile(bytes), { writable: true }), 'OVERLAPPING_METADATA');
    const image = await openImage(memoryFile(bytes));
    expect(image.warnings).toEqual([
      'the footer and the parent locator 0 data share bytes; opened read-only',
    ]);
  });

  it('rejects a fixed image shorter than its size', async () => {
    const f = memoryFile();
    await createFixed(f, { sizeBytes: MiB, exactSize: true, ...deterministic(1) });
    const bytes = f.bytes();
    const cut = new Uint8Array(MiB);
    cut.set(bytes.subarray(0, MiB - 512));
    cut.set(bytes.subarray(MiB), MiB - 512);
    await rejectsWith(openImage(memoryFile(cut)), 'TRUNCATED');
  });

  it('rejects files too short to hold a footer', async () => {
    await rejectsWith(openImage(memoryFile(new Uint8Array(100))), 'TRUNCATED');
    await rejectsWith(openImage(memoryFile(new Uint8Array(4096))), 'BAD_COOKIE');
  });
});

describe('parent references', () => {
  it('decode the recorded UUID, timestamp, name and W2ku/W2ru locators', async () => {
    const base = await baseImage('dynamic', MiB, 4096, 1);
    const child = await childImage(base, 2, 'base.vhd');
    const image = await openImage(child);
    expect(image.type).toBe('differencing');
    expect(image.parent).toEqual({
      uniqueId: decodeFooter(base.bytes().subarray(0, 512)).uniqueId,
      timestamp: (Date.parse('2026-01-02T03:04:05Z') - Date.parse('2000-01-01T00:00:00Z')) / 1000,
      unicodeName: 'base.vhd',
      locators: [
        { platform: 'W2ku', path: 'C:\\vms\\base.vhd', entry: 0 },
        { platform: 'W2ru', path: '.\\base.vhd', entry: 1 },
      ],
    });
  });

  it('read a parent name stored UTF-16LE, with a warning (strict refuses it)', async () => {
    const base = await baseImage('dynamic', MiB, 4096, 1);
    const child = await childImage(base, 2, 'base.vhd');
    const bytes = editHeader(child.bytes(), (_, h) => {
      h.fill(0, 64, 576);
      h.set(encodeUtf16('base.vhd', 'le'), 64);
    });
    const image = await openImage(memoryFile(bytes));
    expect(image.parent?.unicodeName).toBe('base.vhd');
    expect(image.warnings.join()).toMatch(/UTF-16LE/);
    await rejectsWith(openImage(memoryFile(bytes), { strict: true }), 'PARENT_NAME_BYTE_ORDER');
  });

  it('read a UTF-16LE parent name when strict with acceptLittleEndianParentName, and nothing else', async () => {
    const base = await baseImage('dynamic', MiB, 4096, 1);
    const child = await childImage(base, 2, 'base.vhd');
    const le = editHeader(child.bytes(), (_, h) => {
      h.fill(0, 64, 576);
      h.set(encodeUtf16('base.vhd', 'le'), 64);
    });
    const rules = { strict: true, acceptLittleEndianParentName: true };
    const image = await openImage(memoryFile(le), rules);
    expect(image.parent?.unicodeName).toBe('base.vhd');
    expect(image.warnings).toEqual([
      'the parent name is stored UTF-16LE, not BE; read in that byte order',
    ]);
    const chain = await openChain(memoryFile(le), { ...rules, openParent: async () => base });
    expect(chain.layers).toHaveLength(2);
    await chain.close();
    // Every other strict rule holds: a locator outside the file is refused.
    const outside = editHeader(le.slice(), (v) => v.setUint32(576 + 24 + 20, 1 << 30));
    await rejectsWith(openImage(memoryFile(outside), rules), 'BAD_LOCATOR');
    expect((await openImage(memoryFile(outside))).warnings).toHaveLength(2);
  });

  it('accept locator data space in sectors and ignore locators outside the file (strict refuses)', async () => {
    const base = await baseImage('dynamic', MiB, 4096, 1);
    const child = await childImage(base, 2, 'base.vhd');
    const inSectors = editHeader(child.bytes(), (v) => v.setUint32(576 + 4, 1));
    expect((await openImage(memoryFile(inSectors))).parent?.locators[0]?.path).toBe(
      'C:\\vms\\base.vhd',
    );
    const outside = editHeader(child.bytes(), (v) => v.setUint32(576 + 24 + 20, 1 << 30));
    const image = await openImage(memoryFile(outside));
    expect(image.parent?.locators).toEqual([
      { platform: 'W2ku', path: 'C:\\vms\\base.vhd', entry: 0 },
    ]);
    expect(image.warnings.join()).toMatch(/locator 1 \(W2ru\)/);
    await rejectsWith(openImage(memoryFile(outside), { strict: true }), 'BAD_LOCATOR');
  });

  it('are found through MemoryImages by UUID', async () => {
    const images = new MemoryImages();
    const base = await baseImage('dynamic', MiB, 4096, 1);
    await images.add(base);
    const child = await childImage(base, 2);
    const chain = await images.open(child, false);
    expect(chain.layers.map((l) => l.type)).toEqual(['differencing', 'dynamic']);
    expect(PLATFORM_CODES.W2ku).toBe(0x57326b75);
    await chain.close();
  });
});

describe('createDynamic then openImage', () => {
  it('accepts block sizes down to 512 bytes', async () => {
    const f = memoryFile();
    await createDynamic(f, { sizeBytes: 8192, blockSizeBytes: 512 });
    const chain = await openChain(shared(f), { ...noParent, writable: true });
    await chain.write(new Uint8Array(1000).fill(3), 100);
    const out = new Uint8Array(8192);
    await chain.read(out, 0);
    expect(out.filter((b) => b === 3).length).toBe(1000);
    await chain.close();
  });
});
