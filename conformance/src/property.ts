/**
 * How a property is declared: the requirement ids it covers, an arbitrary, and a check that
 * runs one case against a subject and charges any disagreement to one requirement id.
 * @module
 */
import type fc from 'fast-check';
import type { Subject } from './subject.js';

/** A disagreement with one requirement, found while checking a case. */
export class Violation extends Error {
  override readonly name = 'Violation';
  /** The requirement the case breaks. */
  readonly requirementId: string;

  constructor(requirementId: string, message: string) {
    super(`${requirementId}: ${message}`);
    this.requirementId = requirementId;
  }
}

/** Thrown instead of a {@link Violation} whose requirement is already known to fail. */
export class IgnoredViolation extends Error {
  override readonly name = 'IgnoredViolation';
}

/**
 * How long a call into the subject may take: `'quick'` for a call the contract says answers at
 * once (a refusal, WaitForCompletion with a bad or bounded timeout, Cancel on a complete task,
 * get_Parent), `'work'` for one that does real work (starting a creation, waiting for its task,
 * opening a chain).
 */
export type Budget = 'quick' | 'work';

/** A call into the subject, as a property awaits it through {@link CaseContext.answer}. */
export interface SubjectCall {
  /** The requirement a hang is charged to. */
  readonly id: string;
  /** The call as the report names it: `WaitForCompletion(-5)`. */
  readonly what: string;
  /**
   * The kind of call (`WaitForCompletion with a bad timeout`): once one has hung, the run waits
   * on calls of that kind no more.
   */
  readonly kind: string;
  /**
   * The member called (`IVMTask.WaitForCompletion`): once calls of two kinds of it have hung, the
   * run waits on it no more.
   */
  readonly member: string;
  readonly budget: Budget;
}

/** What a check gets for one case. */
export interface CaseContext {
  /** Counts this case towards requirement `id`. */
  exercise(id: string): void;
  /**
   * Notes that the subject's host cannot serve requirement `id` (it lacks an optional capability
   * the requirement needs), for the reason given. When no case exercises `id`, the report shows
   * it as not applicable with that reason, instead of not exercised.
   */
  inapplicable(id: string, reason: string): void;
  /** Fails the case against requirement `id` (stops the case). */
  fail(id: string, message: string): never;
  /** `fail(id, message())` unless `ok`. */
  expect(id: string, ok: boolean, message: () => string): void;
  /**
   * Awaits `run()`, a call into the subject, within `call.budget`. A call that does not answer
   * in time fails `call.id` with "<what> did not answer within N s", is remembered, and stops the
   * case; a later call of a kind that hung before is not made at all and the case is dropped
   * (neither passed nor failed, its cases not counted), so a hang costs the run one wait.
   */
  answer<T>(call: SubjectCall, run: () => T | PromiseLike<T>): Promise<Awaited<T>>;
}

/** A property of the suite. */
export interface PropertyDefinition<T = unknown> {
  /** Stable name (used by `--filter` and in replay commands). */
  readonly name: string;
  /** Every requirement id the property can exercise and fail. */
  readonly covers: readonly string[];
  /** Charged when a case throws something that is not a {@link Violation}. */
  readonly primary: string;
  /** Cases to generate, relative to `--runs` (default 1). */
  readonly runsFactor?: number;
  /** The generated input. */
  arbitrary(subject: Subject): fc.Arbitrary<T>;
  /**
   * Input aimed at one requirement the property covers, or `undefined` when it has none. The
   * runner draws from it when a run left that requirement without a single case, so every
   * requirement is exercised at least once whatever `--runs` says.
   */
  aimAt?(id: string, subject: Subject): fc.Arbitrary<T> | undefined;
  /** Runs one case. */
  check(subject: Subject, value: T, ctx: CaseContext): Promise<void>;
}

/** Declares a property (an identity function that keeps `T` inferred). */
export function defineProperty<T>(definition: PropertyDefinition<T>): PropertyDefinition<T> {
  return definition;
}
