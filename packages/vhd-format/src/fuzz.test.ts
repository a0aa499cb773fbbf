import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from './check.js';
import { viewOf } from './codec/bytes.js';
import { vhdChecksum } from './codec/checksum.js';
import { isVhdFormatError, type VhdFormatError } from './errors.js';
import { openChain } from './image/chain.js';
import { openImage } from './image/open.js';
import { memoryFile } from './io.js';
import { baseImage, childImage, MemoryImages, shared } from './testing/images.js';

const MiB = 2 ** 20;

/** Valid images to mutate: a filled dynamic disk, a child over it, a fixed disk. */
async function samples() {
  const images = new MemoryImages();
  const dynamic = await baseImage('dynamic', MiB, 4096, 1);
  const w = await images.open(dynamic);
  await w.write(new Uint8Array(9000).fill(0x5a), 3000);
  await w.close();
  await images.add(dynamic);
  const child = await childImage(dynamic, 2);
  const c = await images.open(child);
  await c.write(new Uint8Array(700).fill(0x33), 4000);
  await c.close();
  const fixed = await baseImage('fixed', 64 * 1024, 0, 3);
  return { parent: dynamic.bytes(), all: [dynamic.bytes(), child.bytes(), fixed.bytes()] };
}

type Mutation =
  | { kind: 'flip'; at: number; bit: number; fromEnd: boolean }
  | { kind: 'truncate'; length: number }
  | { kind: 'field'; at: number; value: number; fromEnd: boolean; fixChecksum: boolean };

const arbMutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('flip' as const),
    at: fc.oneof(fc.nat(2600), fc.nat(40_000)),
    bit: fc.nat(7),
    fromEnd: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('truncate' as const), length: fc.nat(20_000) }),
  fc.record({
    kind: fc.constant('field' as const),
    at: fc.oneof(
      fc.constantFrom(8, 12, 16, 20, 24, 40, 44, 48, 52, 56, 60, 64),
      fc.constantFrom(
        512 + 8,
        512 + 12,
        512 + 16,
        512 + 20,
        512 + 28,
        512 + 32,
        512 + 576,
        512 + 580,
        512 + 584,
        512 + 596,
      ),
      fc.integer({ min: 1536, max: 1600 }).map((n) => n & ~3),
    ),
    value: fc.oneof(
      fc.constantFrom(
        0,
        1,
        2,
        3,
        4,
        5,
        511,
        512,
        0x1000,
        0x200000,
        0x7fffffff,
        0xfffffffe,
        0xffffffff,
      ),
      fc.integer({ min: 0, max: 0xffffffff }),
    ),
    fromEnd: fc.boolean(),
    fixChecksum: fc.boolean(),
  }),
);

function mutate(source: Uint8Array, mutations: Mutation[]): Uint8Array {
  let b = source.slice();
  for (const m of mutations) {
    if (m.kind === 'truncate') {
      b = b.slice(0, Math.min(b.length, m.length));
      continue;
    }
    const at = m.fromEnd ? b.length - 512 + (m.at % 512) : m.at;
    if (m.kind === 'flip') {
      if (at >= 0 && at < b.length) b[at]! ^= 1 << m.bit;
      continue;
    }
    if (at < 0 || at + 4 > b.length) continue;
    viewOf(b).setUint32(at, m.value);
    if (m.fixChecksum) {
      // Recompute the checksum of the structure the field belongs to.
      const footerAt = m.fromEnd ? b.length - 512 : at < 512 ? 0 : -1;
      if (footerAt >= 0 && footerAt + 512 <= b.length) {
        const f = b.subarray(footerAt, footerAt + 512);
        viewOf(f).setUint32(64, vhdChecksum(f, 64));
      } else if (at >= 512 && at < 1536 && b.length >= 1536) {
        const h = b.subarray(512, 1536);
        viewOf(h).setUint32(36, vhdChecksum(h, 36));
      }
    }
  }
  return b;
}

/** Runs `f`; any error must be a VhdFormatError. */
async function tolerated(f: () => Promise<unknown>): Promise<boolean> {
  try {
    await f();
    return true;
  } catch (e) {
    if (!isVhdFormatError(e)) throw e;
    return false;
  }
}

/** The VhdFormatError `f` rejects with, or undefined when it resolves. */
async function refusalOf(f: () => Promise<unknown>): Promise<VhdFormatError | undefined> {
  try {
    await f();
    return undefined;
  } catch (e) {
    if (!isVhdFormatError(e)) throw e;
    return e;
  }
}

describe('bad input', () => {
  it('mutated images open, read, write and check, or fail with VhdFormatError only', async () => {
    const { parent, all } = await samples();
    await fc.assert(
      fc.asyncProperty(
        fc.nat(all.length - 1),
        fc.array(arbMutation, { minLength: 1, maxLength: 4 }),
        fc.nat(),
        async (which, mutations, seed) => {
          const bytes = mutate(all[which]!, mutations);
          const openParent = async () => memoryFile(parent);
          for (const strict of [false, true]) {
            await tolerated(async () => {
              const image = await openImage(memoryFile(bytes), { strict });
              expect(image.virtualSize).toBeGreaterThanOrEqual(0);
            });
          }
          await tolerated(async () => {
            const chain = await openChain(memoryFile(bytes), { openParent, writable: true });
            const size = chain.virtualSize;
            const head = new Uint8Array(Math.min(size, 64 * 1024));
            await tolerated(() => chain.read(head, 0));
            if (size > 0) {
              const at = seed % size;
              const n = Math.min(size - at, 3000);
              await tolerated(() => chain.read(new Uint8Array(n), at));
              await tolerated(() => chain.write(new Uint8Array(n).fill(7), at));
              const back = new Uint8Array(n);
              if (await tolerated(() => chain.read(back, at))) {
                expect(back.every((x) => x === 7)).toBe(true);
              }
            }
            await chain.close();
          });
          const r = await check(memoryFile(bytes), { openParent });
          expect(r.ok).toBe(r.problems.every((p) => p.severity === 'warning'));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a damaged image openImage refuses is reported by check, with the same code and message', async () => {
    const { all } = await samples();
    await fc.assert(
      fc.asyncProperty(
        fc.nat(all.length - 1),
        fc.array(arbMutation, { minLength: 1, maxLength: 3 }),
        async (which, mutations) => {
          const bytes = mutate(all[which]!, mutations);
          const r = await check(memoryFile(bytes));
          for (const strict of [true, false]) {
            const refusal = await refusalOf(() => openImage(memoryFile(bytes), { strict }));
            if (refusal === undefined) continue;
            const same = r.problems.find(
              (p) => p.code === refusal.code && p.message === refusal.detail,
            );
            expect(same).toBeDefined();
            // What even a lenient open refuses is an error, never a warning.
            if (!strict) expect(same?.severity).toBe('error');
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('unchanged samples check clean', async () => {
    const { all, parent } = await samples();
    for (const bytes of all) {
      const r = await check(memoryFile(bytes), {
        openParent: async () => shared(memoryFile(parent)),
      });
      expect(r).toEqual({ ok: true, problems: [] });
    }
  });
});
