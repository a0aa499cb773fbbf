import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHUNK_BYTES, SparseContent } from './sparse-content.js';

type Step =
  | { kind: 'write'; position: number; data: Uint8Array }
  | { kind: 'truncate'; length: number }
  | { kind: 'sync' };

const limit = 3 * CHUNK_BYTES + 100;
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('write' as const),
    position: fc.oneof(
      fc.nat(limit),
      fc.constantFrom(CHUNK_BYTES - 1, CHUNK_BYTES, 2 * CHUNK_BYTES),
    ),
    data: fc.oneof(
      fc.uint8Array({ maxLength: 300 }),
      fc.integer({ min: 0, max: CHUNK_BYTES + 10 }).map((n) => new Uint8Array(n).fill(7)),
      fc.integer({ min: 0, max: CHUNK_BYTES + 10 }).map((n) => new Uint8Array(n)),
      fc.constant(new Uint8Array(CHUNK_BYTES).fill(0xff)),
    ),
  }),
  fc.record({ kind: fc.constant('truncate' as const), length: fc.nat(limit) }),
  fc.record({ kind: fc.constant('sync' as const) }),
);

/** A plain byte array that does what a sparse content must. */
class Model {
  bytes = new Uint8Array(0);
  durable = new Uint8Array(0);
  resize(target: 'bytes' | 'durable', length: number): void {
    const next = new Uint8Array(length);
    next.set(this[target].subarray(0, length));
    this[target] = next;
  }
  apply(s: Step): void {
    if (s.kind === 'write') {
      const end = s.position + s.data.length;
      if (s.data.length === 0) return;
      if (end > this.bytes.length) this.resize('bytes', end);
      this.bytes.set(s.data, s.position);
    } else if (s.kind === 'truncate') {
      this.resize('bytes', s.length);
      this.resize('durable', Math.min(this.durable.length, s.length));
    } else this.durable = this.bytes.slice();
  }
  /** Durable bytes at today's size. */
  durableNow(): Uint8Array {
    const out = new Uint8Array(this.bytes.length);
    out.set(this.durable.subarray(0, out.length));
    return out;
  }
}

function apply(content: SparseContent, s: Step): void {
  if (s.kind === 'write') {
    if (s.data.length > 0) content.write(s.data, s.position);
  } else if (s.kind === 'truncate') content.truncate(s.length);
  else content.sync();
}

function all(content: SparseContent): Uint8Array {
  const out = new Uint8Array(content.size);
  expect(content.read(out, 0)).toBe(content.size);
  return out;
}

