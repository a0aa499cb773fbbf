import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BIN,
  builtCliAndTempFolder,
  errorCode,
  pattern,
  peerAvailable,
  run,
  vskit,
  vskitOk,
} from '../__fixtures__/cli-process.js';
import { staleFooterChecksums } from '../__fixtures__/stale-footers.js';

const MiB = 2 ** 20;
const hasScript = await peerAvailable('script', ['-qec', 'true', '/dev/null']);
const tmp = builtCliAndTempFolder();

describe.each(['fixed', 'dynamic'])('cat and write on a %s image', (kind) => {
  let file: string;
  const expected = new Uint8Array(6 * MiB);

  beforeAll(async () => {
    file = join(tmp.dir, `${kind}.vhd`);
    await vskitOk(['create', kind, file, '6MiB', '--exact']);
  });

  it('reads a new image as zeros', async () => {
    const cat = await vskitOk(['cat', file]);
    expect(cat.stdout.length).toBe(6 * MiB);
    expect(cat.stdout.every((b) => b === 0)).toBe(true);
  });

  it('reads back what --input wrote, at an unaligned offset across a block boundary', async () => {
    const data = pattern(2 * MiB + 777, 11);
    const input = join(tmp.dir, `${kind}-data.bin`);
    await writeFile(input, data);
    const offset = MiB + 123;
    const result = await vskitOk([
      'write',
      file,
      '--offset',
      String(offset),
      '--input',
      input,
      '--json',
    ]);
    expect(JSON.parse(result.stdout.toString())).toEqual({ file, offset, bytes: data.length });
    expected.set(data, offset);
    const cat = await vskitOk(['cat', file]);
    expect(Buffer.compare(cat.stdout, Buffer.from(expected))).toBe(0);
  });

  it('writes what stdin carries', async () => {
    const data = pattern(5000, 12);
    const result = await vskitOk(['write', file, '--offset', '4MiB'], data);
    expect(result.stdout.toString()).toBe(`wrote 5000 bytes at offset ${4 * MiB} to ${file}\n`);
    expected.set(data, 4 * MiB);
    const slice = await vskitOk(['cat', file, '--offset', '4MiB', '--length', '5000']);
    expect(Buffer.compare(slice.stdout, Buffer.from(data))).toBe(0);
  });

  it('reads any range with --offset and --length', async () => {
    const cat = await vskitOk(['cat', file, '--offset', String(MiB + 100), '--length', '70000']);
    expect(Buffer.compare(cat.stdout, Buffer.from(expected.subarray(MiB + 100, MiB + 70100)))).toBe(
      0,
    );
  });

  it('refuses a range past the end of the disk, writing nothing', async () => {
    const before = await vskitOk(['cat', file]);
    const input = join(tmp.dir, `${kind}-tail.bin`);
    await writeFile(input, pattern(1024, 3));
    const write = await vskit(['write', file, '--offset', String(6 * MiB - 512), '--input', input]);
    expect(write.code).toBe(1);
    expect(errorCode(write.stderr)).toBe('OUT_OF_RANGE');
    const cat = await vskit(['cat', file, '--offset', '6MiB', '--length', '1']);
    expect(cat.code).toBe(1);
    expect(errorCode(cat.stderr)).toBe('OUT_OF_RANGE');
    const after = await vskitOk(['cat', file]);
    expect(Buffer.compare(before.stdout, after.stdout)).toBe(0);
  });

  it('stops quietly when the reader goes away (EPIPE)', async () => {
    const script = `node ${JSON.stringify(BIN)} cat ${JSON.stringify(file)} | head -c 100 > /dev/null; echo "status=\${PIPESTATUS[0]}"`;
    const result = await run('bash', ['-c', script]);
    expect(result.stdout.toString()).toBe('status=0\n');
    expect(result.stderr).toBe('');
  });

  it('draws no progress bar when stderr is piped', async () => {
    const result = await vskit(['cat', file]);
    expect(result.stderr).toBe('');
  });
});

describe('cat of an image whose footers carry a stale checksum', () => {
  it('reads it leniently, with the warning on stderr', async () => {
    const file = join(tmp.dir, 'stale.vhd');
    await vskitOk(['create', 'dynamic', file, '4MiB']);
    const data = pattern(3000, 7);
    await vskitOk(['write', file, '--offset', '1000'], data);
    await staleFooterChecksums(file);
    const result = await vskit(['cat', file, '--offset', '1000', '--length', '3000']);
    expect(result.code).toBe(0);
    expect(new Uint8Array(result.stdout)).toEqual(data);
    expect(result.stderr).toMatch(
      /^vskit: warning: footer checksum is 0x[0-9a-f]{8}, .*; read anyway\nvskit: warning: footer copy: footer checksum is [^\n]+\n$/,
    );
  });
});

