import { describe, expect, it } from 'vitest';
import { createProgress, renderProgress } from './progress.js';

function sink(isTTY: boolean) {
  const writes: string[] = [];
  return { isTTY, columns: 80, writes, write: (text: string) => writes.push(text) };
}

describe('createProgress', () => {
  it('draws nothing when stderr is not a terminal', () => {
    const out = sink(false);
    const progress = createProgress(out, 'reading', 100);
    progress.update(50);
    progress.update(100);
    progress.finish();
    expect(out.writes).toEqual([]);
  });

  it('draws a bar in place on a terminal and clears it at the end', () => {
    const out = sink(true);
    let time = 0;
    const progress = createProgress(out, 'reading', 1024, { now: () => time });
    progress.update(512);
    time += 1000;
    progress.update(1024);
    progress.finish();
    expect(out.writes[0]).toMatch(/^\rreading \[#+\.+\] {2}50%/);
    expect(out.writes[1]).toContain('100%');
    expect(out.writes[out.writes.length - 1]).toBe('\r\x1b[K');
  });

  it('repaints at most every 100 ms, except for the final update', () => {
    const out = sink(true);
    const progress = createProgress(out, 'x', 100, { now: () => 0 });
    progress.update(1);
    progress.update(2);
    progress.update(3);
    progress.update(100);
    expect(out.writes.length).toBe(2);
  });

  it('can be switched off on a terminal', () => {
    const out = sink(true);
    createProgress(out, 'x', 10, { enabled: false }).update(5);
    expect(out.writes).toEqual([]);
  });
});

describe('renderProgress', () => {
  it('fits the width it is given', () => {
    for (const width of [20, 40, 80, 200]) {
      expect(
        renderProgress('creating disk.vhd', 3 * 2 ** 20, 64 * 2 ** 20, width).length,
      ).toBeLessThanOrEqual(width);
    }
  });

  it('shows bytes alone when the total is unknown', () => {
    expect(renderProgress('writing', 2048, undefined, 80)).toBe('writing 2 KiB');
  });

  it('shows a full bar for an empty job', () => {
    expect(renderProgress('x', 0, 0, 80)).toContain('100%');
  });
});
