import { type HostErrorCode, isHostError, type OpenMode } from '@vskit/host';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { admitOpened, type BlockDeviceAccess, type KindFacts, probeSize } from './file-kinds.js';

/** A stat record of one kind. */
const record = (kind: 'file' | 'directory' | 'blockDevice' | 'fifo'): KindFacts => ({
  isFile: () => kind === 'file',
  isDirectory: () => kind === 'directory',
  isBlockDevice: () => kind === 'blockDevice',
});

/** What `admitOpened` answers: the kind opened, or the error code. */
function decide(
  facts: KindFacts | undefined,
  mode: OpenMode,
  blockDevice: BlockDeviceAccess,
): string | HostErrorCode {
  try {
    return admitOpened(facts, mode, blockDevice, '/dev/x');
  } catch (error) {
    if (isHostError(error)) return error.code;
    throw error;
  }
}

describe('admitOpened (what openNodeFile accepts, decided on the fstat record)', () => {
  it('accepts a regular file in every mode, whatever the block-device access', () => {
    for (const mode of ['read', 'readWrite', 'createNew'] as const) {
      for (const access of ['readOnly', 'readWrite', 'refuse'] as const) {
        expect(decide(record('file'), mode, access)).toBe('file');
      }
    }
  });

  it('opens a block device read-only unless asked: readWrite is EACCES by default', () => {
    expect(decide(record('blockDevice'), 'read', 'readOnly')).toBe('blockDevice');
    expect(decide(record('blockDevice'), 'readWrite', 'readOnly')).toBe('EACCES');
    expect(decide(record('blockDevice'), 'createNew', 'readOnly')).toBe('EACCES');
  });

  it("opens a block device for writing when given blockDevice: 'readWrite'", () => {
    expect(decide(record('blockDevice'), 'read', 'readWrite')).toBe('blockDevice');
    expect(decide(record('blockDevice'), 'readWrite', 'readWrite')).toBe('blockDevice');
  });

  it("refuses a block device in every mode with blockDevice: 'refuse' (EINVAL)", () => {
    for (const mode of ['read', 'readWrite', 'createNew'] as const) {
      expect(decide(record('blockDevice'), mode, 'refuse')).toBe('EINVAL');
    }
  });

  it('refuses a folder with EISDIR, and a FIFO, socket, character device or no record with EINVAL', () => {
    expect(decide(record('directory'), 'read', 'readWrite')).toBe('EISDIR');
    expect(decide(record('fifo'), 'read', 'readWrite')).toBe('EINVAL');
    expect(decide(undefined, 'read', 'readWrite')).toBe('EINVAL');
  });
});

describe('probeSize (the size of a block device, found by reading)', () => {
  /** A reader of a device of `size` bytes that counts its reads. */
  const device = (size: number) => {
    const reader = {
      reads: 0,
      hasByteAt: async (position: number) => {
        reader.reads++;
        return position < size;
      },
    };
    return reader;
  };

  it('finds small and sector-sized ends exactly', async () => {
    for (const size of [0, 1, 2, 3, 511, 512, 513, 4096, 1_048_576, 3 * 2 ** 20 + 512]) {
      expect(await probeSize(device(size).hasByteAt)).toBe(size);
    }
  });

  it('finds any end to the byte in about 2 x log2(size) reads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2 ** 50 }), async (size) => {
        const reader = device(size);
        expect(await probeSize(reader.hasByteAt)).toBe(size);
        expect(reader.reads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(size + 1)) + 2);
      }),
      { numRuns: 200 },
    );
  });

  it('passes on a failing read', async () => {
    const failure = new Error('EIO');
    await expect(probeSize(() => Promise.reject(failure))).rejects.toBe(failure);
  });
});
