/**
 * A successful child is a valid differencing disk: every footer and header field SEMANTICS.md
 * names, read byte by byte, and it reads exactly as its parent through @vskit/vhd-format (and
 * through pyvhdi when it is installed).
 * @module
 */
import { type WindowsPath, windowsPath } from '@vskit/host';
import fc from 'fast-check';
import { everyByteIs } from '../_internal/bytes.js';
import { openHostChain } from '../_internal/chain-access.js';
import { type Prepared, prepare } from '../_internal/setup.js';
import { MIB } from '../_internal/units.js';
import {
  checksum,
  decodeUtf16,
  FOOTER,
  HEADER,
  PARENT_PATTERN,
  readAscii,
  readU32,
  readU64,
  vhdSeconds,
} from '../_internal/vhd-bytes.js';
import { Chooser, choicesArb } from '../arbitraries/chooser.js';
import { buildDifferencing, type Scenario } from '../arbitraries/scenario.js';
import { describeHr, HR } from '../hresults.js';
import { BLOCK_BYTES, predict } from '../model.js';
import { type CaseContext, defineProperty } from '../property.js';
import type { ComTask, OutParam } from '../subject.js';
import { invoke, waitForTask } from './_helpers/calls.js';
import { pyvhdiReads } from './_helpers/pyvhdi.js';

const same = (a: Uint8Array, b: Uint8Array) =>
  a.length === b.length && a.every((x, i) => x === b[i]);
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
const fold = (text: string) => windowsPath.foldCase(text);

/** The requirement ids this property covers. */
export const CHILD_IDS = [
  'CHILD.footer.format',
  'CHILD.footer.timestamp',
  'CHILD.footer.creator',
  'CHILD.footer.size',
  'CHILD.footer.geometry',
  'CHILD.footer.type',
  'CHILD.footer.unique-id',
  'CHILD.footer.checksum',
  'CHILD.footer.copy',
  'CHILD.header.format',
  'CHILD.header.block-size',
  'CHILD.header.max-table-entries',
  'CHILD.header.parent-uuid',
  'CHILD.header.parent-timestamp',
  'CHILD.header.parent-name',
  'CHILD.locator.w2ku',
  'CHILD.locator.w2ru',
  'CHILD.locator.w2ru-other-drive',
  'CHILD.locator.layout',
  'CHILD.bat.empty',
  'CHILD.reads-as-parent',
] as const;

/** Creates a child on a prepared host; fails the case unless it succeeds. */
async function createChild(
  prepared: Prepared,
  imagePath: string,
  parentPath: string,
  ctx: CaseContext,
): Promise<void> {
  const out: OutParam<ComTask> = { value: undefined };
  const call = {
    method: 'CreateDifferencingVirtualHardDisk',
    imagePath,
    parentPath,
    nullTask: false,
  } as const;
  const hr = await invoke(ctx, 'CDVHD.S_OK', prepared.server, call, out);
  if (hr !== HR.S_OK) ctx.fail('CDVHD.S_OK', `expected S_OK, got ${describeHr(hr)}`);
  if (out.value) await waitForTask(ctx, 'CDVHD.S_OK', out.value, call.method);
  if (out.value?.Result !== 0)
    ctx.fail('CDVHD.S_OK', `task ended with Result ${out.value?.Result}`);
}

/** What the child's fields are checked against: the parent's footer and modification time. */
interface ParentFacts {
  readonly path: WindowsPath;
  /** The parent's 512-byte footer (read at its end). */
  readonly footer: Uint8Array;
  /** The parent file's modification time as the host reports it. */
  readonly mtime: Date | undefined;
}

async function readParent(prepared: Prepared, parent: WindowsPath): Promise<ParentFacts> {
  const host = prepared.host;
  const stat = await host.stat(windowsPath.format(parent));
  const file = await host.open(windowsPath.format(parent), 'read');
  const size = await file.size();
  const footer = new Uint8Array(512);
  await file.read(footer, size - 512);
  await file.close();
  return { path: parent, footer, mtime: stat?.mtime };
}

