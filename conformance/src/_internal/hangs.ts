/**
 * Calls into the subject within a budget, and the memory of the ones that hung: a call that does
 * not answer in time is charged to its requirement once; after that the run neither waits on a
 * call of that kind again (the case is dropped as inconclusive) nor shrinks through timeouts.
 * @module
 */
import { type SubjectCall, Violation } from '../property.js';

/** A call that did not answer within its budget: a violation of the requirement it serves. */
export class Hang extends Violation {}

/** A case that needs a call which hung before: it is neither passed nor failed. */
export class Inconclusive extends Error {
  override readonly name = 'Inconclusive';
}

/** The budgets of a run, in milliseconds. */
export interface Budgets {
  readonly quickMs: number;
  readonly workMs: number;
}

const LATE = Symbol('late');

/** Milliseconds as seconds for a message: 2000 -> "2", 50 -> "0.05". */
export function seconds(ms: number): string {
  return String(Math.round(ms) / 1000);
}

/** The hangs of one run. State lives here: which kinds and members have hung. */
export class HangWatch {
  readonly budgets: Budgets;
  /** Kinds of call that hung, with the message of their first hang. */
  private readonly hungKinds = new Map<string, string>();
  /** The kinds that hung, per member. */
  private readonly kindsOf = new Map<string, Set<string>>();

  constructor(budgets: Budgets) {
    this.budgets = budgets;
  }

  /** The message of an earlier hang that rules this call out, if any. */
  private earlier(call: SubjectCall): string | undefined {
    const kind = this.hungKinds.get(call.kind);
    if (kind !== undefined) return kind;
    const kinds = this.kindsOf.get(call.member);
    if (kinds !== undefined && kinds.size >= 2) {
      return `${call.member} hung on ${[...kinds].join(' and on ')}`;
    }
    return undefined;
  }

  private remember(call: SubjectCall, message: string): void {
    if (!this.hungKinds.has(call.kind)) this.hungKinds.set(call.kind, message);
    const kinds = this.kindsOf.get(call.member) ?? new Set<string>();
    kinds.add(call.kind);
    this.kindsOf.set(call.member, kinds);
  }

  /**
   * Awaits `run()` within the call's budget. Throws {@link Inconclusive} without calling when a
   * call of its kind (or two kinds of its member) hung before; throws {@link Hang} (or
   * {@link Inconclusive} when `call.id` is set aside) when it does not answer in time.
   */
  async answer<T>(
    call: SubjectCall,
    run: () => T | PromiseLike<T>,
    ignored: ReadonlySet<string>,
  ): Promise<Awaited<T>> {
    const before = this.earlier(call);
    if (before !== undefined) throw new Inconclusive(`not called: ${before}`);
    const ms = call.budget === 'quick' ? this.budgets.quickMs : this.budgets.workMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<typeof LATE>((resolve) => {
      // one more turn of the event loop after the timer, so an answer that arrived while the
      // process was busy elsewhere is taken rather than called a hang
      timer = setTimeout(() => setImmediate(() => resolve(LATE)), ms);
    });
    try {
      const answer = await Promise.race([Promise.resolve(run()), late]);
      if (answer !== LATE) return answer as Awaited<T>;
    } finally {
      clearTimeout(timer);
    }
    const message = `${call.what} did not answer within ${seconds(ms)} s (not shrunk; the run calls it no more)`;
    this.remember(call, `${call.what} (${call.id}) did not answer within ${seconds(ms)} s`);
    if (ignored.has(call.id)) throw new Inconclusive(message);
    throw new Hang(call.id, message);
  }
}
