import { type HostErrorCode, isHostError } from '@vskit/host';
import { describe, expect, it } from 'vitest';
import { createEmulatedHost } from './emulated-host.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);
const code = (expected: HostErrorCode) => (error: unknown) => isHostError(error, expected);

function ntfs(capacityBytes = 2 ** 30, freeBytes?: number) {
  return createEmulatedHost({
    volumes: [{ drive: 'C', fileSystem: 'NTFS', capacityBytes, freeBytes }],
    now: () => new Date('2026-01-01T00:00:00Z'),
  });
}

describe('createEmulatedHost paths', () => {
  it('names differing only in case are one entry, and keep their first case', async () => {
    const host = ntfs();
    await host.mkdir('C:\\VMs');
    await host.writeFile('c:\\vms\\Disk.VHD', bytes('one'));
    expect(await host.exists('C:\\VMS\\disk.vhd')).toBe(true);
    expect(text(await host.readFile('c:\\VmS\\DISK.vhd'))).toBe('one');
    expect(await host.readdir('C:\\')).toEqual(['VMs']);
    expect(await host.readdir('C:\\vms')).toEqual(['Disk.VHD']);
    await expect(host.open('C:\\VMS\\DISK.VHD', 'createNew')).rejects.toSatisfy(code('EEXIST'));
  });

  it('refuses relative paths and invalid characters with EINVAL', async () => {
    const host = ntfs();
    await expect(host.stat('vms\\a')).rejects.toSatisfy(code('EINVAL'));
    await expect(host.stat('\\vms\\a')).rejects.toSatisfy(code('EINVAL'));
    await expect(host.open('C:\\a?b', 'createNew')).rejects.toSatisfy(code('EINVAL'));
    await expect(host.mkdir('C:\\a/b')).rejects.toSatisfy(code('EINVAL'));
  });

  it('a drive without a volume is ENOENT (stat and exists say nothing is there)', async () => {
    const host = ntfs();
    await expect(host.open('D:\\x.vhd', 'createNew')).rejects.toSatisfy(code('ENOENT'));
    await expect(host.mkdir('D:\\x')).rejects.toSatisfy(code('ENOENT'));
    expect(await host.exists('D:\\x')).toBe(false);
    expect(host.volumeInfo('D')).toBeUndefined();
  });

  it('normalises . and .. without climbing above the root', async () => {
    const host = ntfs();
    await host.mkdir('C:\\a\\b', { recursive: true });
    await host.writeFile('C:\\..\\..\\a\\.\\b\\..\\f.txt', bytes('x'));
    expect(await host.readdir('C:\\a')).toEqual(['b', 'f.txt']);
  });

  it('a file in the middle of a path is ENOTDIR, a missing folder ENOENT', async () => {
    const host = ntfs();
    await host.writeFile('C:\\f', bytes('x'));
    await expect(host.open('C:\\f\\g', 'createNew')).rejects.toSatisfy(code('ENOTDIR'));
    await expect(host.open('C:\\missing\\g', 'createNew')).rejects.toSatisfy(code('ENOENT'));
    await expect(host.mkdir('C:\\f\\g', { recursive: true })).rejects.toSatisfy(code('ENOTDIR'));
    await expect(host.mkdir('C:\\f', { recursive: true })).rejects.toSatisfy(code('EEXIST'));
  });
});

