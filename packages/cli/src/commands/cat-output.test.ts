/**
 * Where cat's bytes go: straight to the descriptor when stdout is a regular file, through the
 * stream for a pipe, and a buffer of its own per write for an in-process stream that may keep
 * it. Each way gives the same bytes.
 */
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN, builtCliAndTempFolder, pattern, run, vskitOk } from '../__fixtures__/cli-process.js';
import { main } from '../main.js';
import { CAT_CHUNK } from './cat.js';

const MiB = 2 ** 20;
const SIZE = 8 * MiB;
const tmp = builtCliAndTempFolder();
let image: string;
const expected = new Uint8Array(SIZE);

/** Runs a bash script; expects it to succeed quietly. */
async function bash(script: string): Promise<void> {
  const result = await run('bash', ['-c', script]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

const q = JSON.stringify;

beforeAll(async () => {
  image = join(tmp.dir, 'disk.vhd');
  await vskitOk(['create', 'dynamic', image, '8MiB', '--exact']);
  // Data across several chunks and blocks, the last block left unallocated.
  const data = pattern(4 * MiB + 777, 31);
  const input = join(tmp.dir, 'data.bin');
  await writeFile(input, data);
  await vskitOk(['write', image, '--offset', String(MiB + 123), '--input', input]);
  expected.set(data, MiB + 123);
});

describe('cat to a regular file', () => {
  it('writes the bytes a pipe gets, and the file is the size of the disk', async () => {
    const out = join(tmp.dir, 'out.raw');
    await bash(`node ${q(BIN)} cat ${q(image)} > ${q(out)}`);
    expect((await stat(out)).size).toBe(SIZE);
    expect(Buffer.compare(await readFile(out), Buffer.from(expected))).toBe(0);
    const piped = await vskitOk(['cat', image]);
    expect(Buffer.compare(piped.stdout, Buffer.from(expected))).toBe(0);
  });

  // Holes need Linux's /proc (see sparse-output.ts); elsewhere every byte is written.
  it.runIf(process.platform === 'linux')(
    'leaves holes where no layer holds data: the same bytes in less room (Linux)',
    async () => {
      const sparse = join(tmp.dir, 'sparse.vhd');
      await vskitOk(['create', 'dynamic', sparse, '64MiB', '--exact']);
      await vskitOk(['write', sparse, '--offset', '10MiB'], pattern(4096, 5));
      const out = join(tmp.dir, 'sparse.raw');
      await bash(`node ${q(BIN)} cat ${q(sparse)} > ${q(out)}`);
      const facts = await stat(out);
      expect(facts.size).toBe(64 * MiB);
      expect(facts.blocks * 512).toBeLessThanOrEqual(4 * MiB);
      const bytes = await readFile(out);
      const want = new Uint8Array(64 * MiB);
      want.set(pattern(4096, 5), 10 * MiB);
      expect(Buffer.compare(bytes, Buffer.from(want))).toBe(0);
    },
  );

  it("writes at the file's own offset: >> appends after what is there", async () => {
    const out = join(tmp.dir, 'appended.raw');
    await writeFile(out, 'head');
    await bash(`node ${q(BIN)} cat ${q(image)} --offset 1MiB --length 3MiB >> ${q(out)}`);
    const bytes = await readFile(out);
    expect(bytes.subarray(0, 4).toString()).toBe('head');
    expect(Buffer.compare(bytes.subarray(4), Buffer.from(expected.subarray(MiB, 4 * MiB)))).toBe(0);
  });

  it('writes every byte into a file the shell writes to afterwards, leaving the offset after them', async () => {
    const out = join(tmp.dir, 'grouped.raw');
    await bash(`{ printf head; node ${q(BIN)} cat ${q(image)}; printf tail; } > ${q(out)}`);
    const bytes = await readFile(out);
    expect(bytes.length).toBe(4 + SIZE + 4);
    expect(bytes.subarray(0, 4).toString()).toBe('head');
    expect(Buffer.compare(bytes.subarray(4, 4 + SIZE), Buffer.from(expected))).toBe(0);
    expect(bytes.subarray(4 + SIZE).toString()).toBe('tail');
  });
});

describe('cat to a pipe', () => {
  it('streams every byte through a pipe to a slow reader', async () => {
    const out = join(tmp.dir, 'piped.raw');
    await bash(`node ${q(BIN)} cat ${q(image)} | (sleep 0.2; cat > ${q(out)})`);
    expect(Buffer.compare(await readFile(out), Buffer.from(expected))).toBe(0);
  });
});

describe('cat in-process, to a stream that keeps what it is given', () => {
  it('hands each write a buffer of its own, so no kept chunk is overwritten', async () => {
    const kept: Uint8Array[] = [];
    const stdout = new Writable({
      write(chunk: Uint8Array, _encoding, done) {
        kept.push(chunk);
        done();
      },
    });
    const stderr = new PassThrough();
    const status = await main(['cat', image], {
      stdout,
      stderr,
      stdin: new PassThrough(),
      env: {},
    });
    expect(status).toBe(0);
    expect(kept.length).toBe(SIZE / CAT_CHUNK);
    expect(Buffer.compare(Buffer.concat(kept), Buffer.from(expected))).toBe(0);
  });
});
