import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtCliAndTempFolder, run } from './__fixtures__/cli-process.js';
import { lazyOutput } from './process-output.js';

const tmp = builtCliAndTempFolder();

/** A stand-in for `process.stdout`: records what reaches it and how often it was built. */
function fakeStream() {
  const state = { built: 0, written: [] as string[], listeners: [] as string[] };
  const stream = {
    isTTY: true,
    columns: 132,
    write(chunk: string | Uint8Array, second?: string | (() => void), third?: () => void) {
      state.written.push(typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk));
      (typeof second === 'function' ? second : third)?.();
      return true;
    },
    on(event: string) {
      state.listeners.push(event);
      return stream;
    },
  };
  const build = () => {
    state.built++;
    return stream as unknown as NodeJS.WriteStream;
  };
  return { build, state };
}

describe('lazyOutput', () => {
  it('writes text straight to the descriptor, and never builds the stream for it', async () => {
    const path = join(tmp.dir, 'direct.txt');
    const fd = openSync(path, 'w');
    const fake = fakeStream();
    const out = lazyOutput(fd, fake.build, () => undefined);
    let called = false;
    expect(out.write('héllo ', () => (called = true))).toBe(true);
    out.write(new TextEncoder().encode('world'), () => undefined);
    out.write('\n', 'utf8');
    await Promise.resolve();
    expect(called).toBe(true);
    expect(out.isTTY).toBeUndefined(); // a file is no terminal
    expect((out as unknown as { fd: number }).fd).toBe(fd);
    closeSync(fd);
    expect(readFileSync(path, 'utf8')).toBe('héllo world\n');
    expect(fake.state.built).toBe(0);
  });

  it('builds the stream once something else is asked of it, and sends every later write through it', () => {
    const path = join(tmp.dir, 'built.txt');
    const fd = openSync(path, 'w');
    const fake = fakeStream();
    const out = lazyOutput(fd, fake.build, () => undefined);
    out.write('before\n');
    out.on('error', () => undefined);
    expect(out.columns).toBe(132);
    out.write('after\n');
    closeSync(fd);
    expect(fake.state).toEqual({ built: 1, written: ['after\n'], listeners: ['error'] });
    // Another encoding goes to the stream from the start.
    const latin = fakeStream();
    lazyOutput(fd, latin.build, () => undefined).write('x', 'latin1');
    expect(latin.state.built).toBe(1);
    expect(readFileSync(path, 'utf8')).toBe('before\n');
  });

  it('asks the stream whether a character device is a terminal', () => {
    const fd = openSync('/dev/null', 'w');
    const fake = fakeStream();
    const out = lazyOutput(fd, fake.build, () => undefined);
    expect(out.isTTY).toBe(true); // what the (fake) stream says
    expect(fake.state.built).toBe(1);
    closeSync(fd);
  });

  it('calls onBrokenPipe when the reader has gone away (EPIPE)', async () => {
    // A child writing to a pipe whose reader takes one byte and goes.
    const script = [
      `const { lazyOutput } = await import(${JSON.stringify(new URL('../dist/process-output.js', import.meta.url).href)});`,
      "const out = lazyOutput(1, () => process.stdout, () => { process.stderr.write('broken'); process.exit(0); });",
      "for (let i = 0; i < 1000; i++) out.write('x'.repeat(65536));",
      "process.stderr.write('not reached');",
    ].join('\n');
    const result = await run(
      'bash',
      ['-c', '"$NODE" --input-type=module -e "$SCRIPT" | head -c 1 > /dev/null'],
      { env: { NODE: process.execPath, SCRIPT: script } },
    );
    expect(result.stderr).toBe('broken');
  });
});
