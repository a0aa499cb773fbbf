/**
 * Opening a chain (SEMANTICS.md "Opening a chain"), checked on @vskit/vhd-format, the engine any
 * subject's files are read with: the parent search order, locator data space in sectors or bytes,
 * parent names in either UTF-16 byte order, the UUID check, the timestamp warning, the depth
 * limit and cycle detection.
 * @module
 */
import {
  createDifferencing,
  createDynamic,
  decodeFooter,
  isVhdFormatError,
  memoryFile,
  openChain,
  openImage,
  parentCandidates,
  type RandomAccessFile,
} from '@vskit/vhd-format';
import fc from 'fast-check';
import { MIB } from '../_internal/units.js';
import { checksum, decodeUtf16, encodeUtf16, HEADER, readU32 } from '../_internal/vhd-bytes.js';
import { type CaseContext, defineProperty } from '../property.js';

const T = new Date('2025-06-01T00:00:00Z');

type Memory = RandomAccessFile & { bytes(): Uint8Array };

async function footerOf(file: Memory) {
  const bytes = file.bytes();
  return decodeFooter(bytes.subarray(bytes.length - 512));
}

/** `names[0]` is the base; each next one a child of the previous. Returns every file's bytes. */
async function chain(
  names: readonly string[],
  sizeBytes: number,
  uniqueIds: Array<Uint8Array | undefined> = [],
): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const base = memoryFile();
  await createDynamic(base, {
    sizeBytes,
    timestamp: T,
    ...(uniqueIds[0] ? { uniqueId: uniqueIds[0] } : {}),
  });
  out.push(base.bytes());
  for (let i = 1; i < names.length; i++) {
    const parent = memoryFile(out[i - 1]);
    const child = memoryFile();
    await createDifferencing(child, {
      timestamp: T,
      ...(uniqueIds[i] ? { uniqueId: uniqueIds[i] } : {}),
      parent: {
        footer: await footerOf(parent),
        modified: T,
        unicodeName: names[i - 1] as string,
        absolutePath: `C:\\c\\${names[i - 1]}`,
        relativePath: `.\\${names[i - 1]}`,
      },
    });
    out.push(child.bytes());
  }
  return out;
}

/** Opens the chain whose top is the last of `files`, finding parents by their Unicode name. */
function open(
  files: Map<string, Uint8Array>,
  top: Uint8Array,
  o: { maxDepth?: number; modified?: Date } = {},
) {
  return openChain(memoryFile(top), {
    ...(o.maxDepth === undefined ? {} : { maxDepth: o.maxDepth }),
    async openParent(ref) {
      const bytes = files.get(ref.unicodeName);
      if (bytes === undefined) return undefined;
      return { file: memoryFile(bytes), modified: o.modified ?? T };
    },
  });
}

async function codeOf(run: () => Promise<unknown>): Promise<string> {
  try {
    const result = (await run()) as { close?: () => Promise<void> };
    await result?.close?.();
    return 'none';
  } catch (error) {
    return isVhdFormatError(error) ? error.code : `not a VhdFormatError: ${String(error)}`;
  }
}

function rewriteHeader(file: Uint8Array, edit: (header: Uint8Array) => void): Uint8Array {
  const out = file.slice();
  const header = out.subarray(512, 1536);
  edit(header);
  new DataView(header.buffer, header.byteOffset, 1024).setUint32(
    HEADER.checksum,
    checksum(header, HEADER.checksum),
  );
  return out;
}

type Case = 'order' | 'units' | 'name-order' | 'uuid' | 'timestamp' | 'depth' | 'cycle';

/** One generated case's values. */
interface CaseValues {
  readonly depth: number;
  readonly sizeMB: number;
  readonly name: string;
  readonly skew: number;
}

/** A chain of `depth + 1` files named after the case, each finding its parent by name. */
interface BuiltChain {
  readonly names: readonly string[];
  readonly files: Map<string, Uint8Array>;
  /** The top child's bytes. */
  readonly top: Uint8Array;
  /** The name of the top child's parent. */
  readonly parent: string;
}

async function builtChain(v: CaseValues): Promise<BuiltChain> {
  const names = Array.from({ length: v.depth + 1 }, (_, i) => `${v.name}${i}.vhd`);
  const bytes = await chain(names, v.sizeMB * MIB);
  return {
    names,
    files: new Map(names.map((n, i) => [n, bytes[i] as Uint8Array])),
    top: bytes[bytes.length - 1] as Uint8Array,
    parent: names[names.length - 2] as string,
  };
}