describe('createEmulatedHost files and folders', () => {
  it('rename moves a folder with its content and keeps the new case', async () => {
    const host = ntfs();
    await host.mkdir('C:\\a\\b', { recursive: true });
    await host.writeFile('C:\\a\\b\\f', bytes('data'));
    await host.rename('C:\\A', 'C:\\Moved');
    expect(await host.readdir('C:\\')).toEqual(['Moved']);
    expect(text(await host.readFile('c:\\moved\\B\\F'))).toBe('data');
    await host.rename('C:\\moved', 'C:\\MOVED');
    expect(await host.readdir('C:\\')).toEqual(['MOVED']);
    await expect(host.rename('C:\\MOVED', 'C:\\MOVED\\b\\x')).rejects.toSatisfy(code('EINVAL'));
  });

  it('rename onto an existing entry is EEXIST, across drives EXDEV', async () => {
    const host = createEmulatedHost({
      volumes: [
        { drive: 'C', fileSystem: 'NTFS', capacityBytes: 2 ** 30 },
        { drive: 'D', fileSystem: 'FAT32', capacityBytes: 2 ** 30 },
      ],
    });
    await host.writeFile('C:\\a', bytes('a'));
    await host.writeFile('C:\\b', bytes('b'));
    await expect(host.rename('C:\\a', 'C:\\B')).rejects.toSatisfy(code('EEXIST'));
    await expect(host.rename('C:\\a', 'D:\\a')).rejects.toSatisfy(code('EXDEV'));
  });

  it('an open file cannot be removed or renamed (EBUSY)', async () => {
    const host = ntfs();
    await host.mkdir('C:\\d');
    const file = await host.open('C:\\d\\f', 'createNew');
    await expect(host.unlink('C:\\d\\f')).rejects.toSatisfy(code('EBUSY'));
    await expect(host.rename('C:\\d', 'C:\\e')).rejects.toSatisfy(code('EBUSY'));
    await file.close();
    await host.unlink('C:\\d\\f');
    await host.rmdir('C:\\d');
    expect(await host.readdir('C:\\')).toEqual([]);
  });

  it('rmdir refuses a folder that is not empty, unlink refuses a folder', async () => {
    const host = ntfs();
    await host.mkdir('C:\\d');
    await host.writeFile('C:\\d\\f', bytes('x'));
    await expect(host.rmdir('C:\\d')).rejects.toSatisfy(code('ENOTEMPTY'));
    await expect(host.unlink('C:\\d')).rejects.toSatisfy(code('EISDIR'));
    await expect(host.rmdir('C:\\d\\f')).rejects.toSatisfy(code('ENOTDIR'));
    await expect(host.rmdir('C:\\')).rejects.toSatisfy(code('EBUSY'));
  });

  it('a buffer that is not a Uint8Array is EINVAL, not a TypeError', async () => {
    const host = ntfs();
    const file = await host.open('C:\\buf', 'createNew');
    await file.write(Uint8Array.of(1, 2, 3), 0);
    for (const bad of [null, {}, [1, 2]] as unknown as Uint8Array[]) {
      await expect(file.read(bad, 0)).rejects.toSatisfy(code('EINVAL'));
      await expect(file.write(bad, 0)).rejects.toSatisfy(code('EINVAL'));
    }
    expect(await file.size()).toBe(3);
    await file.close();
  });

  it('a read-only handle refuses writes and a closed one everything (EBADF)', async () => {
    const host = ntfs();
    await host.writeFile('C:\\f', bytes('abc'));
    const file = await host.open('C:\\f', 'read');
    await expect(file.write(bytes('x'), 0)).rejects.toSatisfy(code('EBADF'));
    await expect(file.truncate(0)).rejects.toSatisfy(code('EBADF'));
    await file.close();
    await expect(file.read(new Uint8Array(1), 0)).rejects.toSatisfy(code('EBADF'));
    await expect(file.close()).rejects.toSatisfy(code('EBADF'));
  });

  it('reads past the end are short and holes read as zeros', async () => {
    const host = ntfs();
    const file = await host.open('C:\\f', 'createNew');
    await file.write(bytes('xy'), 100_000);
    const buffer = new Uint8Array(10).fill(9);
    expect(await file.read(buffer, 99_994)).toBe(8);
    expect([...buffer]).toEqual([0, 0, 0, 0, 0, 0, 120, 121, 9, 9]);
    expect(await file.read(buffer, 100_002)).toBe(0);
    await file.close();
  });

  it('file times come from the host clock', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const host = createEmulatedHost({
      volumes: [{ drive: 'C', fileSystem: 'NTFS' }],
      now: () => now,
    });
    const file = await host.open('C:\\f', 'createNew');
    now = new Date('2026-02-03T04:05:06Z');
    await file.write(bytes('x'), 0);
    await file.close();
    expect((await host.stat('C:\\f'))?.mtime.toISOString()).toBe('2026-02-03T04:05:06.000Z');
  });

  it('randomBytes comes from the injected source', () => {
    const host = createEmulatedHost({
      volumes: [{ drive: 'C', fileSystem: 'NTFS' }],
      random: (n) => new Uint8Array(n).fill(0xab),
    });
    expect([...host.randomBytes(3)]).toEqual([0xab, 0xab, 0xab]);
  });

  it('beginShutdown is reported by isShuttingDown', () => {
    const host = ntfs();
    expect(host.isShuttingDown()).toBe(false);
    host.beginShutdown();
    expect(host.isShuttingDown()).toBe(true);
  });
});

