import { describe, expect, it } from 'vitest';
import { check } from './check.js';
import { viewOf } from './codec/bytes.js';
import { vhdChecksum } from './codec/checksum.js';
import { encodeUtf16 } from './codec/utf16.js';
import { openChain } from './image/chain.js';
import { createDifferencing } from './image/create-differencing.js';
import { openImage } from './image/open.js';
import { memoryFile } from './io.js';
import { baseImage, childImage, deterministic, MemoryImages, shared } from './testing/images.js';

const MiB = 2 ** 20;

function codes(r: { problems: Array<{ code: string; severity: string }> }) {
  return r.problems.map((p) => `${p.severity}:${p.code}`);
}

async function withBlocks() {
  const images = new MemoryImages();
  const base = await baseImage('dynamic', MiB, 4096, 1);
  const w = await images.open(base);
  await w.write(new Uint8Array(3 * 4096).fill(1), 0);
  await w.close();
  return base.bytes();
}

describe('check', () => {
  it('finds nothing wrong in images we create and fill', async () => {
    for (const f of [await baseImage('fixed', MiB, 0), memoryFile(await withBlocks())]) {
      expect(await check(f)).toEqual({ ok: true, problems: [] });
    }
  });

  it('reports a damaged footer and a copy that differs', async () => {
    const bytes = await withBlocks();
    bytes[bytes.length - 100] = bytes[bytes.length - 100]! ^ 1;
    const r = await check(memoryFile(bytes));
    expect(r.ok).toBe(false);
    expect(codes(r)).toEqual(['error:BAD_CHECKSUM', 'error:FOOTER_COPY_MISMATCH']);
    expect(r.problems[0]!.offset).toBe(bytes.length - 512 + 64);
  });

  it('reports a stale checksum in both footers as two errors, and nothing else', async () => {
    const bytes = await withBlocks();
    for (const at of [0, bytes.length - 512]) bytes[at + 35] = 0x42;
    const r = await check(memoryFile(bytes));
    expect(r.ok).toBe(false);
    expect(codes(r)).toEqual(['error:BAD_CHECKSUM', 'error:BAD_CHECKSUM']);
    expect(r.problems.map((p) => p.offset)).toEqual([bytes.length - 512 + 64, 64]);
  });

  it('reports a bad header checksum and a bad header cookie', async () => {
    const bytes = await withBlocks();
    bytes[512 + 700] = bytes[512 + 700]! ^ 1;
    expect(codes(await check(memoryFile(bytes)))).toEqual(['error:BAD_CHECKSUM']);
    bytes[512] = 0;
    expect(codes(await check(memoryFile(bytes)))).toEqual(['error:BAD_HEADER_COOKIE']);
  });

  it('reports BAT entries past the end and blocks overlapping each other or the metadata', async () => {
    const bytes = await withBlocks();
    const v = viewOf(bytes);
    const first = v.getUint32(1536);
    v.setUint32(1536 + 4, first);
    v.setUint32(1536 + 8, 1);
    v.setUint32(1536 + 12, 0x00ffffff);
    const r = await check(memoryFile(bytes));
    // bat[1] repeats bat[0]; bat[2] (sector 1) overlaps block 0, the header and the BAT.
    expect(codes(r)).toEqual([
      'error:BAT_ENTRY_OUT_OF_RANGE',
      'error:OVERLAPPING_BLOCKS',
      'error:OVERLAPPING_BLOCKS',
      'error:OVERLAPPING_BLOCKS',
      'error:OVERLAPPING_BLOCKS',
    ]);
    expect(r.problems.filter((p) => /header|BAT at/.test(p.message))).toHaveLength(2);
    expect(r.problems.find((p) => p.code === 'BAT_ENTRY_OUT_OF_RANGE')!.field).toBe('bat[3]');
  });

  it('reports locators out of range and a parent with another UUID', async () => {
    const images = new MemoryImages();
    const base = await baseImage('dynamic', MiB, 4096, 1);
    const other = await baseImage('dynamic', MiB, 4096, 8);
    await images.add(base);
    const child = await childImage(base, 2);
    expect(await check(shared(child), { openParent: images.openParent })).toEqual({
      ok: true,
      problems: [],
    });
    const wrong = await check(shared(child), { openParent: async () => shared(other) });
    expect(codes(wrong)).toEqual(['error:PARENT_ID_MISMATCH']);
    const missing = await check(shared(child), { openParent: async () => undefined });
    expect(codes(missing)).toEqual(['error:PARENT_NOT_FOUND']);
    const later = await check(shared(child), {
      openParent: async () => ({ file: shared(base), modified: new Date('2030-01-01T00:00:00Z') }),
    });
    expect(codes(later)).toEqual(['warning:PARENT_TIMESTAMP_MISMATCH']);
    expect(later.ok).toBe(true);
    const bytes = child.bytes();
    const h = bytes.subarray(512, 1536);
    viewOf(h).setUint32(576 + 20, 1 << 30);
    viewOf(h).setUint32(36, vhdChecksum(h, 36));
    expect(codes(await check(memoryFile(bytes)))).toEqual(['error:BAD_LOCATOR']);
  });

  it('reports a BAT larger than MAX_TABLE_ENTRIES in a sparse file as SIZE_TOO_LARGE', async () => {
    const bytes = await withBlocks();
    const h = bytes.subarray(512, 1536);
    viewOf(h).setUint32(28, 0xffffffff);
    viewOf(h).setUint32(36, vhdChecksum(h, 36));
    const file = memoryFile(bytes.subarray(0, bytes.length - 512));
    const size = 1536 + 0xffffffff * 4 + 512;
    await file.truncate(size - 512);
    await file.write(bytes.subarray(bytes.length - 512), size - 512);
    const r = await check(file);
    expect(r.ok).toBe(false);
    expect(codes(r)).toContain('error:SIZE_TOO_LARGE');
  });

  it('reports a truncated fixed image and files too short for a footer', async () => {
    const f = await baseImage('fixed', MiB, 0);
    const bytes = f.bytes();
    const cut = new Uint8Array(MiB);
    cut.set(bytes.subarray(MiB), MiB - 512);
    expect(codes(await check(memoryFile(cut)))).toEqual(['error:TRUNCATED']);
    expect(codes(await check(memoryFile(new Uint8Array(10))))).toEqual(['error:TRUNCATED']);
    expect(codes(await check(memoryFile(new Uint8Array(4096))))).toEqual([
      'error:BAD_COOKIE',
      'error:BAD_COOKIE',
    ]);
  });

  it('reports every file shorter than 512 bytes as an error, with the code openImage refuses it with', async () => {
    for (const size of [0, 1, 100, 510, 511]) {
      for (const fill of [0, 0x5a]) {
        const bytes = new Uint8Array(size).fill(fill);
        const r = await check(memoryFile(bytes));
        expect(r.ok).toBe(false);
        expect(codes(r)).toEqual(['error:TRUNCATED']);
        for (const strict of [false, true]) {
          await expect(openImage(memoryFile(bytes), { strict })).rejects.toMatchObject({
            code: 'TRUNCATED',
          });
        }
      }
    }
  });

  it('reads a 511-byte file holding a 511-byte footer as open does: a 0-byte fixed disk', async () => {
    const empty = await baseImage('fixed', 0, 0);
    const bytes = empty.bytes().subarray(0, 511);
    const r = await check(memoryFile(bytes));
    expect(codes(r)).toEqual(['warning:SHORT_FOOTER']);
    expect((await openImage(memoryFile(bytes))).virtualSize).toBe(0);
  });

  it('warns about a 511-byte footer and unusual footer fields', async () => {
    const f = await baseImage('fixed', MiB, 0);
    const bytes = f.bytes().slice(0, MiB + 511);
    const r = await check(memoryFile(bytes));
    expect(codes(r)).toEqual(['warning:SHORT_FOOTER']);
    expect(r.ok).toBe(true);
    const full = f.bytes();
    const foot = full.subarray(MiB);
    viewOf(foot).setUint32(8, 0);
    foot[84] = 1;
    viewOf(foot).setUint32(64, vhdChecksum(foot, 64));
    expect(codes(await check(memoryFile(full)))).toEqual([
      'warning:BAD_FEATURES',
      'warning:SAVED_STATE',
    ]);
  });
});

