import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { check } from '../check.js';
import { vhdTimestamp } from '../codec/timestamp.js';
import { formatUuid } from '../codec/uuid.js';
import { isVhdFormatError } from '../errors.js';
import { openChain } from '../image/chain.js';
import { openImage } from '../image/open.js';
import type { RandomAccessFile } from '../io.js';
import { baseImage, childImage, firstDifference, shared } from '../testing/images.js';
import { arbChainPlan, readWhole, writeChain } from '../testing/written-chain.js';
import { rebase } from './rebase.js';

const KiB = 1024;

/** The parent of a layer as `rebase` takes it, named `name`. */
async function parentAt(
  file: RandomAccessFile,
  name: string,
  modified = new Date('2026-03-04T05:06:07Z'),
) {
  const image = await openImage(shared(file));
  return {
    footer: image.footer,
    modified,
    unicodeName: name,
    absolutePath: `D:\\moved\\${name}`,
    relativePath: `..\\moved\\${name}`,
  };
}

/** Opens the chain over `child` finding parents only by the name the child records. */
function openByName(child: RandomAccessFile, files: Map<string, RandomAccessFile>) {
  return openChain(shared(child), {
    openParent: async (ref) => {
      const f = files.get(ref.unicodeName);
      return f === undefined ? undefined : shared(f);
    },
  });
}