/** CHILD.footer.*: every footer field, its checksum and its copy at offset 0. */
function checkFooter(child: Uint8Array, parent: ParentFacts, now: Date, ctx: CaseContext): void {
  const footer = child.subarray(child.length - 512);
  const f32 = (field: number) => readU32(footer, field);
  ctx.expect(
    'CHILD.footer.format',
    readAscii(footer, FOOTER.cookie, 8) === 'conectix' &&
      f32(FOOTER.features) === 2 &&
      f32(FOOTER.version) === 0x00010000 &&
      readU64(footer, FOOTER.dataOffset) === 512 &&
      footer[FOOTER.savedState] === 0,
    () => `footer ${hex(footer.subarray(0, 24))}, saved state ${footer[FOOTER.savedState]}`,
  );
  ctx.expect(
    'CHILD.footer.checksum',
    f32(FOOTER.checksum) === checksum(footer, FOOTER.checksum),
    () => 'bad footer checksum',
  );
  ctx.expect(
    'CHILD.footer.copy',
    same(child.subarray(0, 512), footer),
    () => 'the footer copy at offset 0 differs',
  );
  const expectedTime = vhdSeconds(now);
  const timestamp = f32(FOOTER.timestamp);
  ctx.expect(
    'CHILD.footer.timestamp',
    Math.abs(timestamp - expectedTime) <= 2,
    () => `timestamp ${timestamp}, host clock ${expectedTime}`,
  );
  ctx.expect(
    'CHILD.footer.creator',
    readAscii(footer, FOOTER.creatorApplication, 4) === 'vs  ' &&
      f32(FOOTER.creatorVersion) === 0x00010000 &&
      readAscii(footer, FOOTER.creatorHostOs, 4) === 'Wi2k',
    () =>
      `creator '${readAscii(footer, FOOTER.creatorApplication, 4)}' ${f32(FOOTER.creatorVersion).toString(16)} '${readAscii(footer, FOOTER.creatorHostOs, 4)}'`,
  );
  const parentFooter = parent.footer;
  const parentCurrent = readU64(parentFooter, FOOTER.currentSize);
  ctx.expect(
    'CHILD.footer.size',
    readU64(footer, FOOTER.originalSize) === parentCurrent &&
      readU64(footer, FOOTER.currentSize) === parentCurrent,
    () =>
      `sizes ${readU64(footer, FOOTER.originalSize)}/${readU64(footer, FOOTER.currentSize)}, parent ${parentCurrent}`,
  );
  ctx.expect(
    'CHILD.footer.geometry',
    same(
      footer.subarray(FOOTER.geometry, FOOTER.geometry + 4),
      parentFooter.subarray(FOOTER.geometry, FOOTER.geometry + 4),
    ),
    () => `geometry ${hex(footer.subarray(56, 60))}, parent ${hex(parentFooter.subarray(56, 60))}`,
  );
  ctx.expect(
    'CHILD.footer.type',
    f32(FOOTER.diskType) === 4,
    () => `disk type ${f32(FOOTER.diskType)}`,
  );
  const uuid = footer.subarray(FOOTER.uniqueId, FOOTER.uniqueId + 16);
  const parentUuid = parentFooter.subarray(FOOTER.uniqueId, FOOTER.uniqueId + 16);
  ctx.expect(
    'CHILD.footer.unique-id',
    !same(uuid, parentUuid) && uuid.some((b) => b !== 0),
    () => `child UUID ${hex(uuid)}`,
  );
}

/** CHILD.header.*: the dynamic header's fields; returns its max table entries. */
function checkHeader(header: Uint8Array, parent: ParentFacts, ctx: CaseContext): number {
  const h32 = (field: number) => readU32(header, field);
  ctx.expect(
    'CHILD.header.format',
    readAscii(header, HEADER.cookie, 8) === 'cxsparse' &&
      h32(HEADER.dataOffset) === 0xffffffff &&
      h32(HEADER.dataOffset + 4) === 0xffffffff &&
      readU64(header, HEADER.tableOffset) === 1536 &&
      h32(HEADER.version) === 0x00010000 &&
      h32(HEADER.checksum) === checksum(header, HEADER.checksum),
    () => `header ${hex(header.subarray(0, 40))}`,
  );
  const blockSize = h32(HEADER.blockSize);
  ctx.expect('CHILD.header.block-size', blockSize === BLOCK_BYTES, () => `block size ${blockSize}`);
  const parentCurrent = readU64(parent.footer, FOOTER.currentSize);
  const entries = h32(HEADER.maxTableEntries);
  ctx.expect(
    'CHILD.header.max-table-entries',
    entries === Math.ceil(parentCurrent / BLOCK_BYTES),
    () => `max table entries ${entries}`,
  );
  const parentUuid = parent.footer.subarray(FOOTER.uniqueId, FOOTER.uniqueId + 16);
  ctx.expect(
    'CHILD.header.parent-uuid',
    same(header.subarray(HEADER.parentUniqueId, HEADER.parentUniqueId + 16), parentUuid),
    () => `parent UUID ${hex(header.subarray(40, 56))}, parent's ${hex(parentUuid)}`,
  );
  const parentTime = parent.mtime === undefined ? Number.NaN : vhdSeconds(parent.mtime);
  ctx.expect(
    'CHILD.header.parent-timestamp',
    h32(HEADER.parentTimestamp) === parentTime,
    () => `parent timestamp ${h32(HEADER.parentTimestamp)}, parent mtime ${parentTime}`,
  );
  const nameRaw = decodeUtf16(
    header.subarray(HEADER.parentUnicodeName, HEADER.parentUnicodeName + 512),
    false,
  );
  const name = nameRaw.replace(/\0[\s\S]*$/, '');
  ctx.expect(
    'CHILD.header.parent-name',
    fold(name) === fold(windowsPath.basename(parent.path)),
    () => `parent name '${name}', parent '${windowsPath.basename(parent.path)}'`,
  );
  return entries;
}