/** OPEN.cycle: B records A as its parent, A (created with A's id) records B. */
async function checkCycle(v: CaseValues, ctx: CaseContext): Promise<void> {
  ctx.exercise('OPEN.cycle');
  const size = v.sizeMB * MIB;
  const idA = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
  const idB = Uint8Array.from({ length: 16 }, (_, i) => 100 + i);
  const fakeA = memoryFile();
  await createDynamic(fakeA, { sizeBytes: size, uniqueId: idA, timestamp: T });
  const b = memoryFile();
  await createDifferencing(b, {
    uniqueId: idB,
    timestamp: T,
    parent: { footer: await footerOf(fakeA), modified: T, unicodeName: 'a.vhd' },
  });
  const a = memoryFile();
  await createDifferencing(a, {
    uniqueId: idA,
    timestamp: T,
    parent: { footer: await footerOf(b), modified: T, unicodeName: 'b.vhd' },
  });
  const files = new Map([
    ['a.vhd', a.bytes()],
    ['b.vhd', b.bytes()],
  ]);
  const code = await codeOf(() => open(files, a.bytes(), { maxDepth: 64 }));
  ctx.expect('OPEN.cycle', code === 'CHAIN_CYCLE', () => `a two-file cycle gave ${code}`);
}

/** OPEN.locator-order: W2ru, then W2ku, then the Unicode name. */
async function checkOrder(v: CaseValues, ctx: CaseContext): Promise<void> {
  const { top, parent } = await builtChain(v);
  ctx.exercise('OPEN.locator-order');
  const image = await openImage(memoryFile(top));
  const ref = image.parent;
  await image.close();
  const sources = ref
    ? parentCandidates(ref).map((c) => `${c.source}:${c.path}:${c.relative}`)
    : [];
  const want = [
    `W2ru:.\\${parent}:true`,
    `W2ku:C:\\c\\${parent}:false`,
    `unicodeName:${parent}:true`,
  ];
  ctx.expect(
    'OPEN.locator-order',
    want.every((w, i) => sources[i] === w),
    () => `candidates ${sources.join(' | ')}`,
  );
}

/** OPEN.data-space-units: locator data space given in sectors is read as well as in bytes. */
async function checkUnits(v: CaseValues, ctx: CaseContext): Promise<void> {
  const { names, files, top, parent } = await builtChain(v);
  ctx.exercise('OPEN.data-space-units');
  const patched = rewriteHeader(top, (header) => {
    const view = new DataView(header.buffer, header.byteOffset, 1024);
    for (let i = 0; i < 8; i++) {
      const at = HEADER.parentLocators + 24 * i;
      const space = readU32(header, at + 4);
      if (space > 0) view.setUint32(at + 4, Math.ceil(space / 512));
    }
  });
  const opened = await open(files, patched).catch((error: unknown) =>
    ctx.fail('OPEN.data-space-units', `sectors refused: ${String(error)}`),
  );
  const paths = opened.layers[0]?.parent?.locators.map((l) => l.path) ?? [];
  await opened.close();
  ctx.expect(
    'OPEN.data-space-units',
    paths.includes(`C:\\c\\${parent}`) && opened.layers.length === names.length,
    () => `locators read as ${paths.join(', ')}`,
  );
}

/** OPEN.name-byte-order: a parent name stored UTF-16LE reads as the name. */
async function checkNameOrder(v: CaseValues, ctx: CaseContext): Promise<void> {
  const { top, parent } = await builtChain(v);
  ctx.exercise('OPEN.name-byte-order');
  const patched = rewriteHeader(top, (header) => {
    const name = decodeUtf16(
      header.subarray(HEADER.parentUnicodeName, HEADER.parentUnicodeName + 512),
      false,
    ).replace(/\0.*$/s, '');
    header.fill(0, HEADER.parentUnicodeName, HEADER.parentUnicodeName + 512);
    header.set(encodeUtf16(name, true), HEADER.parentUnicodeName);
  });
  const image = await openImage(memoryFile(patched));
  const got = image.parent?.unicodeName;
  await image.close();
  ctx.expect('OPEN.name-byte-order', got === parent, () => `a UTF-16LE name read as '${got}'`);
}

