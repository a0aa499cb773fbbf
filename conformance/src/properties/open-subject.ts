/**
 * Opening a chain (SEMANTICS.md "Opening a chain") through the subject's own GetHardDisk: the
 * parent found by W2ru, then W2ku, then the Unicode name in the child's folder (chains the
 * subject created, then moved or copied on the host); locator data space in sectors or bytes and
 * a parent name stored UTF-16LE (children the suite writes from the VHD specification); a chain
 * deeper than the limit and a cycle answering an error; and locators confined to the host's
 * volumes, judged on every path the subject hands its host.
 * @module
 */
import { windowsPath } from '@vskit/host';
import fc from 'fast-check';
import { type Prepared, prepare, stableId, writeImage } from '../_internal/setup.js';
import { MIB } from '../_internal/units.js';
import {
  differencingImage,
  dynamicImage,
  type LocatorSpec,
  vhdSeconds,
} from '../_internal/vhd-bytes.js';
import { describeHr, HR } from '../hresults.js';
import { type CaseContext, defineProperty } from '../property.js';
import type { Subject } from '../subject.js';
import {
  confinementProblem,
  createThrough,
  differencingCall,
  expectDisk,
  foldersArb,
  getHardDisk,
  NOW,
  nameArb,
  pathOf,
  plainState,
  samePathText,
  sizedCall,
} from './_helpers/hard-disk-calls.js';

/** What a case does. */
export type OpenKind =
  | 'w2ru'
  | 'w2ku'
  | 'name'
  | 'name-is-a-file-name'
  | 'precedence'
  | 'units'
  | 'name-order'
  | 'depth'
  | 'cycle'
  | 'confined';

/** Every kind. */
export const OPEN_KINDS: readonly OpenKind[] = [
  'w2ru',
  'w2ku',
  'name',
  'name-is-a-file-name',
  'precedence',
  'units',
  'name-order',
  'depth',
  'cycle',
  'confined',
];

/** The requirement each kind is charged to. */
const KIND_ID: Readonly<Record<OpenKind, string>> = {
  w2ru: 'OPEN.locator-order.w2ru',
  w2ku: 'OPEN.locator-order.w2ku',
  name: 'OPEN.locator-order.name',
  'name-is-a-file-name': 'OPEN.locator-order.name-is-a-file-name',
  precedence: 'OPEN.locator-order.precedence',
  units: 'OPEN.data-space-units.subject',
  'name-order': 'OPEN.name-byte-order.subject',
  depth: 'OPEN.depth-limit.subject',
  cycle: 'OPEN.cycle.subject',
  confined: 'OPEN.confined',
};

/** One generated case. */
export interface OpenCase {
  readonly kind: OpenKind;
  readonly drive: 'C' | 'D';
  readonly folders: readonly string[];
  readonly parentName: string;
  readonly childName: string;
  readonly sizeMB: number;
  /** A variant switch each kind reads its own way. */
  readonly variant: number;
}

const TIMESTAMP = vhdSeconds(new Date(NOW));

interface Layout {
  /** The folder a chain is created in (under `A`), its copy under `B`, and a folder apart. */
  readonly home: string[];
  readonly away: string[];
  readonly elsewhere: string[];
}

function layout(v: OpenCase): Layout {
  return {
    home: ['A', ...v.folders],
    away: ['B', ...v.folders],
    elsewhere: ['M', 'n'],
  };
}

/** Creates a dynamic parent and a differencing child (in `kids`) through the subject. */
async function subjectChain(
  prepared: Prepared,
  v: OpenCase,
  folder: readonly string[],
  ctx: CaseContext,
  id: string,
): Promise<{ parent: string; child: string }> {
  const parent = pathOf(v.drive, folder, `${v.parentName}.vhd`);
  const child = pathOf(v.drive, [...folder, 'kids'], `${v.childName}.vhd`);
  await createThrough(prepared, sizedCall('dynamic', parent, v.sizeMB), ctx, id);
  await createThrough(prepared, differencingCall(child, parent), ctx, id);
  return { parent, child };
}