describe('progress on a terminal', () => {
  // Skipped when script(1) from util-linux, which provides the pseudo-terminal, is not installed.
  it.runIf(hasScript)(
    'draws a bar on stderr when it is a terminal, and clears it (needs script)',
    async () => {
      const file = join(tmp.dir, 'tty.vhd');
      await vskitOk(['create', 'dynamic', file, '8MiB']);
      // script(1) runs the command on a pseudo-terminal: stderr is a TTY, stdout goes to /dev/null.
      const command = `node ${JSON.stringify(BIN)} cat ${JSON.stringify(file)} > /dev/null`;
      const result = await run('script', ['-qec', command, '/dev/null']);
      const screen = result.stdout.toString();
      expect(screen).toMatch(/reading \[#+\] +100% +8 MiB \/ 8 MiB/);
      expect(screen.endsWith('\r\x1b[K')).toBe(true);
    },
  );
});

describe('write arguments', () => {
  it('requires --offset', async () => {
    const result = await vskit(['write', join(tmp.dir, 'x.vhd')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('vskit: USAGE: --offset is required\n');
  });

  it('reports a missing --input file by its errno', async () => {
    const result = await vskit([
      'write',
      join(tmp.dir, 'x.vhd'),
      '--offset',
      '0',
      '--input',
      join(tmp.dir, 'none'),
    ]);
    expect(result.code).toBe(1);
    expect(errorCode(result.stderr)).toBe('ENOENT');
  });
});

describe('input the way shells give it', () => {
  let file: string;
  beforeAll(async () => {
    file = join(tmp.dir, 'shell-input.vhd');
    await vskitOk(['create', 'dynamic', file, '4MiB']);
  });

  /** The disk's bytes at `offset`, read with cat (offsets in hex). */
  async function bytesAt(offset: number, length: number): Promise<string> {
    const hex = (n: number) => `0x${n.toString(16)}`;
    const cat = await vskitOk(['cat', file, '--offset', hex(offset), '--length', hex(length)]);
    return cat.stdout.toString();
  }

  it('reads stdin for --input -, and takes a hex offset', async () => {
    const result = await vskitOk(
      ['write', file, '--offset', '0x100000', '--input', '-'],
      data('dash'),
    );
    expect(result.stdout.toString()).toBe(`wrote 4 bytes at offset ${MiB} to ${file}\n`);
    expect(await bytesAt(MiB, 4)).toBe('dash');
  });

  it('reads /dev/stdin, as a pipe, a socket and a redirected file', async () => {
    await vskitOk(['write', file, '--offset', '0x200', '--input', '/dev/stdin'], data('socket'));
    expect(await bytesAt(0x200, 6)).toBe('socket');
    const pipe = `printf piped | node ${JSON.stringify(BIN)} write ${JSON.stringify(file)} --offset 0x300 --input /dev/stdin`;
    expect((await run('bash', ['-c', pipe])).stderr).toBe('');
    expect(await bytesAt(0x300, 5)).toBe('piped');
    const input = join(tmp.dir, 'redirected.txt');
    await writeFile(input, 'redirected');
    const script = `node ${JSON.stringify(BIN)} write ${JSON.stringify(file)} --offset 0x400 --input /dev/stdin < ${JSON.stringify(input)}`;
    const result = await run('bash', ['-c', script]);
    expect(result.stderr).toBe('');
    expect(await bytesAt(0x400, 10)).toBe('redirected');
  });

  it('reads a process substitution, <(...)', async () => {
    const script = `node ${JSON.stringify(BIN)} write ${JSON.stringify(file)} --offset 0x600 --input <(printf substituted)`;
    const result = await run('bash', ['-c', script]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(await bytesAt(0x600, 11)).toBe('substituted');
  });

  it('refuses a folder as input with NOT_A_FILE', async () => {
    const result = await vskit(['write', file, '--offset', '0', '--input', tmp.dir]);
    expect(result.code).toBe(1);
    expect(errorCode(result.stderr)).toBe('NOT_A_FILE');
  });
});

function data(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}
