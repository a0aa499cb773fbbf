/**
 * Model-based properties of the three creation methods: in any generated host state, the
 * subject's HRESULT equals the reference model's; a failure leaves every volume unchanged; a
 * success creates exactly the file (and missing folders) the model expects, where it expects.
 * @module
 */
import { windowsPath } from '@vskit/host';
import fc from 'fast-check';
import { prepare } from '../_internal/setup.js';
import { Chooser, choicesArb } from '../arbitraries/chooser.js';
import {
  aimsOf,
  buildDifferencing,
  buildSized,
  type Scenario,
  scenarioArb,
} from '../arbitraries/scenario.js';
import {
  CATALOGUE,
  type CreateMethod,
  METHOD_CHECKS,
  METHOD_PREFIX,
  orderId,
  requirement,
  successId,
  unchangedId,
  variantId,
} from '../catalogue.js';
import { asHresult, describeHr, HR, TASK_RESULT } from '../hresults.js';
import { type PathFeature, type Prediction, predict } from '../model.js';
import { type CaseContext, defineProperty } from '../property.js';
import type { ComTask, OutParam, Subject } from '../subject.js';
import { invoke, waitForTask } from './_helpers/calls.js';
import { describeDiff, diffSnapshots, type SnapshotDiff } from './_helpers/snapshots.js';

const PATH_IDS: Readonly<Record<PathFeature, string>> = {
  absolute: 'PATH.absolute',
  rooted: 'PATH.rooted-is-relative',
  empty: 'PATH.empty-is-relative',
  relative: 'PATH.relative-to-other-folder',
  'dot-segments': 'PATH.dot-segments',
  'dotdot-at-root': 'PATH.dotdot-at-root',
  case: 'PATH.case-insensitive',
  'non-ascii': 'PATH.non-ascii',
  'forward-slash': 'PATH.forward-slash',
  'control-character': 'PATH.control-characters',
};

/** Most specific first: the feature a wrong outcome is charged to. */
const FEATURE_PRIORITY: readonly PathFeature[] = [
  'dotdot-at-root',
  'rooted',
  'empty',
  'dot-segments',
  'case',
  'non-ascii',
  'relative',
];

/** The requirement a wrong HRESULT is charged to. */
export function chargeHresult(prediction: Prediction, observed: number): string {
  const method = prediction.method;
  const decided = prediction.decided;
  const checks = METHOD_CHECKS[method];
  if (decided !== undefined) {
    const next = checks[decided.stepIndex + 1];
    const later = prediction.holding.find(
      (holding) =>
        holding.stepIndex === decided.stepIndex + 1 && HR[holding.variant.code] === observed,
    );
    const order = next && orderId(method, decided.step, next.step);
    if (later !== undefined && order !== undefined && requirement(order)) return order;
    if (decided.variant.condition.startsWith('invalid-')) {
      if (prediction.features.has('forward-slash')) return PATH_IDS['forward-slash'];
      if (prediction.features.has('control-character')) return PATH_IDS['control-character'];
    }
    return variantId(method, decided.variant);
  }
  if (
    observed === HR.E_BAD_PATHNAME ||
    observed === HR.E_INVALID_NAME ||
    observed === HR.E_PATH_NOT_FOUND ||
    observed === HR.E_ALREADY_EXISTS ||
    observed === HR.E_BUFFER_OVERFLOW
  ) {
    for (const feature of FEATURE_PRIORITY) {
      if (prediction.features.has(feature)) return PATH_IDS[feature];
    }
  }
  for (const check of checks) {
    for (const variant of check.variants) {
      if (HR[variant.code] === observed) return variantId(method, variant);
    }
  }
  return successId(method);
}

/** Ids a case exercises. */
function exercised(prediction: Prediction): string[] {
  const method = prediction.method;
  const ids: string[] = [];
  const decided = prediction.decided;
  if (decided === undefined) ids.push(successId(method));
  else {
    ids.push(variantId(method, decided.variant), unchangedId(method));
    const next = METHOD_CHECKS[method][decided.stepIndex + 1];
    if (
      next !== undefined &&
      prediction.holding.some((h) => h.stepIndex === decided.stepIndex + 1)
    ) {
      ids.push(orderId(method, decided.step, next.step));
    }
  }
  for (const feature of prediction.features) {
    // a relative imagePath of a sized method is refused: there is no other path to resolve against
    if (feature === 'relative' && method !== 'CreateDifferencingVirtualHardDisk') continue;
    ids.push(PATH_IDS[feature]);
  }
  return ids;
}

/** The success checks a charged wrong location goes to. */
function chargeLocation(prediction: Prediction, call: Scenario['call']): string {
  for (const feature of FEATURE_PRIORITY) {
    if (feature === 'relative') break;
    if (prediction.features.has(feature)) return PATH_IDS[feature];
  }
  for (const id of remarks(call)) return id;
  return successId(prediction.method);
}

