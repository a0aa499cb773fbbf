/**
 * Calling one member of the subject's surface within a budget, by name: a subject without the
 * member fails the requirement, a hang is charged to it, and the answer comes back as an
 * unsigned HRESULT (NaN for anything that is not a number).
 * @module
 */
import { asHresult } from '../../hresults.js';
import type { Budget, CaseContext } from '../../property.js';

/** One call: the requirement charged, the member as the report names it, and the call. */
export interface MemberCall {
  /** The requirement a missing member, a hang or a wrong answer is charged to. */
  readonly id: string;
  /** `IVMHardDisk.get_Type`, `CreateFloppyDiskImage`, ... */
  readonly member: string;
  /** The call in words: `get_Type(null)`. */
  readonly what: string;
  /** A kind of call: once one hangs, the run makes no more of that kind. */
  readonly kind?: string;
  readonly budget?: Budget;
}

/** Calls `target[name](...args)`; fails `call.id` when `target` has no such method. */
export async function callMember(
  ctx: CaseContext,
  call: MemberCall,
  target: object,
  name: string,
  args: readonly unknown[],
): Promise<number> {
  const method = (target as Record<string, unknown>)[name];
  if (typeof method !== 'function') ctx.fail(call.id, `the subject has no ${call.member}`);
  const answer = await ctx.answer(
    {
      id: call.id,
      what: call.what,
      kind: call.kind ?? call.what,
      member: call.member,
      budget: call.budget ?? 'quick',
    },
    () => (method as (...a: unknown[]) => unknown).apply(target, args as unknown[]),
  );
  return asHresult(answer);
}