/** CHILD.locator.*: W2ku and W2ru (none for a parent on another drive), and where their data lie. */
function checkLocators(
  child: Uint8Array,
  image: WindowsPath,
  parent: WindowsPath,
  entries: number,
  ctx: CaseContext,
): void {
  const header = child.subarray(512, 1536);
  const batBytes = Math.ceil((entries * 4) / 512) * 512;
  const locators = Array.from({ length: 8 }, (_, i) => {
    const at = HEADER.parentLocators + 24 * i;
    return {
      code: readAscii(header, at, 4),
      space: readU32(header, at + 4),
      length: readU32(header, at + 8),
      offset: readU64(header, at + 16),
    };
  });
  const text = (i: number) => {
    const l = locators[i];
    if (l === undefined || l.offset + l.length > child.length) return undefined;
    return decodeUtf16(child.subarray(l.offset, l.offset + l.length), true);
  };
  ctx.expect(
    'CHILD.locator.w2ku',
    locators[0]?.code === 'W2ku' && fold(text(0) ?? '') === fold(windowsPath.format(parent)),
    () => `locator 0 '${locators[0]?.code}' '${text(0)}', parent ${windowsPath.format(parent)}`,
  );
  const rel = windowsPath.relative(windowsPath.dirname(image), parent);
  if (rel === undefined) {
    ctx.expect(
      'CHILD.locator.w2ru-other-drive',
      locators.every((l) => l.code !== 'W2ru'),
      () => 'a W2ru locator for a parent on another drive',
    );
  } else {
    ctx.expect(
      'CHILD.locator.w2ru',
      locators[1]?.code === 'W2ru' && fold(text(1) ?? '') === fold(rel),
      () => `locator 1 '${locators[1]?.code}' '${text(1)}', expected '${rel}'`,
    );
  }
  const used = locators.filter((l) => l.code !== '\0\0\0\0');
  ctx.expect(
    'CHILD.locator.layout',
    used.every(
      (l) =>
        l.space % 512 === 0 &&
        l.space >= l.length &&
        l.offset % 512 === 0 &&
        l.offset >= 1536 + batBytes &&
        l.offset + l.space <= child.length - 512,
    ),
    () => `locators ${JSON.stringify(used)} (BAT ends at ${1536 + batBytes}, file ${child.length})`,
  );
}

/** Checks every field of the child at `image`, whose parent is at `parent`; returns its bytes. */
export async function checkChildFile(
  prepared: Prepared,
  image: WindowsPath,
  parent: WindowsPath,
  ctx: CaseContext,
): Promise<Uint8Array> {
  const child = await prepared.host.readFile(windowsPath.format(image));
  const parentFacts = await readParent(prepared, parent);
  for (const id of CHILD_IDS) ctx.exercise(id);
  checkFooter(child, parentFacts, prepared.host.now(), ctx);
  const entries = checkHeader(child.subarray(512, 1536), parentFacts, ctx);
  checkLocators(child, image, parent, entries, ctx);
  const bat = child.subarray(1536, 1536 + entries * 4);
  ctx.expect('CHILD.bat.empty', everyByteIs(bat, 0xff), () => 'a BAT entry is allocated');
  return child;
}