/** The remark ids a differencing call exercises (a relative image or parent path). */
function remarks(call: Scenario['call']): string[] {
  if (call.method !== 'CreateDifferencingVirtualHardDisk') return [];
  const ids: string[] = [];
  const relative = (p: unknown) => typeof p === 'string' && !windowsPath.isAbsolute(p);
  if (relative(call.imagePath) && !relative(call.parentPath))
    ids.push('CDVHD.remark.relative-image');
  if (relative(call.parentPath) && !relative(call.imagePath))
    ids.push('CDVHD.remark.relative-parent');
  return ids;
}

/** A failed call: every volume as it was. */
function judgeRefusal(hr: number, method: CreateMethod, diff: SnapshotDiff, ctx: CaseContext) {
  ctx.expect(
    unchangedId(method),
    diff.added.length + diff.removed.length + diff.changed.length === 0,
    () => `${describeHr(hr)} but the volumes changed: ${describeDiff(diff)}`,
  );
}

/** A started task: WaitForCompletion(-1) answers S_OK once complete, and the task succeeded. */
async function judgeTask(task: ComTask, method: CreateMethod, ctx: CaseContext): Promise<void> {
  const waited = await waitForTask(ctx, 'TASK.wait.infinite', task, method);
  ctx.expect(
    'TASK.wait.infinite',
    waited === HR.S_OK && task.IsComplete === true,
    () => `WaitForCompletion(-1) gave ${describeHr(waited)}, IsComplete ${task.IsComplete}`,
  );
  ctx.exercise('TASK.wait.infinite');
  ctx.expect(
    successId(method),
    task.Result === TASK_RESULT.Success && asHresult(task.Error) === HR.S_OK,
    () =>
      `task ended with Result ${task.Result}, Error ${describeHr(task.Error)} (${task.ErrorDescription})`,
  );
}

/**
 * After a success: the parent unchanged; the image file where the model resolved it; the missing
 * folders created; nothing else changed; every new name in the case it was given.
 */
function judgeChanges(
  prediction: Prediction,
  call: Scenario['call'],
  diff: SnapshotDiff,
  ctx: CaseContext,
): void {
  const method = call.method;
  const parentKey = prediction.parent && windowsPath.pathKey(prediction.parent);
  const parentChanged = [...diff.changed, ...diff.removed].some(
    (entry) => parentKey !== undefined && entry.path.toUpperCase() === parentKey,
  );
  if (method === 'CreateDifferencingVirtualHardDisk') {
    ctx.exercise('CDVHD.parent-unchanged');
    ctx.expect(
      'CDVHD.parent-unchanged',
      !parentChanged,
      () => `the parent changed: ${describeDiff(diff)}`,
    );
  }
  const image = prediction.image;
  if (image === undefined) ctx.fail(successId(method), 'the model did not resolve the image');
  const imageKey = windowsPath.pathKey(image);
  const added = diff.added.find((entry) => entry.path.toUpperCase() === imageKey);
  ctx.expect(
    chargeLocation(prediction, call),
    added !== undefined && added.kind === 'file',
    () => `expected the new file at ${windowsPath.format(image)}; ${describeDiff(diff)}`,
  );
  const expectedKeys = new Set([
    imageKey,
    ...prediction.createdFolders.map((f) => windowsPath.pathKey(f)),
  ]);
  if (prediction.createdFolders.length > 0 && method === 'CreateDifferencingVirtualHardDisk') {
    ctx.exercise('CDVHD.folder-created');
  }
  const missingFolders = prediction.createdFolders.filter(
    (folder) =>
      !diff.added.some(
        (entry) =>
          entry.path.toUpperCase() === windowsPath.pathKey(folder) && entry.kind === 'directory',
      ),
  );
  ctx.expect(
    method === 'CreateDifferencingVirtualHardDisk' ? 'CDVHD.folder-created' : successId(method),
    missingFolders.length === 0,
    () => `folders not created: ${missingFolders.map((f) => windowsPath.format(f)).join(', ')}`,
  );
  const stray = diff.added.filter((entry) => !expectedKeys.has(entry.path.toUpperCase()));
  ctx.expect(
    successId(method),
    stray.length === 0 && diff.removed.length === 0 && diff.changed.length === 0,
    () =>
      `unexpected changes besides the new image: ${describeDiff({ added: stray, removed: diff.removed, changed: diff.changed })}`,
  );
  // names keep the case they were given
  const keptCase = diff.added.every((entry) => {
    const wanted = [image, ...prediction.createdFolders].find(
      (p) => windowsPath.pathKey(p) === entry.path.toUpperCase(),
    );
    return wanted === undefined || entry.path.endsWith(`\\${windowsPath.basename(wanted)}`);
  });
  ctx.exercise('PATH.case-insensitive');
  ctx.expect('PATH.case-insensitive', keptCase, () => `case not kept: ${describeDiff(diff)}`);
}

/**
 * Runs one scenario against a subject and checks it against the model: the HRESULT, then an
 * unchanged host after a refusal, or the task and the changes after a success.
 */
