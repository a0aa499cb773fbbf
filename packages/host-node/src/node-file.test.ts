import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { isHostError } from '@vskit/host';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type NodeFileOptions, openNodeFile } from './node-file.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vskit-node-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each(['async', 'sync'] as const)('openNodeFile with io %s', (io) => {
  const o = { io };
  it('writes, reads back and reports the size', async () => {
    const file = await openNodeFile(join(dir, 'a.bin'), 'createNew', o);
    await file.write(Uint8Array.of(1, 2, 3, 4), 10);
    expect(await file.size()).toBe(14);
    const buffer = new Uint8Array(20);
    expect(await file.read(buffer, 8)).toBe(6);
    expect([...buffer.subarray(0, 6)]).toEqual([0, 0, 1, 2, 3, 4]);
    await file.truncate(11);
    expect(await file.size()).toBe(11);
    await file.sync();
    await file.close();
  });

  it('createNew refuses an existing file with EEXIST', async () => {
    await writeFile(join(dir, 'x'), 'hi');
    await expect(openNodeFile(join(dir, 'x'), 'createNew', o)).rejects.toSatisfy((e) =>
      isHostError(e, 'EEXIST'),
    );
  });

  it('read mode refuses a missing file with ENOENT', async () => {
    await expect(openNodeFile(join(dir, 'missing'), 'read', o)).rejects.toSatisfy((e) =>
      isHostError(e, 'ENOENT'),
    );
  });

  it('a read-only file refuses writes', async () => {
    await writeFile(join(dir, 'r'), 'hello');
    const file = await openNodeFile(join(dir, 'r'), 'read', o);
    await expect(file.write(Uint8Array.of(1), 0)).rejects.toSatisfy((e) => isHostError(e, 'EBADF'));
    await expect(file.truncate(0)).rejects.toSatisfy((e) => isHostError(e, 'EBADF'));
    await file.close();
  });

  it('calls after close reject with EBADF', async () => {
    const file = await openNodeFile(join(dir, 'c'), 'createNew', o);
    await file.close();
    await expect(file.size()).rejects.toSatisfy((e) => isHostError(e, 'EBADF'));
    await expect(file.read(new Uint8Array(1), 0)).rejects.toSatisfy((e) => isHostError(e, 'EBADF'));
  });

  it('a negative position is EINVAL', async () => {
    const file = await openNodeFile(join(dir, 'n'), 'createNew', o);
    await expect(file.write(new Uint8Array(1), -1)).rejects.toSatisfy((e) =>
      isHostError(e, 'EINVAL'),
    );
    await file.close();
  });

  it('a buffer that is not a Uint8Array is EINVAL, not a TypeError', async () => {
    const file = await openNodeFile(join(dir, 'b'), 'createNew', o);
    await file.write(Uint8Array.of(1, 2, 3), 0);
    for (const bad of [null, {}, [1, 2]] as unknown as Uint8Array[]) {
      await expect(file.read(bad, 0)).rejects.toSatisfy((e) => isHostError(e, 'EINVAL'));
      await expect(file.write(bad, 0)).rejects.toSatisfy((e) => isHostError(e, 'EINVAL'));
    }
    await file.close();
  });

  it('reads a large buffer completely', async () => {
    const data = new Uint8Array(3 * 1024 * 1024).map((_, i) => i & 0xff);
    const file = await openNodeFile(join(dir, 'big'), 'createNew', o);
    await file.write(data, 0);
    const back = new Uint8Array(data.length);
    expect(await file.read(back, 0)).toBe(data.length);
    expect(Buffer.compare(back, data)).toBe(0);
    await file.close();
  });
});

