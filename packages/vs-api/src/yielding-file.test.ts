import { memoryFile } from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import { yieldingFile } from './yielding-file.js';

describe('yieldingFile', () => {
  it('lets a timer fire between writes once the byte budget is spent, and passes writes through', async () => {
    const inner = memoryFile();
    const file = yieldingFile(inner, 4);
    let fired = false;
    setTimeout(() => {
      fired = true;
    }, 0);
    await file.write(Uint8Array.of(1, 2), 0);
    expect(fired).toBe(false); // 2 bytes: no turn yet
    await file.write(Uint8Array.of(3, 4), 2);
    expect(fired).toBe(true); // 4 bytes: one turn of the event loop
    expect(await file.size()).toBe(4);
    const back = new Uint8Array(4);
    expect(await file.read(back, 0)).toBe(4);
    expect([...back]).toEqual([1, 2, 3, 4]);
  });
});