export async function checkScenario(
  subject: Subject,
  scenario: Scenario,
  ctx: CaseContext,
): Promise<void> {
  const prepared = await prepare(subject, scenario.state);
  try {
    const prediction = predict(scenario.state, scenario.call, prepared.facts);
    for (const id of exercised(prediction)) ctx.exercise(id);
    if (prediction.decided === undefined) for (const id of remarks(scenario.call)) ctx.exercise(id);
    const before = await prepared.host.snapshot();
    const out: OutParam<ComTask> | null = scenario.call.nullTask ? null : { value: undefined };
    const method = scenario.call.method;
    const decided = prediction.decided;
    const hr = await invoke(
      ctx,
      decided === undefined ? successId(method) : variantId(method, decided.variant),
      prepared.server,
      scenario.call,
      out,
      decided?.variant.code,
    );
    if (hr !== prediction.hresult) {
      ctx.fail(
        chargeHresult(prediction, hr),
        `expected ${describeHr(prediction.hresult)}, got ${describeHr(hr)}`,
      );
    }
    if (hr !== HR.S_OK) {
      judgeRefusal(hr, method, diffSnapshots(before, await prepared.host.snapshot()), ctx);
      return;
    }
    const task = out?.value;
    if (task === undefined || task === null) ctx.fail(successId(method), 'S_OK without a task');
    await judgeTask(task, method, ctx);
    judgeChanges(
      prediction,
      scenario.call,
      diffSnapshots(before, await prepared.host.snapshot()),
      ctx,
    );
  } finally {
    await prepared.dispose();
  }
}

function covers(method: CreateMethod): string[] {
  const prefix = `${METHOD_PREFIX[method]}.`;
  const ids = CATALOGUE.map((r) => r.id).filter(
    (id) =>
      id.startsWith(prefix) &&
      !id.includes('.task.') &&
      id !== `${prefix}file` &&
      !/(shutdown|concurrent|DISP_E_EXCEPTION)/.test(id),
  );
  const pathIds = Object.values(PATH_IDS).filter(
    (id) =>
      method === 'CreateDifferencingVirtualHardDisk' || id !== 'PATH.relative-to-other-folder',
  );
  return [...ids, ...pathIds, 'TASK.wait.infinite'];
}

/**
 * Scenarios aimed at one check variant or one order requirement of `method` (`undefined` for
 * the other requirements: every scenario may exercise them).
 */
function aimedScenarioArb(method: CreateMethod, id: string): fc.Arbitrary<Scenario> | undefined {
  const aims = aimsOf(method).filter((aim) => {
    if (aim.length === 0) return false;
    const checks = METHOD_CHECKS[method];
    const stepOf = (condition: string) =>
      checks.findIndex((check) => check.variants.some((v) => v.condition === condition));
    if (aim.length === 1) {
      const step = checks[stepOf(aim[0] as string)];
      const variant = step?.variants.find((v) => v.condition === aim[0]);
      return variant !== undefined && variantId(method, variant) === id;
    }
    const [a, b] = [checks[stepOf(aim[0] as string)], checks[stepOf(aim[1] as string)]];
    return a !== undefined && b !== undefined && orderId(method, a.step, b.step) === id;
  });
  if (aims.length === 0) {
    // a remark needs a successful call with exactly one relative path
    if (id !== 'CDVHD.remark.relative-image' && id !== 'CDVHD.remark.relative-parent')
      return undefined;
    if (method !== 'CreateDifferencingVirtualHardDisk') return undefined;
    return choicesArb()
      .map((draws) => buildDifferencing(new Chooser(draws), []))
      .filter((scenario) => remarks(scenario.call).includes(id));
  }
  return fc.tuple(fc.constantFrom(...aims), choicesArb()).map(([aim, draws]) => {
    const c = new Chooser(draws);
    return method === 'CreateDifferencingVirtualHardDisk'
      ? buildDifferencing(c, aim)
      : buildSized(c, method, aim);
  });
}

function modelProperty(name: string, method: CreateMethod, runsFactor: number) {
  return defineProperty<Scenario>({
    name,
    runsFactor,
    covers: covers(method),
    primary: successId(method),
    arbitrary: () => scenarioArb(method),
    aimAt: (id) => aimedScenarioArb(method, id),
    check: (subject, scenario, ctx) => checkScenario(subject, scenario, ctx),
  });
}

/** CreateDifferencingVirtualHardDisk against the model. */
export const differencingModel = modelProperty(
  'model.differencing',
  'CreateDifferencingVirtualHardDisk',
  8,
);
/** CreateDynamicVirtualHardDisk against the model. */
export const dynamicModel = modelProperty('model.dynamic', 'CreateDynamicVirtualHardDisk', 5);
/** CreateFixedVirtualHardDisk against the model. */
export const fixedModel = modelProperty('model.fixed', 'CreateFixedVirtualHardDisk', 5);