async function copy(prepared: Prepared, from: string, to: string): Promise<void> {
  const target = windowsPath.parseAbsolute(to);
  if (target !== undefined && target.segments.length > 1) {
    await prepared.host.mkdir(windowsPath.format(windowsPath.dirname(target)), { recursive: true });
  }
  await prepared.host.writeFile(to, await prepared.host.readFile(from));
}

async function move(prepared: Prepared, from: string, to: string): Promise<void> {
  const target = windowsPath.parseAbsolute(to);
  if (target !== undefined && target.segments.length > 1) {
    await prepared.host.mkdir(windowsPath.format(windowsPath.dirname(target)), { recursive: true });
  }
  await prepared.host.rename(from, to);
}

/** A suite-built dynamic parent at `path`; returns its UUID. */
async function suiteParent(prepared: Prepared, path: string, sizeMB: number): Promise<Uint8Array> {
  const id = stableId(`parent ${path}`);
  const target = windowsPath.parseAbsolute(path);
  if (target !== undefined && target.segments.length > 1) {
    await prepared.host.mkdir(windowsPath.format(windowsPath.dirname(target)), { recursive: true });
  }
  await writeImage(prepared.host, path, dynamicImage(sizeMB * MIB, TIMESTAMP, id));
  return id;
}

/** A suite-built differencing child at `path`. */
async function suiteChild(
  prepared: Prepared,
  path: string,
  fields: {
    sizeMB: number;
    uniqueId?: Uint8Array;
    parentUniqueId: Uint8Array;
    parentName: string;
    nameLittleEndian?: boolean;
    locators: readonly LocatorSpec[];
  },
): Promise<Uint8Array> {
  const uniqueId = fields.uniqueId ?? stableId(`child ${path}`);
  const target = windowsPath.parseAbsolute(path);
  if (target !== undefined && target.segments.length > 1) {
    await prepared.host.mkdir(windowsPath.format(windowsPath.dirname(target)), { recursive: true });
  }
  const bytes = differencingImage({
    sizeBytes: fields.sizeMB * MIB,
    timestamp: TIMESTAMP,
    uniqueId,
    parentUniqueId: fields.parentUniqueId,
    parentTimestamp: TIMESTAMP,
    parentName: fields.parentName,
    ...(fields.nameLittleEndian === undefined ? {} : { nameLittleEndian: fields.nameLittleEndian }),
    locators: fields.locators,
  });
  await prepared.host.writeFile(path, bytes);
  return uniqueId;
}

/** What GetHardDisk on `target` must answer: a parent path (S_OK) or an error HRESULT. */
type Expectation = { readonly parent: string } | { readonly error: number };

/** The path to open and what GetHardDisk must answer; `also` is opened first when present. */
interface Arranged {
  readonly target: string;
  readonly want: Expectation;
  readonly also?: { readonly target: string; readonly want: Expectation };
}

/** What every kind's setup works with: the case, its folders and names, and `at(folder, name)`. */
interface Setup {
  readonly prepared: Prepared;
  readonly v: OpenCase;
  readonly ctx: CaseContext;
  readonly home: string[];
  readonly away: string[];
  readonly elsewhere: string[];
  readonly parentFile: string;
  readonly childFile: string;
  at(folder: readonly string[], name: string): string;
}

/** Sets one kind of case up. */
type Arrange = (s: Setup) => Promise<Arranged>;

/** The whole tree moves: W2ku names the old place, W2ru (..\parent) still holds. */
const w2ru: Arrange = async ({ prepared, v, ctx, home, away, parentFile, childFile, at }) => {
  await subjectChain(prepared, v, home, ctx, KIND_ID.w2ru);
  await prepared.host.rename(
    windowsPath.format({ drive: v.drive, segments: ['A'] }),
    windowsPath.format({ drive: v.drive, segments: ['B'] }),
  );
  return { target: at([...away, 'kids'], childFile), want: { parent: at(away, parentFile) } };
};

/** The child moves away: W2ru (..\parent) is stale, W2ku holds. */
const w2ku: Arrange = async ({ prepared, v, ctx, home, elsewhere, childFile, at }) => {
  const { parent, child } = await subjectChain(prepared, v, home, ctx, KIND_ID.w2ku);
  const moved = at(elsewhere, childFile);
  await move(prepared, child, moved);
  return { target: moved, want: { parent } };
};