describe('SparseContent', () => {
  it('reads back exactly what a plain byte array holds, and its durable copy what was synced', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 12 }), (steps) => {
        const content = new SparseContent();
        const model = new Model();
        for (const s of steps) {
          apply(content, s);
          model.apply(s);
        }
        expect(content.size).toBe(model.bytes.length);
        expect(Buffer.compare(all(content), model.bytes)).toBe(0);
        expect(Buffer.compare(all(content.durable()), model.durableNow())).toBe(0);
      }),
      { numRuns: 150 },
    );
  });

  it('keeps a durable copy and its source independent, whatever either does next', () => {
    fc.assert(
      fc.property(
        fc.array(step, { maxLength: 8 }),
        fc.array(step, { maxLength: 8 }),
        fc.array(step, { maxLength: 8 }),
        (first, onSource, onCopy) => {
          const source = new SparseContent();
          const model = new Model();
          for (const s of first) {
            apply(source, s);
            model.apply(s);
          }
          const copy = source.durable();
          const copyModel = new Model();
          copyModel.bytes = new Uint8Array(model.durableNow());
          copyModel.durable = new Uint8Array(model.durableNow());
          for (let i = 0; i < Math.max(onSource.length, onCopy.length); i++) {
            const a = onSource[i];
            const b = onCopy[i];
            if (a !== undefined) {
              apply(source, a);
              model.apply(a);
            }
            if (b !== undefined) {
              apply(copy, b);
              copyModel.apply(b);
            }
          }
          expect(Buffer.compare(all(source), model.bytes)).toBe(0);
          expect(Buffer.compare(all(source.durable()), model.durableNow())).toBe(0);
          expect(Buffer.compare(all(copy), copyModel.bytes)).toBe(0);
          expect(Buffer.compare(all(copy.durable()), copyModel.durableNow())).toBe(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('gives equal digests for equal bytes however they were written', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 8 }), (steps) => {
        const content = new SparseContent();
        for (const s of steps) apply(content, s);
        const rewritten = new SparseContent();
        rewritten.write(all(content), 0);
        rewritten.truncate(content.size);
        expect(rewritten.digest()).toBe(content.digest());
      }),
      { numRuns: 100 },
    );
  });

  it('gives different digests for different bytes or sizes', () => {
    const a = new SparseContent();
    a.write(Uint8Array.of(1), 5);
    const b = new SparseContent();
    b.write(Uint8Array.of(2), 5);
    const c = new SparseContent();
    c.write(Uint8Array.of(1), 5);
    c.truncate(7);
    expect(new Set([a.digest(), b.digest(), c.digest()]).size).toBe(3);
  });

  it('keeps all-zero writes and huge sizes out of memory', () => {
    const content = new SparseContent();
    content.truncate(2040 * 2 ** 30);
    content.write(new Uint8Array(4 * CHUNK_BYTES), 2 ** 40);
    expect(content.storedBytes).toBe(0);
    content.write(Uint8Array.of(1), 2 ** 40 + 3);
    expect(content.storedBytes).toBe(CHUNK_BYTES);
    const probe = new Uint8Array(5);
    content.read(probe, 2 ** 40);
    expect([...probe]).toEqual([0, 0, 0, 1, 0]);
  });

  it('keeps contents that hold the same chunk of one repeated byte independent', () => {
    const ones = new Uint8Array(2 * CHUNK_BYTES).fill(0xff);
    const a = new SparseContent();
    const b = new SparseContent();
    a.write(ones, 0);
    b.write(ones, 0);
    ones.fill(1);
    a.write(Uint8Array.of(5), 10);
    a.sync();
    a.write(Uint8Array.of(6), CHUNK_BYTES + 10);
    b.truncate(CHUNK_BYTES + 20);
    b.sync();
    b.write(Uint8Array.of(7), 20);
    const bytesOf = (content: SparseContent) => all(content);
    const expectedA = new Uint8Array(2 * CHUNK_BYTES).fill(0xff);
    expectedA[10] = 5;
    expectedA[CHUNK_BYTES + 10] = 6;
    const expectedB = new Uint8Array(CHUNK_BYTES + 20).fill(0xff);
    expectedB[20] = 7;
    expect(Buffer.compare(bytesOf(a), expectedA)).toBe(0);
    expect(Buffer.compare(bytesOf(b), expectedB)).toBe(0);
    const fresh = new SparseContent();
    fresh.write(new Uint8Array(CHUNK_BYTES).fill(0xff), 0);
    expect(all(fresh).every((byte) => byte === 0xff)).toBe(true);
    const durableA = all(a.durable());
    expect(durableA[10]).toBe(5);
    expect(durableA[CHUNK_BYTES + 10]).toBe(0xff);
  });

  it('reads zeros again after a cut and a regrow', () => {
    const content = new SparseContent();
    content.write(new Uint8Array(100).fill(5), 0);
    content.truncate(10);
    content.truncate(100);
    const out = all(content);
    expect(out.subarray(0, 10).every((b) => b === 5)).toBe(true);
    expect(out.subarray(10).every((b) => b === 0)).toBe(true);
  });
});

describe('SparseContent digest', () => {
  it('is computed again after every change of the bytes or the size, and equals the digest of the same bytes written afresh', () => {
    const content = new SparseContent();
    const first = content.digest();
    content.write(Uint8Array.of(1, 2, 3), 10);
    const written = content.digest();
    expect(written).not.toBe(first);
    expect(content.digest()).toBe(written);
    const same = new SparseContent();
    same.write(Uint8Array.of(1, 2, 3), 10);
    expect(same.digest()).toBe(written);
    content.write(Uint8Array.of(9), 0);
    expect(content.digest()).not.toBe(written);
    content.truncate(5);
    const cut = new SparseContent();
    cut.write(Uint8Array.of(9, 0, 0, 0, 0), 0);
    expect(content.digest()).toBe(cut.digest());
    content.size = 7;
    cut.truncate(7);
    expect(content.digest()).toBe(cut.digest());
  });
});
