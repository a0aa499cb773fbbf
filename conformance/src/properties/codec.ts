/**
 * Codec laws of @vskit/vhd-format, judged against the suite's own byte builders: footers and
 * dynamic headers round-trip byte for byte; a single changed byte gives one specific error code
 * (a cookie byte BAD_COOKIE / BAD_HEADER_COOKIE, any other byte BAD_CHECKSUM, a short buffer
 * TRUNCATED); geometry follows the specification's algorithm; timestamps round-trip.
 * These check the codec every subject's files are read with, whatever the subject.
 * @module
 */
import {
  chsCapacity,
  dateFromVhdTimestamp,
  decodeDynamicHeader,
  decodeFooter,
  encodeDynamicHeader,
  encodeFooter,
  geometryForSize,
  isVhdFormatError,
  vhdTimestamp,
} from '@vskit/vhd-format';
import fc from 'fast-check';
import { buildDynamicHeader, buildFooter, geometryBytes } from '../_internal/vhd-bytes.js';
import { MAX_SIZE_BYTES } from '../model.js';
import { defineProperty } from '../property.js';

const same = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);

const footerArb = fc
  .record({
    diskType: fc.constantFrom(2 as const, 3 as const, 4 as const),
    sectors: fc.integer({ min: 1, max: MAX_SIZE_BYTES / 512 - 1 }),
    timestamp: fc.nat({ max: 2 ** 32 - 1 }),
    uniqueId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
  })
  .map((f) =>
    buildFooter({
      diskType: f.diskType,
      sizeBytes: f.sectors * 512,
      timestamp: f.timestamp,
      uniqueId: f.uniqueId,
    }),
  );

const headerArb = fc
  .record({
    sectors: fc.integer({ min: 1, max: MAX_SIZE_BYTES / 512 - 1 }),
    blockShift: fc.integer({ min: 9, max: 28 }),
  })
  .map((h) => buildDynamicHeader(h.sectors * 512, 2 ** h.blockShift));

/** A single changed byte: where, and by how much (never zero). */
interface Flip {
  readonly at: number;
  readonly delta: number;
}

/** A {@link Flip} anywhere in `size` bytes. */
const flipArb = (size: number): fc.Arbitrary<Flip> =>
  fc.record({ at: fc.nat({ max: size - 1 }), delta: fc.integer({ min: 1, max: 255 }) });

function codeOf(run: () => unknown): string {
  try {
    run();
    return 'none';
  } catch (error) {
    return isVhdFormatError(error) ? error.code : `not a VhdFormatError: ${String(error)}`;
  }
}

