import { describe, expect, it } from 'vitest';
import { isHostError } from './errors.js';
import type { HostFile, OpenMode } from './host.js';
import { HostBase, type HostBaseOptions } from './host-base.js';

/** A host whose only file, `C:\f`, holds `bytes`. */
class OneFileHost extends HostBase {
  constructor(
    options: HostBaseOptions & { readonly volumes: readonly unknown[] },
    readonly bytes = new Uint8Array([1, 2, 3]),
  ) {
    super(options);
  }

  async open(_path: string, _mode: OpenMode): Promise<HostFile> {
    const bytes = this.bytes;
    return {
      read: async (buffer, position) => {
        const piece = bytes.subarray(position, position + buffer.length);
        buffer.set(piece);
        return piece.length;
      },
      write: async () => undefined,
      size: async () => bytes.length,
      truncate: async () => undefined,
      sync: async () => undefined,
      close: async () => undefined,
    };
  }
}

describe('HostBase', () => {
  it('refuses options without a volumes array with EINVAL', () => {
    const make = () => new OneFileHost({} as { volumes: unknown[] });
    expect(make).toThrow(expect.objectContaining({ code: 'EINVAL' }));
  });

  it('gives random bytes of the length asked, from the platform by default', () => {
    const host = new OneFileHost({ volumes: [] });
    const bytes = host.randomBytes(70_000);
    expect(bytes.length).toBe(70_000);
    // Beyond one getRandomValues call (65,536 bytes) the tail is filled too.
    expect(bytes.subarray(65_536).some((b) => b !== 0)).toBe(true);
    expect(host.randomBytes(0).length).toBe(0);
  });

  it('checks the length asked and the length the source gives', () => {
    const host = new OneFileHost({ volumes: [], random: () => new Uint8Array(1) });
    expect(host.randomBytes(1)).toEqual(new Uint8Array(1));
    const codes = [() => host.randomBytes(-1), () => host.randomBytes(2)].map((call) => {
      try {
        call();
        return 'ok';
      } catch (error) {
        return isHostError(error) ? error.code : 'other';
      }
    });
    expect(codes).toEqual(['EINVAL', 'EIO']);
  });

  it('reads a whole file through open, and keeps the clock and the shutdown flag', async () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const host = new OneFileHost({ volumes: [], now: () => at });
    expect(await host.readFile('C:\\f')).toEqual(new Uint8Array([1, 2, 3]));
    expect(host.now()).toBe(at);
    expect(host.isShuttingDown()).toBe(false);
    host.beginShutdown();
    expect(host.isShuttingDown()).toBe(true);
  });
});

describe('HostBase host drives', () => {
  it('reports none by default, and copies of the configured ones in their order', () => {
    expect(new OneFileHost({ volumes: [] }).hostDrives()).toEqual([]);
    const drives = [
      { id: 'PhysicalDrive1', sizeBytes: 8 * 2 ** 30, mounted: false },
      { id: 'PhysicalDrive0', sizeBytes: 2 ** 30, mounted: true },
    ];
    const host = new OneFileHost({ volumes: [], hostDrives: drives });
    const reported = host.hostDrives();
    expect(reported).toEqual(drives);
    (reported[0] as { sizeBytes: number }).sizeBytes = 1;
    expect(host.hostDrives()[0]?.sizeBytes).toBe(8 * 2 ** 30);
  });

  it.each([
    ['no id', [{ id: '', sizeBytes: 1, mounted: false }]],
    ['a fractional size', [{ id: 'A', sizeBytes: 1.5, mounted: false }]],
    ['a negative size', [{ id: 'A', sizeBytes: -1, mounted: false }]],
    ['mounted not a boolean', [{ id: 'A', sizeBytes: 1, mounted: 1 }]],
    [
      'one id twice in another case',
      [
        { id: 'Drive', sizeBytes: 1, mounted: false },
        { id: 'DRIVE', sizeBytes: 1, mounted: false },
      ],
    ],
  ])('refuses host drives with %s (EINVAL)', (_, hostDrives) => {
    const make = () =>
      new OneFileHost({ volumes: [], hostDrives: hostDrives as HostBaseOptions['hostDrives'] });
    expect(make).toThrow(expect.objectContaining({ code: 'EINVAL' }));
  });
});
