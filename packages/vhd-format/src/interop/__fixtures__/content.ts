/** Deterministic test content, an independent CHS oracle, and byte comparison helpers. */

/**
 * Fills `bytes` with a reproducible pseudo-random stream (xorshift32) from `seed`, so a failing
 * comparison can be replayed.
 */
export function fillSeeded(bytes: Uint8Array, seed: number): Uint8Array {
  let x = seed >>> 0 || 0x9e3779b9;
  const words = Math.floor(bytes.length / 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let i = 0; i < words; i++) {
    x = xorshift32(x);
    view.setUint32(i * 4, x);
  }
  for (let i = words * 4; i < bytes.length; i++) bytes[i] = (x >>> ((i % 4) * 8)) & 0xff;
  return bytes;
}

/** `length` seeded pseudo-random bytes. */
export function seededBytes(length: number, seed: number): Uint8Array {
  return fillSeeded(new Uint8Array(length), seed);
}

/** A small seeded generator of integers in [0, n). */
export function seededInts(seed: number): (n: number) => number {
  let x = seed >>> 0 || 1;
  return (n) => {
    x = xorshift32(x);
    return x % n;
  };
}

/** One step of Marsaglia's xorshift32 (13, 17, 5). */
function xorshift32(x: number): number {
  let y = (x ^ (x << 13)) >>> 0;
  y ^= y >>> 17;
  y ^= y << 5;
  return y >>> 0;
}

/**
 * The CHS capacity in bytes the VHD spec appendix gives for a size, written out here from the
 * spec text (not from the engine) so qemu's CHS-derived sizes are checked against an
 * independent computation. It repeats the algorithm of `geometryForSize` (src/geometry.ts) on
 * purpose: an oracle that called the engine would agree with the engine's own mistakes, so do not
 * replace it with a call.
 */
export function specChsCapacity(sizeBytes: number): number {
  const totalSectors = Math.min(Math.floor(sizeBytes / 512), 65535 * 16 * 255);
  let sectors: number;
  let heads: number;
  let cylinderTimesHeads: number;
  if (totalSectors >= 65535 * 16 * 63) {
    sectors = 255;
    heads = 16;
    cylinderTimesHeads = Math.floor(totalSectors / sectors);
  } else {
    sectors = 17;
    cylinderTimesHeads = Math.floor(totalSectors / sectors);
    heads = Math.max(4, Math.floor((cylinderTimesHeads + 1023) / 1024));
    if (cylinderTimesHeads >= heads * 1024 || heads > 16) {
      sectors = 31;
      heads = 16;
      cylinderTimesHeads = Math.floor(totalSectors / sectors);
    }
    if (cylinderTimesHeads >= heads * 1024) {
      sectors = 63;
      heads = 16;
      cylinderTimesHeads = Math.floor(totalSectors / sectors);
    }
  }
  const cylinders = Math.floor(cylinderTimesHeads / heads);
  return cylinders * heads * sectors * 512;
}

/**
 * The first offset where `a` and `b` differ within `[0, length)`, or -1; with the bytes there, so
 * a failure message shows where a peer disagrees instead of dumping megabytes.
 */
export function firstDifference(
  a: Uint8Array,
  b: Uint8Array,
  length = Math.max(a.length, b.length),
): { offset: number; a: number | undefined; b: number | undefined } | undefined {
  for (let i = 0; i < length; i++) {
    if (a[i] !== b[i]) return { offset: i, a: a[i], b: b[i] };
  }
  return undefined;
}

/** The 512-byte sectors (indexes) where `a` and `b` differ within `[0, length)`. */
export function differingSectors(a: Uint8Array, b: Uint8Array, length: number): number[] {
  const out: number[] = [];
  for (let s = 0; s * 512 < length; s++) {
    const end = Math.min(length, (s + 1) * 512);
    for (let i = s * 512; i < end; i++) {
      if (a[i] !== b[i]) {
        out.push(s);
        break;
      }
    }
  }
  return out;
}

/** One write: `bytes` at `offset` of the virtual disk. */
export interface Write {
  readonly offset: number;
  readonly bytes: Uint8Array;
}

/** Applies `writes` in order to a plain byte array: the model every reading is compared with. */
export function applyWrites(model: Uint8Array, writes: readonly Write[]): Uint8Array {
  for (const w of writes) model.set(w.bytes, w.offset);
  return model;
}

/**
 * `count` seeded writes of 1..`maxLength` bytes at any byte offset inside `[0, size)`. With
 * `endAlign`, every write ends on a multiple of `endAlign` (or at `size`), so a differencing
 * layer's written-sector runs end there too.
 */
export function seededWrites(o: {
  seed: number;
  size: number;
  count: number;
  maxLength: number;
  endAlign?: number;
}): Write[] {
  const next = seededInts(o.seed);
  const writes: Write[] = [];
  for (let i = 0; i < o.count; i++) {
    let offset = next(o.size);
    let end = Math.min(o.size, offset + 1 + next(o.maxLength));
    if (o.endAlign !== undefined) {
      end = Math.min(o.size, Math.ceil(end / o.endAlign) * o.endAlign);
      if (end <= offset) offset = Math.max(0, end - o.endAlign);
    }
    writes.push({ offset, bytes: seededBytes(end - offset, o.seed * 1000 + i) });
  }
  return writes;
}