/** Footer and header codec laws and single-byte corruptions. */
export const codecStructures = defineProperty({
  name: 'codec.structures',
  covers: [
    'CODEC.footer.round-trip',
    'CODEC.header.round-trip',
    'CODEC.footer.bad-cookie',
    'CODEC.footer.bad-checksum',
    'CODEC.footer.truncated',
    'CODEC.header.bad-cookie',
    'CODEC.header.bad-checksum',
  ],
  primary: 'CODEC.footer.round-trip',
  arbitrary: () =>
    fc.record({
      footer: footerArb,
      header: headerArb,
      footerFlip: flipArb(512),
      headerFlip: flipArb(1024),
      cut: fc.nat({ max: 511 }),
    }),
  aimAt(id) {
    // a flip inside or outside the 8-byte cookie, for the corruption a requirement names
    const inside = fc.record({ at: fc.nat({ max: 7 }), delta: fc.integer({ min: 1, max: 255 }) });
    const outside = (size: number) =>
      fc.record({
        at: fc.integer({ min: 8, max: size - 1 }),
        delta: fc.integer({ min: 1, max: 255 }),
      });
    const flips: Record<string, [fc.Arbitrary<Flip>, fc.Arbitrary<Flip>]> = {
      'CODEC.footer.bad-cookie': [inside, flipArb(1024)],
      'CODEC.footer.bad-checksum': [outside(512), flipArb(1024)],
      'CODEC.header.bad-cookie': [flipArb(512), inside],
      'CODEC.header.bad-checksum': [flipArb(512), outside(1024)],
    };
    const pair = flips[id];
    if (pair === undefined) return undefined;
    return fc.record({
      footer: footerArb,
      header: headerArb,
      footerFlip: pair[0],
      headerFlip: pair[1],
      cut: fc.nat({ max: 511 }),
    });
  },
  async check(_subject, v, ctx) {
    ctx.exercise('CODEC.footer.round-trip');
    let again: Uint8Array | undefined;
    try {
      again = encodeFooter(decodeFooter(v.footer));
    } catch (error) {
      ctx.fail('CODEC.footer.round-trip', `a valid footer was refused: ${String(error)}`);
    }
    ctx.expect(
      'CODEC.footer.round-trip',
      same(again ?? new Uint8Array(0), v.footer),
      () => 'encode(decode(footer)) differs from the footer',
    );
    ctx.exercise('CODEC.header.round-trip');
    let header: Uint8Array | undefined;
    try {
      header = encodeDynamicHeader(decodeDynamicHeader(v.header));
    } catch (error) {
      ctx.fail('CODEC.header.round-trip', `a valid header was refused: ${String(error)}`);
    }
    ctx.expect(
      'CODEC.header.round-trip',
      same(header ?? new Uint8Array(0), v.header),
      () => 'encode(decode(header)) differs from the header',
    );

    const footer = v.footer.slice();
    footer[v.footerFlip.at] = ((footer[v.footerFlip.at] as number) + v.footerFlip.delta) & 0xff;
    const inCookie = v.footerFlip.at < 8;
    const footerId = inCookie ? 'CODEC.footer.bad-cookie' : 'CODEC.footer.bad-checksum';
    const footerCode = codeOf(() => decodeFooter(footer));
    ctx.exercise(footerId);
    ctx.expect(
      footerId,
      footerCode === (inCookie ? 'BAD_COOKIE' : 'BAD_CHECKSUM'),
      () => `byte ${v.footerFlip.at} changed: ${footerCode}`,
    );

    const hdr = v.header.slice();
    hdr[v.headerFlip.at] = ((hdr[v.headerFlip.at] as number) + v.headerFlip.delta) & 0xff;
    const inHeaderCookie = v.headerFlip.at < 8;
    const headerId = inHeaderCookie ? 'CODEC.header.bad-cookie' : 'CODEC.header.bad-checksum';
    const headerCode = codeOf(() => decodeDynamicHeader(hdr));
    ctx.exercise(headerId);
    ctx.expect(
      headerId,
      headerCode === (inHeaderCookie ? 'BAD_HEADER_COOKIE' : 'BAD_CHECKSUM'),
      () => `header byte ${v.headerFlip.at} changed: ${headerCode}`,
    );

    ctx.exercise('CODEC.footer.truncated');
    const cutCode = codeOf(() => decodeFooter(v.footer.subarray(0, v.cut)));
    ctx.expect(
      'CODEC.footer.truncated',
      cutCode === 'TRUNCATED',
      () => `a ${v.cut}-byte footer: ${cutCode}`,
    );
  },
});

/** Geometry and timestamps. */
export const codecNumbers = defineProperty({
  name: 'codec.numbers',
  covers: ['CODEC.geometry', 'CODEC.timestamp'],
  primary: 'CODEC.geometry',
  arbitrary: () =>
    fc.record({
      sectors: fc.oneof(
        fc.integer({ min: 1, max: 65535 * 16 * 255 + 1000 }),
        fc.integer({ min: 1, max: MAX_SIZE_BYTES / 512 }),
      ),
      seconds: fc.nat({ max: 2 ** 32 - 1 }),
    }),
  async check(_subject, v, ctx) {
    const size = v.sectors * 512;
    const g = geometryForSize(size);
    const want = geometryBytes(size);
    ctx.exercise('CODEC.geometry');
    ctx.expect(
      'CODEC.geometry',
      g.cylinders === (((want[0] as number) << 8) | (want[1] as number)) &&
        g.heads === want[2] &&
        g.sectorsPerTrack === want[3] &&
        chsCapacity(g) <= size &&
        g.cylinders <= 65535 &&
        g.heads <= 16 &&
        g.sectorsPerTrack <= 255,
      () =>
        `geometryForSize(${size}) = ${JSON.stringify(g)}, the specification gives ${[...want].join('/')}`,
    );
    ctx.exercise('CODEC.timestamp');
    const back = vhdTimestamp(dateFromVhdTimestamp(v.seconds));
    ctx.expect('CODEC.timestamp', back === v.seconds, () => `${v.seconds} came back as ${back}`);
  },
});
