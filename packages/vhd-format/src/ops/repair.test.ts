import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../check.js';
import { isVhdFormatError } from '../errors.js';
import { openChain } from '../image/chain.js';
import { memoryFile } from '../io.js';
import { DAMAGE_KINDS, type DamageKind, damage, FIXED_DAMAGE_KINDS } from '../testing/damage.js';
import { baseImage, firstDifference, shared } from '../testing/images.js';
import { arbChainPlan, readWhole, writeChain } from '../testing/written-chain.js';
import { repair } from './repair.js';

const KiB = 1024;

const EXPECTED: Record<DamageKind, string[]> = {
  'trailing-footer-zeroed': ['footer-rewritten'],
  'footer-checksum-stale': ['footer-rewritten'],
  'header-checksum-stale': ['header-checksum-fixed'],
  'copy-damaged': ['footer-copy-rewritten'],
  'bytes-before-footer': ['trailing-bytes-truncated'],
  'entry-past-end': ['bat-entry-cleared'],
};

async function dynamicWithData() {
  const image = await baseImage('dynamic', 64 * KiB, 4 * KiB, 1);
  const chain = await openChain(shared(image), {
    openParent: async () => undefined,
    writable: true,
  });
  await chain.write(new Uint8Array(10_000).fill(3), 5000);
  await chain.close();
  return image;
}

async function readLeniently(file: ReturnType<typeof memoryFile>) {
  const chain = await openChain(shared(file), { openParent: async () => undefined });
  const bytes = await readWhole(chain);
  await chain.close();
  return bytes;
}

describe('repair', () => {
  for (const kind of DAMAGE_KINDS) {
    it(`mends ${kind}: the change reported, the image strict and clean, every byte as before`, async () => {
      const image = await dynamicWithData();
      const want = await readLeniently(image);
      const sound = image.bytes();
      await damage(image, kind);
      // Bytes between the last block and the footer are no fault to check; repair gives them back.
      expect((await check(shared(image))).ok).toBe(kind === 'bytes-before-footer');
      const damaged = image.bytes();
      const dry = await repair(image, { dryRun: true });
      expect(dry.dryRun).toBe(true);
      expect(firstDifference(image.bytes(), damaged)).toBe(-1);
      const result = await repair(image);
      expect(result.changes.map((c) => c.kind)).toEqual(EXPECTED[kind]);
      expect(dry.changes).toEqual(result.changes);
      expect(result.remaining).toEqual([]);
      expect((await check(shared(image))).problems).toEqual([]);
      const strict = await openChain(shared(image), {
        openParent: async () => undefined,
        strict: true,
      });
      expect(firstDifference(await readWhole(strict), want)).toBe(-1);
      await strict.close();
      if (kind !== 'entry-past-end') expect(firstDifference(image.bytes(), sound)).toBe(-1);
      expect((await repair(image)).changes).toEqual([]);
    });
  }

  for (const kind of FIXED_DAMAGE_KINDS) {
    it(`mends a fixed image's ${kind}`, async () => {
      const image = await baseImage('fixed', 64 * KiB, 0, 1);
      const sound = image.bytes();
      await damage(image, kind);
      const result = await repair(image);
      expect(result.changes.map((c) => c.kind)).toEqual(EXPECTED[kind]);
      expect(firstDifference(image.bytes(), sound)).toBe(-1);
    });
  }

  it('gives back the zeros after the footer of a fixed image (a grow cut short), reads unchanged', async () => {
    const image = await baseImage('fixed', 64 * KiB, 0, 1);
    const sound = image.bytes();
    await image.write(new Uint8Array(16 * KiB), 64 * KiB + 512);
    expect((await check(shared(image))).ok).toBe(false);
    const result = await repair(image);
    expect(result.changes).toEqual([
      {
        kind: 'trailing-bytes-truncated',
        offset: 64 * KiB,
        detail: `${16 * KiB} bytes between the end of the data at ${64 * KiB} and the end of the file given back; the footer written at ${64 * KiB}`,
      },
    ]);
    expect(result.remaining).toEqual([]);
    expect(firstDifference(image.bytes(), sound)).toBe(-1);
  });

  it('finds nothing to do in a sound image, and refuses a file with no footer at all (UNREPAIRABLE)', async () => {
    const image = await dynamicWithData();
    const bytes = image.bytes();
    expect(await repair(image)).toEqual({ changes: [], dryRun: false, remaining: [] });
    expect(firstDifference(image.bytes(), bytes)).toBe(-1);
    const junk = memoryFile(new Uint8Array(4096).fill(7));
    await expect(repair(junk)).rejects.toSatisfy((e) => isVhdFormatError(e, 'UNREPAIRABLE'));
  });

  it('property: any mix of mendable damage on any layer of a random chain is mended; reads and the other layers unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(
        arbChainPlan(1),
        fc.nat(),
        fc.subarray([...DAMAGE_KINDS], { minLength: 1 }),
        async (plan, pick, kinds) => {
          const chain = await writeChain(plan);
          const layer = pick % chain.files.length;
          const fixed = plan.base === 'fixed' && layer === 0;
          const applied = fixed ? kinds.filter((k) => FIXED_DAMAGE_KINDS.includes(k)) : kinds;
          const others = chain.files.map((f) => f.bytes());
          // (entry-past-end finds no unused entry in a table of one: then it changes nothing.)
          let damaged = false;
          for (const kind of applied)
            damaged = (await damage(chain.files[layer]!, kind)) || damaged;
          if (applied.includes('trailing-footer-zeroed') && applied.includes('copy-damaged')) {
            // No footer left at either end: nothing to rebuild from.
            await expect(repair(chain.files[layer]!)).rejects.toSatisfy((e) =>
              isVhdFormatError(e, 'UNREPAIRABLE'),
            );
            return;
          }
          const result = await repair(chain.files[layer]!);
          expect(result.changes.length > 0).toBe(damaged);
          expect(result.remaining.filter((p) => p.severity === 'error')).toEqual([]);
          expect(firstDifference(await readWhole(await chain.open()), chain.model)).toBe(-1);
          for (const [i, bytes] of others.entries()) {
            if (i !== layer) expect(firstDifference(chain.files[i]!.bytes(), bytes)).toBe(-1);
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