describe('rebase', () => {
  it('after the parent is renamed, the child records the new name, paths and time and reads as before', async () => {
    const base = await baseImage('dynamic', 64 * KiB, 4 * KiB, 1);
    const w = await openChain(shared(base), { openParent: async () => undefined, writable: true });
    await w.write(new Uint8Array(10_000).fill(9), 3000);
    await w.close();
    const child = await childImage(base, 2, 'old.vhd');
    const before = await readWhole(await openByName(child, new Map([['old.vhd', base]])));
    await expect(openByName(child, new Map([['new.vhd', base]]))).rejects.toSatisfy((e) =>
      isVhdFormatError(e, 'PARENT_NOT_FOUND'),
    );
    const modified = new Date('2026-05-06T07:08:09Z');
    const result = await rebase(child, { parent: await parentAt(base, 'new.vhd', modified) });
    expect(result.uniqueIdChanged).toBe(false);
    expect(result.previous.unicodeName).toBe('old.vhd');
    expect(result.previous.locators.map((l) => l.path)).toEqual(['C:\\vms\\old.vhd', '.\\old.vhd']);
    const chain = await openByName(child, new Map([['new.vhd', base]]));
    expect(firstDifference(await readWhole(chain), before)).toBe(-1);
    const top = chain.layers[0]!;
    expect(top.parent?.unicodeName).toBe('new.vhd');
    expect(top.parent?.timestamp).toBe(vhdTimestamp(modified));
    expect(top.parent?.locators.map((l) => [l.platform, l.path])).toEqual([
      ['W2ku', 'D:\\moved\\new.vhd'],
      ['W2ru', '..\\moved\\new.vhd'],
    ]);
    await chain.close();
    const report = await check(shared(child));
    expect(report.problems).toEqual([]);
  });

  it('grows the file once: the next rebase puts its locators in the space the first one freed', async () => {
    const base = await baseImage('dynamic', 64 * KiB, 4 * KiB, 1);
    const child = await childImage(base, 2);
    const w = await openChain(shared(child), {
      openParent: async () => shared(base),
      writable: true,
    });
    await w.write(new Uint8Array(512).fill(1), 8192);
    await w.close();
    const size0 = await child.size();
    const first = await rebase(child, { parent: await parentAt(base, 'a.vhd') });
    expect(first.grownBy).toBeGreaterThan(0);
    expect(await child.size()).toBe(size0 + first.grownBy);
    const second = await rebase(child, { parent: await parentAt(base, 'b.vhd') });
    expect(second.grownBy).toBe(0);
    expect(second.locatorDataOffset).toBeLessThan(first.locatorDataOffset!);
    const third = await rebase(child, { parent: await parentAt(base, 'c.vhd') });
    expect(third.grownBy).toBe(0);
    expect((await check(shared(child))).problems).toEqual([]);
    const chain = await openByName(child, new Map([['c.vhd', base]]));
    const out = await readWhole(chain);
    expect(out.subarray(8192, 8704).every((b) => b === 1)).toBe(true);
    await chain.close();
  });

  it('refuses a parent with another UUID (PARENT_ID_MISMATCH) unless unsafe, which records the new UUID', async () => {
    const base = await baseImage('dynamic', 64 * KiB, 4 * KiB, 1);
    const other = await baseImage('dynamic', 64 * KiB, 4 * KiB, 7);
    const child = await childImage(base, 2);
    const bytes = child.bytes();
    await expect(rebase(child, { parent: await parentAt(other, 'o.vhd') })).rejects.toSatisfy((e) =>
      isVhdFormatError(e, 'PARENT_ID_MISMATCH'),
    );
    expect(firstDifference(child.bytes(), bytes)).toBe(-1);
    const result = await rebase(child, { parent: await parentAt(other, 'o.vhd'), unsafe: true });
    expect(result.uniqueIdChanged).toBe(true);
    const image = await openImage(shared(child));
    expect(formatUuid(image.parent!.uniqueId)).toBe(
      formatUuid((await openImage(shared(other))).footer.uniqueId),
    );
    const chain = await openByName(child, new Map([['o.vhd', other]]));
    await chain.close();
  });

  it('refuses an image that is not differencing, and a parent of another size, writing nothing', async () => {
    const base = await baseImage('dynamic', 64 * KiB, 4 * KiB, 1);
    const bigger = await baseImage('dynamic', 128 * KiB, 4 * KiB, 1);
    const child = await childImage(base, 2);
    const baseBytes = base.bytes();
    await expect(rebase(base, { parent: await parentAt(base, 'x.vhd') })).rejects.toSatisfy((e) =>
      isVhdFormatError(e, 'NOT_DIFFERENCING'),
    );
    expect(firstDifference(base.bytes(), baseBytes)).toBe(-1);
    const childBytes = child.bytes();
    await expect(
      rebase(child, { parent: await parentAt(bigger, 'x.vhd'), unsafe: true }),
    ).rejects.toSatisfy((e) => isVhdFormatError(e, 'INVALID_ARGUMENT'));
    expect(firstDifference(child.bytes(), childBytes)).toBe(-1);
  });

  it('writes the locator data and syncs it before the header that points at it', async () => {
    const base = await baseImage('dynamic', 64 * KiB, 4 * KiB, 1);
    const child = await childImage(base, 2);
    const calls: string[] = [];
    const spy: RandomAccessFile = {
      ...shared(child),
      write: async (b, p) => {
        calls.push(p === 512 ? 'header' : `write ${b.length}`);
        await child.write(b, p);
      },
      sync: async () => void calls.push('sync'),
    };
    await rebase(spy, { parent: await parentAt(base, 'n.vhd') });
    expect(calls).toEqual(['write 512', 'write 1024', 'sync', 'header', 'sync']);
  });

  it('stops with ABORTED before writing when the signal has fired', async () => {
    const base = await baseImage('dynamic', 64 * KiB, 4 * KiB, 1);
    const child = await childImage(base, 2);
    const bytes = child.bytes();
    await expect(
      rebase(child, { parent: await parentAt(base, 'n.vhd'), signal: { aborted: true } }),
    ).rejects.toSatisfy((e) => isVhdFormatError(e, 'ABORTED'));
    expect(firstDifference(child.bytes(), bytes)).toBe(-1);
  });

  it('property: rebasing any layer of a random chain onto its renamed parent keeps every read, and no parent byte changes', async () => {
    await fc.assert(
      fc.asyncProperty(arbChainPlan(2), fc.nat(), async (plan, pick) => {
        const chain = await writeChain(plan);
        const layer = 1 + (pick % (chain.files.length - 1));
        const lower = chain.files.slice(0, layer).map((f) => f.bytes());
        const files = new Map<string, RandomAccessFile>();
        // A child of seed k records its parent as `layer{k}.vhd` (testing/images.ts).
        for (const [i, f] of chain.files.entries()) {
          files.set(i === layer - 1 ? 'renamed.vhd' : `layer${i + 2}.vhd`, f);
        }
        await rebase(chain.files[layer]!, {
          parent: await parentAt(chain.files[layer - 1]!, 'renamed.vhd'),
        });
        const top = chain.files[chain.files.length - 1]!;
        const opened = await openByName(top, files);
        expect(firstDifference(await readWhole(opened), chain.model)).toBe(-1);
        await opened.close();
        for (const [i, bytes] of lower.entries()) {
          expect(firstDifference(chain.files[i]!.bytes(), bytes)).toBe(-1);
        }
      }),
      { numRuns: 40 },
    );
  });
});