describe('createEmulatedHost space', () => {
  it('a file occupies its size rounded up to clusters; free space comes back on unlink', async () => {
    const host = ntfs(2 ** 30, 2 ** 20);
    const info = host.volumeInfo('C:');
    expect(info).toEqual({
      drive: 'C',
      fileSystem: 'NTFS',
      capacityBytes: 2 ** 30,
      freeBytes: 2 ** 20,
      maxFileSizeBytes: 2 ** 44 - 65536,
      clusterBytes: 4096,
    });
    await host.writeFile('C:\\f', new Uint8Array(4097));
    expect(host.volumeInfo('C')?.freeBytes).toBe(2 ** 20 - 8192);
    await host.unlink('C:\\f');
    expect(host.volumeInfo('C')?.freeBytes).toBe(2 ** 20);
  });

  it('a write or truncate that does not fit is ENOSPC and changes nothing', async () => {
    const host = ntfs(2 ** 30, 64 * 1024);
    await host.writeFile('C:\\f', bytes('keep'));
    const before = await host.snapshot();
    const file = await host.open('C:\\f', 'readWrite');
    await expect(file.write(new Uint8Array(64 * 1024), 4)).rejects.toSatisfy(code('ENOSPC'));
    await expect(file.truncate(65 * 1024)).rejects.toSatisfy(code('ENOSPC'));
    await file.close();
    await expect(host.writeFile('C:\\f', new Uint8Array(70_000))).rejects.toSatisfy(code('ENOSPC'));
    expect(await host.snapshot()).toEqual(before);
  });

  it('FAT32 takes a file of 4 GiB - 1 bytes and refuses 4 GiB with EFBIG', async () => {
    const host = createEmulatedHost({
      volumes: [{ drive: 'E', fileSystem: 'FAT32', capacityBytes: 32 * 2 ** 30 }],
    });
    const file = await host.open('E:\\big.vhd', 'createNew');
    await file.truncate(2 ** 32 - 1);
    expect(await file.size()).toBe(2 ** 32 - 1);
    await expect(file.truncate(2 ** 32)).rejects.toSatisfy(code('EFBIG'));
    await expect(file.write(new Uint8Array(1), 2 ** 32 - 1)).rejects.toSatisfy(code('EFBIG'));
    await file.close();
    expect(host.storedBytes()).toBe(0);
  });

  it('EFBIG is checked before ENOSPC, and readFile refuses a file above 2 GiB - 1 with EFBIG', async () => {
    const host = createEmulatedHost({
      volumes: [{ drive: 'C', fileSystem: 'FAT32', capacityBytes: 2 ** 30 }],
    });
    const file = await host.open('C:\\a', 'createNew');
    // Past the FAT32 limit and past the free space: the limit is what is reported.
    await expect(file.truncate(2 ** 32)).rejects.toSatisfy(code('EFBIG'));
    await expect(file.truncate(2 ** 31)).rejects.toSatisfy(code('ENOSPC'));
    await file.close();
    const big = createEmulatedHost({
      volumes: [{ drive: 'C', fileSystem: 'NTFS', capacityBytes: 2 ** 40 }],
    });
    const b = await big.open('C:\\b', 'createNew');
    await b.truncate(2 ** 31);
    await b.close();
    await expect(big.readFile('C:\\b')).rejects.toSatisfy(code('EFBIG'));
    expect(big.storedBytes()).toBe(0);
  });

  it('FAT16 refuses 2 GiB, NTFS 16 TiB - 64 KiB + 1', async () => {
    const host = createEmulatedHost({
      volumes: [
        { drive: 'C', fileSystem: 'NTFS', capacityBytes: 2 ** 45 },
        { drive: 'D', fileSystem: 'FAT16' },
      ],
    });
    const a = await host.open('D:\\a', 'createNew');
    await a.truncate(2 ** 31 - 1);
    await expect(a.truncate(2 ** 31)).rejects.toSatisfy(code('EFBIG'));
    const b = await host.open('C:\\b', 'createNew');
    await b.truncate(2 ** 44 - 65536);
    await expect(b.truncate(2 ** 44 - 65535)).rejects.toSatisfy(code('EFBIG'));
  });
});

describe('createEmulatedHost host drives', () => {
  it('reports the host drives it was given, also after a power cut, and none by default', () => {
    const hostDrives = [{ id: 'PhysicalDrive1', sizeBytes: 8 * 2 ** 30, mounted: false }];
    const host = createEmulatedHost({
      volumes: [{ drive: 'C', fileSystem: 'NTFS' }],
      hostDrives,
    });
    expect(host.hostDrives?.()).toEqual(hostDrives);
    expect(host.reopenAfterPowerCut().hostDrives?.()).toEqual(hostDrives);
    expect(ntfs().hostDrives?.()).toEqual([]);
  });
});