/** Both move into one new folder: both locators stale, the name in the child's folder holds. */
const byName: Arrange = async ({
  prepared,
  v,
  ctx,
  home,
  elsewhere,
  parentFile,
  childFile,
  at,
}) => {
  const { parent, child } = await subjectChain(prepared, v, home, ctx, KIND_ID.name);
  await move(prepared, child, at(elsewhere, childFile));
  await move(prepared, parent, at(elsewhere, parentFile));
  return { target: at(elsewhere, childFile), want: { parent: at(elsewhere, parentFile) } };
};

/**
 * The parent sits one folder up, or on the other drive; the child's name for it says where as
 * a path, and both locators are stale: no candidate is a file in the child's folder.
 */
const nameIsAFileName: Arrange = async ({ prepared, v, home, parentFile, childFile, at }) => {
  const otherDrive = v.drive === 'C' ? 'D' : 'C';
  const forms = [
    { name: `..\\${parentFile}`, parent: at(home, parentFile) },
    { name: `\\${[...home, parentFile].join('\\')}`, parent: at(home, parentFile) },
    {
      name: pathOf(otherDrive, home, parentFile),
      parent: pathOf(otherDrive, home, parentFile),
    },
  ];
  const form = forms[v.variant % forms.length] as (typeof forms)[number];
  const parentUniqueId = await suiteParent(prepared, form.parent, v.sizeMB);
  const child = at([...home, 'kids'], childFile);
  await suiteChild(prepared, child, {
    sizeMB: v.sizeMB,
    parentUniqueId,
    parentName: form.name,
    locators: [
      { code: 'W2ku', path: at(['gone'], parentFile) },
      { code: 'W2ru', path: `..\\gone\\${parentFile}` },
    ],
  });
  return { target: child, want: { error: HR.VM_E_PARENT_PATH_NOT_FOUND } };
};

/** Copies that two candidates find: W2ru wins over W2ku, W2ku over the name. */
const precedence: Arrange = async (s) => {
  const { prepared, v, ctx, home, away, elsewhere, parentFile, childFile, at } = s;
  const { parent, child } = await subjectChain(prepared, v, home, ctx, KIND_ID.precedence);
  if (v.variant % 2 === 0) {
    // copies of both at B: W2ru finds B's parent, W2ku still finds A's: W2ru wins
    await copy(prepared, parent, at(away, parentFile));
    await copy(prepared, child, at([...away, 'kids'], childFile));
    return {
      target: at([...away, 'kids'], childFile),
      want: { parent: at(away, parentFile) },
    };
  }
  // copies of both in one new folder: W2ku finds A's parent, the name finds the copy: W2ku wins
  await copy(prepared, parent, at(elsewhere, parentFile));
  await copy(prepared, child, at(elsewhere, childFile));
  return { target: at(elsewhere, childFile), want: { parent } };
};

/** Locator data space in sectors or bytes; W2ru stale in one case out of two. */
const units: Arrange = async ({ prepared, v, home, parentFile, childFile, at }) => {
  const parent = at(home, parentFile);
  const parentUniqueId = await suiteParent(prepared, parent, v.sizeMB);
  const spaceIn = v.variant % 2 === 0 ? 'sectors' : 'bytes';
  // W2ru stale in one case out of two, so W2ku's data must be read too
  const relative = v.variant % 4 < 2 ? `..\\${parentFile}` : `..\\gone\\${parentFile}`;
  const child = at([...home, 'kids'], childFile);
  await suiteChild(prepared, child, {
    sizeMB: v.sizeMB,
    parentUniqueId,
    parentName: parentFile,
    locators: [
      { code: 'W2ku', path: parent, spaceIn },
      { code: 'W2ru', path: relative, spaceIn },
    ],
  });
  return { target: child, want: { parent } };
};

/** A parent name stored UTF-16LE or BE, both locators stale. */
const nameOrder: Arrange = async ({ prepared, v, home, parentFile, childFile, at }) => {
  const parent = at(home, parentFile);
  const parentUniqueId = await suiteParent(prepared, parent, v.sizeMB);
  const child = at(home, childFile);
  await suiteChild(prepared, child, {
    sizeMB: v.sizeMB,
    parentUniqueId,
    parentName: parentFile,
    nameLittleEndian: v.variant % 2 === 0,
    locators: [
      { code: 'W2ku', path: at(['gone'], parentFile) },
      { code: 'W2ru', path: `.\\gone\\${parentFile}` },
    ],
  });
  return { target: child, want: { parent } };
};

