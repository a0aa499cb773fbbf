import {
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  realpath,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Host, type HostErrorCode, isHostError } from '@vskit/host';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createNodeHost, isWithin } from './node-host.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (data: Uint8Array) => new TextDecoder().decode(data);
const code = (expected: HostErrorCode) => (error: unknown) => isHostError(error, expected);

let base: string;
let root: string;
let outside: string;
let host: Host;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'vskit-node-host-'));
  root = join(base, 'root');
  outside = join(base, 'outside');
  await mkdir(root);
  await mkdir(outside);
  await writeFile(join(outside, 'secret.txt'), 'secret');
  host = createNodeHost({ volumes: [{ drive: 'C', root, fileSystem: 'FAT32' }] });
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('createNodeHost', () => {
  it('creates files in the root folder, keeping the case of their names', async () => {
    await host.mkdir('C:\\VMs\\Base', { recursive: true });
    await host.writeFile('C:\\vms\\base\\Disk.VHD', bytes('data'));
    expect(await readdir(join(root, 'VMs', 'Base'))).toEqual(['Disk.VHD']);
    expect(await readFile(join(root, 'VMs', 'Base', 'Disk.VHD'), 'utf8')).toBe('data');
  });

  it('looks names up case-insensitively on a case-sensitive file system', async () => {
    await host.writeFile('C:\\File.txt', bytes('one'));
    expect(text(await host.readFile('c:\\FILE.TXT'))).toBe('one');
    expect(await host.exists('C:\\file.txt')).toBe(true);
    await expect(host.open('C:\\FILE.txt', 'createNew')).rejects.toSatisfy(code('EEXIST'));
    await host.rename('C:\\file.TXT', 'C:\\FILE.TXT');
    expect(await host.readdir('C:\\')).toEqual(['FILE.TXT']);
  });

  it('.. never climbs above the root', async () => {
    await host.writeFile('C:\\..\\..\\escape.txt', bytes('x'));
    expect(await readdir(root)).toEqual(['escape.txt']);
    expect(await readdir(base)).toEqual(['outside', 'root']);
  });

  it('a symbolic link out of the root is refused with EACCES', async () => {
    await symlink(outside, join(root, 'link'));
    await symlink(join(outside, 'secret.txt'), join(root, 'secret-link'));
    await expect(host.readFile('C:\\link\\secret.txt')).rejects.toSatisfy(code('EACCES'));
    await expect(host.readFile('C:\\secret-link')).rejects.toSatisfy(code('EACCES'));
    await expect(host.open('C:\\link\\new.txt', 'createNew')).rejects.toSatisfy(code('EACCES'));
    await expect(host.mkdir('C:\\LINK\\d', { recursive: true })).rejects.toSatisfy(code('EACCES'));
    await expect(host.stat('C:\\link')).rejects.toSatisfy(code('EACCES'));
    expect(await readdir(outside)).toEqual(['secret.txt']);
  });

  it('a dangling symbolic link is refused with EACCES', async () => {
    await symlink(join(outside, 'nothing'), join(root, 'dangling'));
    await expect(host.open('C:\\dangling', 'createNew')).rejects.toSatisfy(code('EACCES'));
  });

  it('a symbolic link that stays inside the root is followed', async () => {
    await mkdir(join(root, 'real'));
    await symlink(join(root, 'real'), join(root, 'alias'));
    await host.writeFile('C:\\alias\\f.txt', bytes('in'));
    expect(await readFile(join(root, 'real', 'f.txt'), 'utf8')).toBe('in');
  });

  it('enforces the declared file system largest file: FAT32 4 GiB - 1', async () => {
    const file = await host.open('C:\\big.vhd', 'createNew');
    await file.truncate(2 ** 32 - 1);
    expect(await file.size()).toBe(2 ** 32 - 1);
    await expect(file.truncate(2 ** 32)).rejects.toSatisfy(code('EFBIG'));
    await expect(file.write(bytes('xy'), 2 ** 32 - 2)).rejects.toSatisfy(code('EFBIG'));
    await file.close();
  });

  it('reports capacity and free space from the real file system', () => {
    const info = host.volumeInfo('c:');
    expect(info?.fileSystem).toBe('FAT32');
    expect(info?.maxFileSizeBytes).toBe(2 ** 32 - 1);
    expect(info?.capacityBytes).toBeGreaterThan(0);
    expect(info?.freeBytes).toBeLessThanOrEqual(info?.capacityBytes ?? 0);
    expect(host.volumeInfo('D')).toBeUndefined();
  });

  it('refuses relative paths, invalid characters and unknown drives', async () => {
    await expect(host.stat('a\\b')).rejects.toSatisfy(code('EINVAL'));
    await expect(host.writeFile('C:\\a|b', bytes('x'))).rejects.toSatisfy(code('EINVAL'));
    await expect(host.mkdir('Q:\\x')).rejects.toSatisfy(code('ENOENT'));
    expect(await host.exists('Q:\\x')).toBe(false);
  });

  it('an open file cannot be removed (EBUSY), and errors name the Windows path', async () => {
    const file = await host.open('C:\\f', 'createNew');
    await expect(host.unlink('C:\\F')).rejects.toSatisfy(code('EBUSY'));
    await file.close();
    await expect(file.close()).rejects.toSatisfy(
      (e: unknown) => isHostError(e, 'EBADF') && e.path === 'C:\\f',
    );
    await host.unlink('C:\\F');
    expect(await readdir(root)).toEqual([]);
  });

  it('snapshot lists files with digests that ignore how bytes are stored', async () => {
    await host.mkdir('C:\\d');
    await host.writeFile('C:\\d\\f', bytes('abc'));
    const snapshot = await host.snapshot();
    expect(snapshot.volumes[0]?.entries.map((e) => [e.path, e.kind, e.size])).toEqual([
      ['C:\\d', 'directory', 0],
      ['C:\\d\\f', 'file', 3],
    ]);
  });
});