/** Edits both footers (at 0 and at the end) of a sparse image and fixes their checksums. */
function editFooters(bytes: Uint8Array, edit: (v: DataView) => void): Uint8Array {
  for (const at of [0, bytes.length - 512]) {
    const f = bytes.subarray(at, at + 512);
    edit(viewOf(f));
    viewOf(f).setUint32(64, vhdChecksum(f, 64));
  }
  return bytes;
}

/** Edits the header of a sparse image and fixes its checksum. */
function editHeader(bytes: Uint8Array, edit: (v: DataView, h: Uint8Array) => void): Uint8Array {
  const h = bytes.subarray(512, 1536);
  edit(viewOf(h), h);
  viewOf(h).setUint32(36, vhdChecksum(h, 36));
  return bytes;
}

describe('check finds every kind of problem it lists', () => {
  const dynamic = async () => (await baseImage('dynamic', MiB, 4096, 1)).bytes();
  const child = async () => childImage(await baseImage('dynamic', MiB, 4096, 1), 2);
  const cases: Array<[string, () => Promise<Uint8Array>]> = [
    [
      'error:UNSUPPORTED_VERSION',
      async () => editFooters(await dynamic(), (v) => v.setUint32(12, 0x20000)),
    ],
    ['error:BAD_DISK_TYPE', async () => editFooters(await dynamic(), (v) => v.setUint32(60, 5))],
    [
      'error:BAD_DATA_OFFSET',
      async () => editFooters(await dynamic(), (v) => v.setUint32(20, 1 << 30)),
    ],
    [
      'warning:UNALIGNED_SIZE',
      async () => editFooters(await dynamic(), (v) => v.setUint32(52, MiB - 1)),
    ],
    [
      'warning:GEOMETRY_EXCEEDS_SIZE',
      async () => editFooters(await dynamic(), (v) => v.setUint16(56, 60000)),
    ],
    ['warning:BAD_DATA_OFFSET', async () => editHeader(await dynamic(), (v) => v.setUint32(8, 0))],
    [
      'error:BAD_TABLE_OFFSET',
      async () => editHeader(await dynamic(), (v) => v.setUint32(20, 1 << 30)),
    ],
    ['error:BAD_FIELD', async () => editHeader(await dynamic(), (v) => v.setUint32(28, 10))],
    [
      'warning:UNALIGNED_TABLE',
      async () => editHeader(await dynamic(), (v) => v.setUint32(20, 1537)),
    ],
    [
      'error:OVERLAPPING_METADATA',
      async () => editHeader(await dynamic(), (v) => v.setUint32(20, 1024)),
    ],
    [
      'warning:NO_PARENT_NAME',
      async () => editHeader((await child()).bytes(), (_, h) => h.fill(0, 64, 576)),
    ],
    [
      'warning:PARENT_NAME_BYTE_ORDER',
      async () =>
        editHeader((await child()).bytes(), (_, h) => h.set(encodeUtf16('layer2.vhd', 'le'), 64)),
    ],
    [
      'warning:UNKNOWN_PLATFORM',
      async () => editHeader((await child()).bytes(), (v) => v.setUint32(576, 0x12345678)),
    ],
    [
      'warning:LOCATOR_SPACE',
      async () => editHeader((await child()).bytes(), (v) => v.setUint32(576 + 4, 0)),
    ],
    [
      'warning:NO_LOCATORS',
      async () =>
        editHeader((await child()).bytes(), (v) => {
          v.setUint32(576, 0);
          v.setUint32(600, 0);
        }),
    ],
  ];
  it.each(cases)('reports %s', async (code, make) => {
    const r = await check(memoryFile(await make()));
    expect(codes(r)).toContain(code);
    expect(r.ok).toBe(!r.problems.some((p) => p.severity === 'error'));
  });

  it('does not warn GEOMETRY_EXCEEDS_SIZE for the maximum geometry 65535/16/255, nor for a child made of it', async () => {
    const maxGeometry = (v: DataView) => {
      v.setUint16(56, 65535);
      v.setUint8(58, 16);
      v.setUint8(59, 255);
    };
    const parent = memoryFile(
      editFooters((await baseImage('dynamic', MiB, 2 * MiB, 1)).bytes(), maxGeometry),
    );
    expect(await check(parent)).toEqual({ ok: true, problems: [] });
    // createDifferencing copies the parent's geometry.
    const kid = await childImage(parent, 2);
    expect((await openImage(shared(kid))).footer.geometry).toEqual({
      cylinders: 65535,
      heads: 16,
      sectorsPerTrack: 255,
    });
    expect(await check(shared(kid), { openParent: async () => shared(parent) })).toEqual({
      ok: true,
      problems: [],
    });
    // One geometry short of the maximum is a real disagreement.
    const almost = editFooters(await dynamic(), (v) => {
      maxGeometry(v);
      v.setUint8(59, 254);
    });
    expect(codes(await check(memoryFile(almost)))).toEqual(['warning:GEOMETRY_EXCEEDS_SIZE']);
  });

  it('does not warn PARENT_TIMESTAMP_MISMATCH when the child records parent time 0 (not recorded)', async () => {
    const parent = await baseImage('dynamic', MiB, 4096, 1);
    const image = await openImage(shared(parent));
    const kid = memoryFile();
    await createDifferencing(kid, {
      ...deterministic(2),
      parent: {
        footer: image.footer,
        blockSizeBytes: 4096,
        modified: new Date(0),
        unicodeName: 'p.vhd',
        absolutePath: 'C:\\vms\\p.vhd',
      },
    });
    expect((await openImage(shared(kid))).parent?.timestamp).toBe(0);
    const opened = { file: shared(parent), modified: new Date('2030-01-01T00:00:00Z') };
    expect(await check(shared(kid), { openParent: async () => opened })).toEqual({
      ok: true,
      problems: [],
    });
    const chain = await openChain(shared(kid), { openParent: async () => opened });
    expect(chain.warnings).toEqual([]);
    // A recorded time that differs still warns.
    const recorded = await childImage(parent, 3);
    expect(codes(await check(shared(recorded), { openParent: async () => opened }))).toEqual([
      'warning:PARENT_TIMESTAMP_MISMATCH',
    ]);
  });

  it('reports warning:BYTES_BEFORE_FOOTER for a fixed image with bytes between its data and footer, as open warns', async () => {
    const bytes = (await baseImage('fixed', MiB, 0)).bytes();
    const longer = new Uint8Array(MiB + 1024 + 512);
    longer.set(bytes.subarray(0, MiB));
    longer.set(bytes.subarray(MiB), MiB + 1024);
    const r = await check(memoryFile(longer));
    expect(r).toEqual({
      ok: true,
      problems: [
        {
          code: 'BYTES_BEFORE_FOOTER',
          severity: 'warning',
          message: '1024 bytes between the data and the footer are ignored',
          offset: MiB,
        },
      ],
    });
    expect((await openImage(memoryFile(longer))).warnings).toEqual([r.problems[0]!.message]);
  });

  it('reports warning:PARENT_SIZE_MISMATCH for a parent with the recorded UUID but another size', async () => {
    // Same seed, same UUID: only the size differs.
    const other = await baseImage('dynamic', 2 * MiB, 4096, 1);
    const r = await check(shared(await child()), { openParent: async () => shared(other) });
    expect(codes(r)).toEqual(['warning:PARENT_SIZE_MISMATCH']);
  });
});