/** L0 (dynamic) <- L1 <- ... <- Ln, each naming the previous by W2ru and by name. */
const depth: Arrange = async ({ prepared, v, home, at }) => {
  const shallow = 2 + (v.variant % 7);
  const deep = 64 + (v.variant % 8);
  const layer = (i: number) => at(home, `L${i}.vhd`);
  let previous = await suiteParent(prepared, layer(0), v.sizeMB);
  for (let i = 1; i <= deep; i++) {
    previous = await suiteChild(prepared, layer(i), {
      sizeMB: v.sizeMB,
      parentUniqueId: previous,
      parentName: `L${i - 1}.vhd`,
      locators: [{ code: 'W2ru', path: `.\\L${i - 1}.vhd` }],
    });
  }
  return {
    target: layer(deep),
    want: { error: HR.VM_E_INVALID_HD_FILE },
    also: { target: layer(shallow), want: { parent: layer(shallow - 1) } },
  };
};

/** A child that names itself as its parent, or two that name each other. */
const cycle: Arrange = async ({ prepared, v, home, at }) => {
  const a = at(home, 'a.vhd');
  const idA = stableId(`cycle ${a}`);
  if (v.variant % 2 === 0) {
    await suiteChild(prepared, a, {
      sizeMB: v.sizeMB,
      uniqueId: idA,
      parentUniqueId: idA,
      parentName: 'a.vhd',
      locators: [{ code: 'W2ru', path: '.\\a.vhd' }],
    });
  } else {
    const b = at(home, 'b.vhd');
    const idB = stableId(`cycle ${b}`);
    await suiteChild(prepared, a, {
      sizeMB: v.sizeMB,
      uniqueId: idA,
      parentUniqueId: idB,
      parentName: 'b.vhd',
      locators: [{ code: 'W2ru', path: '.\\b.vhd' }],
    });
    await suiteChild(prepared, b, {
      sizeMB: v.sizeMB,
      uniqueId: idB,
      parentUniqueId: idA,
      parentName: 'a.vhd',
      locators: [{ code: 'W2ru', path: '.\\a.vhd' }],
    });
  }
  return { target: a, want: { error: HR.VM_E_INVALID_HD_FILE } };
};

/**
 * A W2ku on a drive with no volume (never followed; the name in the child's folder may hold),
 * or a W2ru climbing more `..` than there are folders (it stops at the drive root).
 */
const confined: Arrange = async ({ prepared, v, home, parentFile, childFile, at }) => {
  const child = at([...home, 'kids'], childFile);
  const mode = v.variant % 4;
  if (mode < 2) {
    const parent = at([...home, 'kids'], parentFile);
    const parentUniqueId =
      mode === 1 ? await suiteParent(prepared, parent, v.sizeMB) : stableId(`nobody ${parent}`);
    await suiteChild(prepared, child, {
      sizeMB: v.sizeMB,
      parentUniqueId,
      parentName: parentFile,
      locators: [{ code: 'W2ku', path: pathOf('Q', home, parentFile) }],
    });
    return {
      target: child,
      want: mode === 1 ? { parent } : { error: HR.VM_E_PARENT_PATH_NOT_FOUND },
    };
  }
  const climb = `${'..\\'.repeat(home.length + 3)}${parentFile}`;
  const root = at([], parentFile);
  const parentUniqueId =
    mode === 2 ? await suiteParent(prepared, root, v.sizeMB) : stableId(`nobody ${root}`);
  await suiteChild(prepared, child, {
    sizeMB: v.sizeMB,
    parentUniqueId,
    parentName: `x-${parentFile}`,
    locators: [{ code: 'W2ru', path: climb }],
  });
  return {
    target: child,
    want: mode === 2 ? { parent: root } : { error: HR.VM_E_PARENT_PATH_NOT_FOUND },
  };
};