/** Reads the start and end of the child through the chain and compares with the parent's content. */
async function checkReads(
  prepared: Prepared,
  image: WindowsPath,
  parent: WindowsPath,
  sizeBytes: number,
  withPyvhdi: boolean,
  ctx: CaseContext,
): Promise<void> {
  const opened = await openHostChain(prepared.host, windowsPath.format(image)).catch(
    (error: unknown) =>
      ctx.fail(
        'CHILD.reads-as-parent',
        `vhd-format cannot open the chain: ${(error as Error).message}`,
      ),
  );
  try {
    ctx.expect(
      'CHILD.reads-as-parent',
      fold(opened.paths[1] ?? '') === fold(windowsPath.format(parent)),
      () => `the chain leads to ${opened.paths[1]}, not ${windowsPath.format(parent)}`,
    );
    const head = new Uint8Array(Math.min(8192, sizeBytes));
    await opened.chain.read(head, 0);
    const expected = new Uint8Array(head.length);
    expected.set(PARENT_PATTERN.subarray(0, head.length));
    ctx.expect(
      'CHILD.reads-as-parent',
      same(head, expected),
      () => 'the first bytes differ from the parent',
    );
    const tail = new Uint8Array(512);
    await opened.chain.read(tail, sizeBytes - 512);
    ctx.expect(
      'CHILD.reads-as-parent',
      everyByteIs(tail, 0) || sizeBytes <= 4096,
      () => 'the last sector differs from the parent',
    );
  } finally {
    await opened.chain.close();
  }
  const parentBytes = (await prepared.host.stat(windowsPath.format(parent)))?.size ?? 0;
  if (!withPyvhdi || parentBytes > 32 * MIB) return;
  const py = await pyvhdiReads(
    prepared.host,
    windowsPath.format(image),
    windowsPath.format(parent),
    Math.min(8192, sizeBytes),
  );
  if (py !== undefined) {
    const expected = new Uint8Array(py.length);
    expected.set(PARENT_PATTERN.subarray(0, py.length));
    ctx.expect(
      'CHILD.reads-as-parent',
      same(py, expected),
      () => 'pyvhdi reads other bytes than the parent holds',
    );
  }
}

/** A successful child is a valid differencing disk that reads as its parent. */
export const childFile = defineProperty<{ scenario: Scenario; withPyvhdi: boolean }>({
  name: 'child.file',
  covers: [...CHILD_IDS, 'CDVHD.S_OK'],
  primary: 'CDVHD.S_OK',
  arbitrary: () =>
    fc.tuple(choicesArb(), fc.nat({ max: 7 })).map(([draws, py]) => ({
      scenario: buildDifferencing(new Chooser(draws), []),
      // pyvhdi runs in a Python process: check one case in eight through it
      withPyvhdi: py === 0,
    })),
  async check(subject, { scenario, withPyvhdi }, ctx) {
    const prepared = await prepare(subject, scenario.state);
    try {
      const prediction = predict(scenario.state, scenario.call, prepared.facts);
      if (
        prediction.decided !== undefined ||
        prediction.image === undefined ||
        prediction.parent === undefined
      )
        return;
      const call = scenario.call as Extract<
        Scenario['call'],
        { method: 'CreateDifferencingVirtualHardDisk' }
      >;
      await createChild(prepared, call.imagePath as string, call.parentPath as string, ctx);
      const child = await checkChildFile(prepared, prediction.image, prediction.parent, ctx);
      // a second child of the same parent has a UUID of its own
      const sibling = windowsPath.join(windowsPath.dirname(prediction.image), 'sibling-child.vhd');
      if (
        prepared.host.volumeInfo(sibling.drive) &&
        windowsPath.format(sibling).length < 260 &&
        (prepared.host.volumeInfo(sibling.drive)?.freeBytes ?? 0) >= 16 * MIB
      ) {
        await createChild(
          prepared,
          windowsPath.format(sibling),
          windowsPath.format(prediction.parent),
          ctx,
        );
        const other = await prepared.host.readFile(windowsPath.format(sibling));
        const id = (b: Uint8Array) =>
          b.subarray(b.length - 512 + FOOTER.uniqueId, b.length - 512 + FOOTER.uniqueId + 16);
        ctx.expect(
          'CHILD.footer.unique-id',
          !same(id(child), id(other)),
          () => `two children share UUID ${hex(id(child))}`,
        );
      }
      await checkReads(
        prepared,
        prediction.image,
        prediction.parent,
        prediction.parentDisk?.sizeBytes ?? 0,
        withPyvhdi,
        ctx,
      );
    } finally {
      await prepared.dispose();
    }
  },
});