describe('openNodeFile', () => {
  it('refuses an unknown io with EINVAL', async () => {
    await expect(
      openNodeFile(join(dir, 'u'), 'createNew', { io: 'threads' as 'sync' }),
    ).rejects.toSatisfy((e) => isHostError(e, 'EINVAL'));
  });

  it("a sync and an async handle on one file see each other's writes", async () => {
    const writer = await openNodeFile(join(dir, 's'), 'createNew', { io: 'sync' });
    const reader = await openNodeFile(join(dir, 's'), 'read');
    await writer.write(Uint8Array.of(7, 8, 9), 1);
    const back = new Uint8Array(4);
    expect(await reader.read(back, 0)).toBe(4);
    expect([...back]).toEqual([0, 7, 8, 9]);
    await writer.close();
    await reader.close();
  });

  it('a sync read past the end returns 0', async () => {
    const file = await openNodeFile(join(dir, 'e'), 'createNew', { io: 'sync' });
    await file.write(Uint8Array.of(1), 0);
    expect(await file.read(new Uint8Array(8), 100)).toBe(0);
    await file.close();
  });
});

describe('openNodeFile and files that are not regular', () => {
  it('refuses a FIFO at once instead of waiting for a writer, and a folder as EISDIR', async () => {
    const fifo = join(dir, 'pipe.vhd');
    execFileSync('mkfifo', [fifo]);
    for (const mode of ['read', 'readWrite'] as const) {
      await expect(openNodeFile(fifo, mode)).rejects.toMatchObject({ code: 'EINVAL' });
    }
    await expect(openNodeFile(dir, 'read')).rejects.toMatchObject({ code: 'EISDIR' });
  });
});

describe('openNodeFile and character devices', () => {
  it('refuses a character device (/dev/null) with EINVAL in every mode', async () => {
    for (const mode of ['read', 'readWrite'] as const) {
      await expect(openNodeFile('/dev/null', mode)).rejects.toMatchObject({ code: 'EINVAL' });
    }
  });
});

/** The first loop device node that is a block device this process can open for reading. */
function readableBlockDevice(): string | undefined {
  for (let n = 0; n < 8; n++) {
    const path = `/dev/loop${n}`;
    try {
      if (!statSync(path).isBlockDevice()) continue;
      closeSync(openSync(path, 'r'));
      return path;
    } catch {}
  }
  return undefined;
}

/** The size sysfs reports for a block device (512-byte sectors), where Linux has it. */
function sysfsSize(device: string): number | undefined {
  try {
    return Number(readFileSync(`/sys/class/block/${basename(device)}/size`, 'utf8')) * 512;
  } catch {
    return undefined;
  }
}

const blockDevice = readableBlockDevice();

describe('openNodeFile and a real block device', () => {
  // Runs where a loop device node can be opened for reading (Linux, with permission). Tests do not
  // attach loop devices (that needs losetup and root, and changes the machine), so the device is
  // usually detached and empty; admitOpened and probeSize above cover the decision and the size
  // on records and a fake reader everywhere.
  it.runIf(blockDevice !== undefined).each(['async', 'sync'] as const)(
    'opens it read-only by default, sizes it by reading and refuses to truncate it (io %s)',
    async (io) => {
      const path = blockDevice as string;
      const file = await openNodeFile(path, 'read', { io });
      const size = await file.size();
      expect(size % 512).toBe(0);
      const expected = sysfsSize(path);
      if (expected !== undefined) expect(size).toBe(expected);
      expect(await file.read(new Uint8Array(512), size)).toBe(0);
      await file.close();
      await expect(openNodeFile(path, 'readWrite', { io })).rejects.toMatchObject({
        code: 'EACCES',
      });
      await expect(openNodeFile(path, 'read', { blockDevice: 'refuse' })).rejects.toMatchObject({
        code: 'EINVAL',
      });
      const writable = await openNodeFile(path, 'readWrite', { io, blockDevice: 'readWrite' });
      await expect(writable.truncate(0)).rejects.toMatchObject({ code: 'EINVAL' });
      await writable.close();
    },
  );

  it('refuses an unknown blockDevice option with EINVAL', async () => {
    const path = join(dir, 'a.bin');
    await writeFile(path, 'x');
    const options = { blockDevice: 'sometimes' } as unknown as NodeFileOptions;
    await expect(openNodeFile(path, 'read', options)).rejects.toMatchObject({ code: 'EINVAL' });
  });
});