/** How each kind of case is set up. */
const ARRANGE: Readonly<Record<OpenKind, Arrange>> = {
  w2ru,
  w2ku,
  name: byName,
  'name-is-a-file-name': nameIsAFileName,
  precedence,
  units,
  'name-order': nameOrder,
  depth,
  cycle,
  confined,
};

/** Sets a case up; returns the path to open and what GetHardDisk must answer. */
function arrange(prepared: Prepared, v: OpenCase, ctx: CaseContext): Promise<Arranged> {
  const { home, away, elsewhere } = layout(v);
  return ARRANGE[v.kind]({
    prepared,
    v,
    ctx,
    home,
    away,
    elsewhere,
    parentFile: `${v.parentName}.vhd`,
    childFile: `${v.childName}.vhd`,
    at: (folder, name) => pathOf(v.drive, folder, name),
  });
}

/** GetHardDisk on `target` answers as `want` says, and hands its host only confined paths. */
async function expectOpen(
  prepared: Prepared,
  v: OpenCase,
  target: string,
  want: Expectation,
  ctx: CaseContext,
): Promise<void> {
  const id = KIND_ID[v.kind];
  const opens = 'parent' in want;
  prepared.probe.forgetPaths();
  const outcome = await getHardDisk(prepared, target, ctx, {
    id,
    kind: `chain ${v.kind}, ${opens ? 'opening' : 'refused'}`,
    expect: opens ? 'disk' : 'refusal',
  });
  ctx.exercise(id);
  if ('parent' in want) {
    const disk = expectDisk(outcome, ctx, id, target);
    ctx.expect(
      id,
      samePathText(disk.Parent, want.parent),
      () =>
        `GetHardDisk(${JSON.stringify(target)}): Parent ${JSON.stringify(disk.Parent)}, expected ${want.parent}`,
    );
  } else {
    ctx.expect(
      id,
      outcome.hr === want.error,
      () =>
        `GetHardDisk(${JSON.stringify(target)}) gave ${describeHr(outcome.hr)}, expected ${describeHr(want.error)}`,
    );
  }
  ctx.exercise('OPEN.confined');
  const problem = confinementProblem(prepared.host, prepared.probe.seen());
  if (problem !== undefined)
    ctx.fail('OPEN.confined', `GetHardDisk(${JSON.stringify(target)}): ${problem}`);
}

async function runCase(subject: Subject, v: OpenCase, ctx: CaseContext): Promise<void> {
  const prepared = await prepare(subject, plainState());
  try {
    const { target, want, also } = await arrange(prepared, v, ctx);
    if (also !== undefined) await expectOpen(prepared, v, also.target, also.want, ctx);
    await expectOpen(prepared, v, target, want, ctx);
  } finally {
    await prepared.dispose();
  }
}

/** A case of one of `kinds`. */
export function openArb(kinds: readonly OpenKind[] = OPEN_KINDS): fc.Arbitrary<OpenCase> {
  return fc.record({
    kind: fc.constantFrom(...kinds),
    drive: fc.constantFrom('C', 'D'),
    folders: foldersArb,
    parentName: nameArb,
    childName: nameArb.map((name) => `c-${name}`),
    sizeMB: fc.integer({ min: 3, max: 64 }),
    variant: fc.nat({ max: 99 }),
  });
}

/** Subject-level chain opening. */
export const openThroughSubject = defineProperty<OpenCase>({
  name: 'open.subject',
  covers: [
    'OPEN.locator-order.w2ru',
    'OPEN.locator-order.w2ku',
    'OPEN.locator-order.name',
    'OPEN.locator-order.name-is-a-file-name',
    'OPEN.locator-order.precedence',
    'OPEN.data-space-units.subject',
    'OPEN.name-byte-order.subject',
    'OPEN.depth-limit.subject',
    'OPEN.cycle.subject',
    'OPEN.confined',
  ],
  primary: 'OPEN.locator-order.w2ru',
  arbitrary: () => openArb(),
  aimAt(id) {
    const kinds = OPEN_KINDS.filter((kind) => KIND_ID[kind] === id);
    return kinds.length === 0 ? undefined : openArb(kinds);
  },
  check: (subject, v, ctx) => runCase(subject, v, ctx),
});
