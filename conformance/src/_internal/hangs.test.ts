import { describe, expect, it } from 'vitest';
import type { SubjectCall } from '../property.js';
import { Hang, HangWatch, Inconclusive } from './hangs.js';

const never = () => new Promise<number>(() => {});

const call = (kind: string, member = 'IVMTask.WaitForCompletion'): SubjectCall => ({
  id: 'TASK.wait.bad-timeout',
  what: `WaitForCompletion(-5) (${kind})`,
  kind,
  member,
  budget: 'quick',
});

describe('HangWatch', () => {
  const none = new Set<string>();

  it('passes an answer through, synchronous or not', async () => {
    const watch = new HangWatch({ quickMs: 1000, workMs: 1000 });
    expect(await watch.answer(call('a'), () => 7, none)).toBe(7);
    expect(await watch.answer(call('a'), async () => 8, none)).toBe(8);
  });

  it('fails a call that does not answer with "did not answer within N s", and never calls its kind again', async () => {
    const watch = new HangWatch({ quickMs: 20, workMs: 1000 });
    const error = await watch.answer(call('bad timeout'), never, none).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Hang);
    expect((error as Hang).requirementId).toBe('TASK.wait.bad-timeout');
    expect((error as Hang).message).toMatch(
      /WaitForCompletion\(-5\).* did not answer within 0\.02 s/,
    );
    let calls = 0;
    const again = await watch
      .answer(call('bad timeout'), () => ++calls, none)
      .catch((e: unknown) => e);
    expect(again).toBeInstanceOf(Inconclusive);
    expect(calls).toBe(0);
    // another kind of the same member is still called
    expect(await watch.answer(call('bounded'), () => ++calls, none)).toBe(1);
  });

  it('stops calling a member once two of its kinds hung', async () => {
    const watch = new HangWatch({ quickMs: 20, workMs: 20 });
    await watch.answer(call('one'), never, none).catch(() => undefined);
    expect(await watch.answer(call('two'), () => 2, none)).toBe(2);
    await watch.answer(call('three'), never, none).catch(() => undefined);
    let calls = 0;
    const error = await watch.answer(call('four'), () => ++calls, none).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Inconclusive);
    expect(calls).toBe(0);
    expect(await watch.answer(call('four', 'GetHardDisk'), () => 4, none)).toBe(4);
  });

  it('drops the case (Inconclusive) when the hung call serves a requirement set aside, and remembers it', async () => {
    const watch = new HangWatch({ quickMs: 20, workMs: 1000 });
    const aside = new Set(['TASK.wait.bad-timeout']);
    expect(await watch.answer(call('k'), never, aside).catch((e: unknown) => e)).toBeInstanceOf(
      Inconclusive,
    );
    expect(await watch.answer(call('k'), () => 1, none).catch((e: unknown) => e)).toBeInstanceOf(
      Inconclusive,
    );
  });

  it('lets a synchronous throw through as it is', async () => {
    const watch = new HangWatch({ quickMs: 1000, workMs: 1000 });
    const boom = () => {
      throw new TypeError('boom');
    };
    await expect(watch.answer(call('x'), boom, none)).rejects.toThrow(TypeError);
  });
});
