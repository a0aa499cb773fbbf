/**
 * GetHardDiskFiles, GetFloppyDiskFiles and GetDVDFiles over generated folders of files (every
 * extension in any case, look-alikes, folders named like images, nested search folders), with
 * SearchPaths set first and additional paths good, unusable or of the wrong type; and
 * put/get_SearchPaths and put/get_DefaultVMConfigurationPath with every folder condition. The
 * model (`predictSearch`, `predictPutSearchPaths`, `predictPutDefaultPath`) gives the answer.
 * @module
 */
import fc from 'fast-check';
import { type Prepared, prepare } from '../_internal/setup.js';
import { describeHr, HR, nameOfHr } from '../hresults.js';
import { type CaseContext, defineProperty } from '../property.js';
import type { Subject } from '../subject.js';
import {
  type PathCase,
  predictPutDefaultPath,
  predictPutSearchPaths,
  predictSearch,
  SEARCH_EXTENSION,
  type SearchEntry,
} from '../surface-model.js';
import { plainState } from './_helpers/hard-disk-calls.js';
import { callMember } from './_helpers/member-calls.js';
import { aimByModel } from './_helpers/model-aims.js';
import { arrangePath, PATH_CASES, placeArb } from './_helpers/path-cases.js';
import { expectNoChange } from './_helpers/snapshots.js';

type SearchMethod = keyof typeof SEARCH_EXTENSION;

const FOLDERS = ['C:\\vms', 'C:\\vms\\sub', 'C:\\other', 'D:\\media'];
const NAMES = [
  'a.vhd',
  'B.VHD',
  'c.vhdx',
  'd.vfd',
  'E.Vfd',
  'f.iso',
  'G.ISO',
  'h.vhd.txt',
  'k.vhd',
];
/** Additional paths no search may use. */
const UNUSABLE = [
  'vms',
  'Q:\\vms',
  'C:\\nothere',
  'C:\\note.txt',
  'C:\\v*s',
  `C:\\${'x'.repeat(260)}`,
];

/** One generated search case. */
export interface SearchCase {
  readonly method: SearchMethod;
  readonly files: readonly { folder: number; name: number; kind: 'file' | 'folder' }[];
  readonly searchPaths: readonly number[];
  /** Indices into FOLDERS (>= 0, spelt with a `.` segment when odd `spelling`) or UNUSABLE (< 0). */
  readonly additional: readonly number[];
  readonly additionalKind: 'array' | 'null' | 'undefined' | 'string' | 'numbers';
  readonly spelling: number;
  readonly nullOut: boolean;
}

const dotted = (path: string) => `${path.slice(0, 3)}.\\${path.slice(3)}`;

function additionalOf(v: SearchCase): unknown {
  switch (v.additionalKind) {
    case 'null':
      return null;
    case 'undefined':
      return undefined;
    case 'string':
      return FOLDERS[0];
    case 'numbers':
      return [1, 2];
    case 'array':
      return v.additional.map((i) =>
        i < 0
          ? (UNUSABLE[-i - 1] as string)
          : v.spelling % 2 === 1
            ? dotted(FOLDERS[i] as string)
            : (FOLDERS[i] as string),
      );
  }
}

function expectedSearch(v: SearchCase): { hr: number; files?: string[] } {
  if (v.nullOut) return { hr: HR.E_POINTER };
  if (v.additionalKind === 'string' || v.additionalKind === 'numbers')
    return { hr: HR.E_INVALIDARG };
  const entries: SearchEntry[] = v.files
    .map((f) => ({ path: `${FOLDERS[f.folder]}\\${NAMES[f.name]}`, kind: f.kind }))
    // the first entry of a path is the one placed
    .filter((e, i, all) => all.findIndex((o) => o.path === e.path) === i);
  const folders = [
    ...v.searchPaths.map((i) => FOLDERS[i] as string),
    ...(v.additionalKind === 'array'
      ? v.additional.filter((i) => i >= 0).map((i) => FOLDERS[i] as string)
      : []),
  ];
  return { hr: HR.S_OK, files: predictSearch(entries, folders, SEARCH_EXTENSION[v.method]) };
}

/** The requirement a search case is judged by. */
export function searchIdOf(v: SearchCase): string {
  const { hr } = expectedSearch(v);
  return hr === HR.E_POINTER
    ? 'SEARCH.E_POINTER'
    : hr === HR.E_INVALIDARG
      ? 'SEARCH.E_INVALIDARG'
      : 'SEARCH.files';
}