/** OPEN.uuid-mismatch: a parent with another UUID is refused. */
async function checkUuid(v: CaseValues, ctx: CaseContext): Promise<void> {
  const { files, top, parent } = await builtChain(v);
  ctx.exercise('OPEN.uuid-mismatch');
  const stranger = memoryFile();
  await createDynamic(stranger, { sizeBytes: v.sizeMB * MIB, timestamp: T });
  const wrong = new Map(files);
  wrong.set(parent, stranger.bytes());
  const code = await codeOf(() => open(wrong, top));
  ctx.expect(
    'OPEN.uuid-mismatch',
    code === 'PARENT_ID_MISMATCH',
    () => `a parent with another UUID gave ${code}`,
  );
}

/** OPEN.timestamp-warning: a parent modified at another time opens with a warning. */
async function checkTimestamp(v: CaseValues, ctx: CaseContext): Promise<void> {
  const { files, top } = await builtChain(v);
  ctx.exercise('OPEN.timestamp-warning');
  const modified = new Date(T.getTime() + v.skew * 1000);
  const opened = await open(files, top, { modified }).catch((error: unknown) =>
    ctx.fail('OPEN.timestamp-warning', `a timestamp difference was an error: ${String(error)}`),
  );
  const warnings = opened.warnings.length;
  await opened.close();
  ctx.expect(
    'OPEN.timestamp-warning',
    warnings > 0,
    () => `a ${v.skew} s difference gave no warning`,
  );
}

/** OPEN.depth-limit: a chain exactly as deep as the limit opens, one deeper does not. */
async function checkDepth(v: CaseValues, ctx: CaseContext): Promise<void> {
  const { files, top } = await builtChain(v);
  ctx.exercise('OPEN.depth-limit');
  const ok = await codeOf(() => open(files, top, { maxDepth: v.depth }));
  const deep = await codeOf(() => open(files, top, { maxDepth: v.depth - 1 }));
  ctx.expect(
    'OPEN.depth-limit',
    ok === 'none' && deep === 'CHAIN_TOO_DEEP',
    () => `depth ${v.depth}: limit ${v.depth} gave ${ok}, limit ${v.depth - 1} gave ${deep}`,
  );
}

/** How each kind of case is checked. */
const CHECKS: Readonly<Record<Case, (v: CaseValues, ctx: CaseContext) => Promise<void>>> = {
  order: checkOrder,
  units: checkUnits,
  'name-order': checkNameOrder,
  uuid: checkUuid,
  timestamp: checkTimestamp,
  depth: checkDepth,
  cycle: checkCycle,
};

const CASES: readonly Case[] = [
  'order',
  'units',
  'name-order',
  'uuid',
  'timestamp',
  'depth',
  'cycle',
];

/** The requirement each case exercises. */
const CASE_ID: Readonly<Record<Case, string>> = {
  order: 'OPEN.locator-order',
  units: 'OPEN.data-space-units',
  'name-order': 'OPEN.name-byte-order',
  uuid: 'OPEN.uuid-mismatch',
  timestamp: 'OPEN.timestamp-warning',
  depth: 'OPEN.depth-limit',
  cycle: 'OPEN.cycle',
};

function chainArb(kinds: readonly Case[]) {
  return fc.record({
    kind: fc.constantFrom(...kinds),
    depth: fc.integer({ min: 1, max: 4 }),
    sizeMB: fc.integer({ min: 3, max: 64 }),
    name: fc.constantFrom('p', 'Base', 'данные', 'Été'),
    skew: fc.oneof(fc.integer({ min: 1, max: 10 ** 6 }), fc.integer({ min: -(10 ** 6), max: -1 })),
  });
}

/** Chain opening rules. */
export const chainOpening = defineProperty({
  name: 'chain.open',
  covers: [
    'OPEN.locator-order',
    'OPEN.data-space-units',
    'OPEN.name-byte-order',
    'OPEN.uuid-mismatch',
    'OPEN.timestamp-warning',
    'OPEN.depth-limit',
    'OPEN.cycle',
  ],
  primary: 'OPEN.locator-order',
  arbitrary: () => chainArb(CASES),
  aimAt(id) {
    const kind = (Object.keys(CASE_ID) as Case[]).find((k) => CASE_ID[k] === id);
    return kind === undefined ? undefined : chainArb([kind]);
  },
  check: (_subject, v, ctx) => CHECKS[v.kind](v, ctx),
});