describe('a volume rooted at /', () => {
  /** The Windows path, on a volume rooted at `/`, of the real path `real`. */
  const onSlash = (real: string) => `C:\\${real.split('/').filter(Boolean).join('\\')}`;

  it('reaches every path below it: reads, writes, lists, renames and removes', async () => {
    const slash = createNodeHost({ volumes: [{ drive: 'C', root: '/', fileSystem: 'NTFS' }] });
    const folder = onSlash(await realpath(root));
    await slash.writeFile(`${folder}\\a.txt`, bytes('via /'));
    expect(await readFile(join(root, 'a.txt'), 'utf8')).toBe('via /');
    expect(text(await slash.readFile(`${folder}\\A.TXT`))).toBe('via /');
    expect(await slash.stat(`${folder}\\a.txt`)).toMatchObject({ kind: 'file', size: 5 });
    await slash.mkdir(`${folder}\\d\\e`, { recursive: true });
    await slash.rename(`${folder}\\a.txt`, `${folder}\\d\\B.txt`);
    expect(await slash.readdir(`${folder}\\d`)).toEqual(['B.txt', 'e']);
    await slash.unlink(`${folder}\\d\\B.txt`);
    expect(await readdir(join(root, 'd'))).toEqual(['e']);
    expect(await slash.exists('C:\\')).toBe(true);
  });

  it('follows a symbolic link anywhere, since everything lies below /', async () => {
    await symlink(outside, join(root, 'link'));
    const slash = createNodeHost({ volumes: [{ drive: 'C', root: '/', fileSystem: 'NTFS' }] });
    const path = `${onSlash(await realpath(root))}\\link\\secret.txt`;
    expect(text(await slash.readFile(path))).toBe('secret');
  });
});

describe('isWithin (the confinement test of the node host)', () => {
  it('holds a root itself and what lies below it, not a sibling with a longer name', () => {
    expect(isWithin('/srv/vms', '/srv/vms')).toBe(true);
    expect(isWithin('/srv/vms', '/srv/vms/a/b')).toBe(true);
    expect(isWithin('/srv/vms', '/srv/vms2')).toBe(false);
    expect(isWithin('/srv/vms', '/srv')).toBe(false);
  });

  it('holds every path below /', () => {
    expect(isWithin('/', '/')).toBe(true);
    expect(isWithin('/', '/etc')).toBe(true);
    expect(isWithin('/', '/srv/vms/a')).toBe(true);
  });
});

describe('createNodeHost host drives', () => {
  it('reports none unless configured, and the configured ones otherwise', () => {
    expect(host.hostDrives?.()).toEqual([]);
    const hostDrives = [{ id: 'PhysicalDrive2', sizeBytes: 2 ** 30, mounted: true }];
    const configured = createNodeHost({
      volumes: [{ drive: 'C', root, fileSystem: 'NTFS' }],
      hostDrives,
    });
    expect(configured.hostDrives?.()).toEqual(hostDrives);
  });
});