const METHODS = Object.keys(SEARCH_EXTENSION) as SearchMethod[];

/** One search call, judged against the model; nothing may change. */
async function searchOnce(
  prepared: Prepared,
  v: SearchCase,
  searchPaths: readonly string[],
  ctx: CaseContext,
): Promise<void> {
  const id = searchIdOf(v);
  const before = await prepared.host.snapshot();
  const additional = additionalOf(v);
  const out: { value: unknown } = { value: undefined };
  const what = `${v.method}(${JSON.stringify(additional)}${v.nullOut ? ', null' : ''}) with SearchPaths ${JSON.stringify(searchPaths)}`;
  const hr = await callMember(
    ctx,
    { id, member: v.method, what, kind: `${v.method} (${id})`, budget: 'work' },
    prepared.server,
    v.method,
    [additional, v.nullOut ? null : out],
  );
  const want = expectedSearch(v);
  ctx.exercise(id);
  ctx.expect(
    id,
    hr === want.hr &&
      (want.files === undefined || JSON.stringify(out.value) === JSON.stringify(want.files)),
    () =>
      `${what} gave ${describeHr(hr)}${hr === HR.S_OK ? ` and ${JSON.stringify(out.value)}` : ''}, expected ${describeHr(want.hr)}${want.files === undefined ? '' : ` and ${JSON.stringify(want.files)}`}`,
  );
  expectNoChange(ctx, id, what, before, await prepared.host.snapshot());
}

async function runSearch(subject: Subject, v: SearchCase, ctx: CaseContext): Promise<void> {
  const id = searchIdOf(v);
  const prepared = await prepare(subject, plainState());
  try {
    const host = prepared.host;
    for (const folder of FOLDERS) await host.mkdir(folder, { recursive: true });
    await host.writeFile('C:\\note.txt', new Uint8Array(4));
    for (const file of v.files) {
      const path = `${FOLDERS[file.folder]}\\${NAMES[file.name]}`;
      if (await host.exists(path)) continue;
      if (file.kind === 'folder') await host.mkdir(path);
      else await host.writeFile(path, new Uint8Array(16));
    }
    const searchPaths = v.searchPaths.map((i) => FOLDERS[i] as string);
    const putHr = await callMember(
      ctx,
      { id, member: 'put_SearchPaths', what: `put_SearchPaths(${JSON.stringify(searchPaths)})` },
      prepared.server,
      'put_SearchPaths',
      [searchPaths],
    );
    if (putHr !== HR.S_OK) ctx.fail(id, `setting up, put_SearchPaths gave ${describeHr(putHr)}`);
    // the case's method first, then the other two, over the same files
    for (const method of [v.method, ...METHODS.filter((m) => m !== v.method)]) {
      await searchOnce(prepared, { ...v, method }, searchPaths, ctx);
    }
  } finally {
    await prepared.dispose();
  }
}

/** A search case. */
export function searchArb(): fc.Arbitrary<SearchCase> {
  return fc.record({
    method: fc.constantFrom<SearchMethod>('GetHardDiskFiles', 'GetFloppyDiskFiles', 'GetDVDFiles'),
    files: fc.array(
      fc.record({
        folder: fc.nat({ max: FOLDERS.length - 1 }),
        name: fc.nat({ max: NAMES.length - 1 }),
        kind: fc.oneof(
          { weight: 5, arbitrary: fc.constant<'file'>('file') },
          fc.constant<'folder'>('folder'),
        ),
      }),
      { maxLength: 8 },
    ),
    searchPaths: fc.uniqueArray(fc.nat({ max: FOLDERS.length - 1 }), { maxLength: 2 }),
    additional: fc.array(fc.integer({ min: -UNUSABLE.length, max: FOLDERS.length - 1 }), {
      maxLength: 3,
    }),
    additionalKind: fc.oneof(
      { weight: 6, arbitrary: fc.constant<SearchCase['additionalKind']>('array') },
      fc.constantFrom<SearchCase['additionalKind']>('null', 'undefined', 'string', 'numbers'),
    ),
    spelling: fc.nat({ max: 9 }),
    nullOut: fc.nat({ max: 9 }).map((n) => n === 0),
  });
}

const SEARCH_IDS = ['SEARCH.E_POINTER', 'SEARCH.E_INVALIDARG', 'SEARCH.files'];

/** The three searches. */
export const fileSearch = defineProperty<SearchCase>({
  name: 'search.files',
  covers: SEARCH_IDS,
  primary: 'SEARCH.files',
  arbitrary: () => searchArb(),
  aimAt: aimByModel(SEARCH_IDS, searchArb, searchIdOf),
  check: (subject, v, ctx) => runSearch(subject, v, ctx),
});

/** One generated SearchPaths or DefaultVMConfigurationPath case. */
export interface SettingCase {
  readonly target: 'search-paths' | 'default-path';
  readonly paths: readonly PathCase[];
  /** Give the put something of the wrong type instead (a string, numbers, null). */
  readonly wrongType: 'none' | 'string' | 'number' | 'null';
  /** Name the first folder again, upper-cased, at the end. */
  readonly repeat: boolean;
  /** Spell each folder with a `.` segment. */
  readonly dotted: boolean;
  readonly variant: number;
}

const INITIAL_DEFAULT =
  'C:\\Documents and Settings\\All Users\\Documents\\Shared Virtual Machines\\';

const hrName = (hr: number): string => nameOfHr(hr) ?? 'S_OK';

/** The requirement a setting case is judged by (the get of a null out-parameter first). */
export function settingIdOf(v: SettingCase): string {
  if (v.target === 'search-paths') {
    const hr =
      v.wrongType !== 'none' || v.paths.includes('null')
        ? HR.E_INVALIDARG
        : predictPutSearchPaths([], v.paths);
    return `SPATH.${hrName(hr)}`;
  }
  const first = v.paths[0] ?? 'folder';
  const given =
    v.wrongType === 'number' || v.wrongType === 'string'
      ? 5
      : v.wrongType === 'null' || first === 'null'
        ? null
        : '';
  const hr = predictPutDefaultPath(given, first === 'null' ? 'folder' : first);
  if (hr === HR.S_OK) return 'DEFCFG.S_OK';
  if (hr === HR.E_POINTER || hr === HR.E_INVALIDARG) return `DEFCFG.${hrName(hr)}`;
  return 'DEFCFG.folder-checks';
}

async function get(
  prepared: Prepared,
  ctx: CaseContext,
  id: string,
  name: string,
  nullOut: boolean,
): Promise<{ hr: number; value: unknown }> {
  const out: { value: unknown } = { value: undefined };
  const hr = await callMember(
    ctx,
    { id, member: name, what: `${name}(${nullOut ? 'null' : 'out'})` },
    prepared.server,
    name,
    [nullOut ? null : out],
  );
  return { hr, value: out.value };
}

async function runSetting(subject: Subject, v: SettingCase, ctx: CaseContext): Promise<void> {
  const id = settingIdOf(v);
  const searchPaths = v.target === 'search-paths';
  const getter = searchPaths ? 'get_SearchPaths' : 'get_DefaultVMConfigurationPath';
  const putter = searchPaths ? 'put_SearchPaths' : 'put_DefaultVMConfigurationPath';
  const prepared = await prepare(subject, plainState());
  try {
    const initial = searchPaths ? [] : INITIAL_DEFAULT;
    const nullId = searchPaths ? 'SPATH.initial' : 'DEFCFG.E_POINTER';
    const refused = await get(prepared, ctx, nullId, getter, true);
    ctx.exercise(nullId);
    ctx.expect(
      nullId,
      refused.hr === HR.E_POINTER,
      () => `${getter}(null) gave ${describeHr(refused.hr)}, expected E_POINTER`,
    );
    const initialId = searchPaths ? 'SPATH.initial' : 'DEFCFG.S_OK';
    const first = await get(prepared, ctx, initialId, getter, false);
    ctx.exercise(id);
    ctx.exercise(initialId);
    ctx.expect(
      initialId,
      first.hr === HR.S_OK && JSON.stringify(first.value) === JSON.stringify(initial),
      () =>
        `${getter} on a fresh host gave ${describeHr(first.hr)} and ${JSON.stringify(first.value)}, expected ${JSON.stringify(initial)}`,
    );
    const paths = searchPaths ? v.paths : v.paths.slice(0, 1);
    const given: unknown[] = [];
    const normal: string[] = [];
    for (const [i, pathCase] of paths.entries()) {
      const place = { folders: ['set'], name: `f${i}`, variant: v.variant + i };
      const path = await arrangePath(prepared.host, pathCase, place, '');
      const spelt =
        typeof path === 'string' && v.dotted && pathCase === 'folder'
          ? `${path.slice(0, 3)}.\\${path.slice(3)}`
          : path;
      given.push(spelt);
      if (typeof path === 'string') normal.push(path);
    }
    if (searchPaths && v.repeat && typeof given[0] === 'string' && paths[0] === 'folder') {
      given.push((given[0] as string).toUpperCase());
    }
    const argument: unknown =
      v.wrongType === 'string'
        ? searchPaths
          ? (normal[0] ?? 'C:\\')
          : 5
        : v.wrongType === 'number'
          ? searchPaths
            ? [5]
            : 5
          : v.wrongType === 'null'
            ? null
            : searchPaths
              ? given
              : given[0];
    const before = await prepared.host.snapshot();
    const what = `${putter}(${JSON.stringify(argument)})`;
    const hr = await callMember(ctx, { id, member: putter, what }, prepared.server, putter, [
      argument,
    ]);
    const want = searchPaths
      ? predictPutSearchPaths(argument, v.wrongType === 'none' ? paths : [])
      : predictPutDefaultPath(argument, paths[0] ?? 'folder');
    ctx.expect(
      id,
      hr === want,
      () => `${what} gave ${describeHr(hr)}, expected ${describeHr(want)}`,
    );
    const after = await get(prepared, ctx, id, getter, false);
    const stored =
      want !== HR.S_OK
        ? initial
        : searchPaths
          ? normal.length > 0
            ? normal
            : []
          : `${normal[0]}\\`;
    ctx.expect(
      id,
      after.hr === HR.S_OK && JSON.stringify(after.value) === JSON.stringify(stored),
      () =>
        `after ${what}, ${getter} gave ${describeHr(after.hr)} and ${JSON.stringify(after.value)}, expected ${JSON.stringify(stored)}`,
    );
    expectNoChange(ctx, id, what, before, await prepared.host.snapshot());
  } finally {
    await prepared.dispose();
  }
}

/** A setting case. */
export function settingArb(): fc.Arbitrary<SettingCase> {
  return fc.record({
    target: fc.constantFrom<SettingCase['target']>('search-paths', 'default-path'),
    paths: fc.array(
      fc.oneof(
        { weight: 4, arbitrary: fc.constant<PathCase>('folder') },
        fc.constantFrom(...PATH_CASES),
      ),
      { minLength: 1, maxLength: 3 },
    ),
    wrongType: fc.oneof(
      { weight: 8, arbitrary: fc.constant<SettingCase['wrongType']>('none') },
      fc.constantFrom<SettingCase['wrongType']>('string', 'number', 'null'),
    ),
    repeat: fc.boolean(),
    dotted: fc.boolean(),
    variant: placeArb.map((p) => p.variant),
  });
}

const SETTING_IDS = [
  'SPATH.initial',
  'SPATH.E_INVALIDARG',
  'SPATH.E_INVALID_NAME',
  'SPATH.E_BAD_PATHNAME',
  'SPATH.E_BUFFER_OVERFLOW',
  'SPATH.E_PATH_NOT_FOUND',
  'SPATH.E_FILE_NOT_FOUND',
  'SPATH.S_OK',
  'DEFCFG.S_OK',
  'DEFCFG.E_POINTER',
  'DEFCFG.E_INVALIDARG',
  'DEFCFG.folder-checks',
];

/** SearchPaths and DefaultVMConfigurationPath. */
export const settings = defineProperty<SettingCase>({
  name: 'search.settings',
  covers: SETTING_IDS,
  primary: 'SPATH.S_OK',
  arbitrary: () => settingArb(),
  aimAt(id) {
    // every case of its target asks with a null out-parameter, then reads the first value
    if (id === 'SPATH.initial')
      return settingArb().map((v) => ({ ...v, target: 'search-paths' as const }));
    if (id === 'DEFCFG.E_POINTER')
      return settingArb().map((v) => ({ ...v, target: 'default-path' as const }));
    return aimByModel(SETTING_IDS, settingArb, settingIdOf)(id);
  },
  check: (subject, v, ctx) => runSetting(subject, v, ctx),
});
