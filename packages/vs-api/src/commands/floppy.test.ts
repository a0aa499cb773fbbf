import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmulatedHost } from '@vskit/emulator';
import { describe, expect, it } from 'vitest';
import { temporaryFileOf, testHost } from '../__fixtures__/hosts.js';
import { asCom, type OutParam } from '../com.js';
import { HRESULT, type HResultName, hresultName, VMFloppyDiskImageType } from '../hresult.js';
import { VirtualServer } from '../virtual-server.js';

const LOW = VMFloppyDiskImageType.LowDensity;
const HIGH = VMFloppyDiskImageType.HighDensity;
const LONG = `C:\\${'a'.repeat(260)}.vfd`;

/** C: NTFS with C:\file.txt, C:\taken.vfd and C:\folder; D: FAT16 with 256 KiB free. */
async function floppyHost(): Promise<{ host: EmulatedHost; vs: VirtualServer }> {
  const { host } = testHost({
    volumes: [
      { drive: 'C', fileSystem: 'NTFS', capacityBytes: 2 ** 30 },
      { drive: 'D', fileSystem: 'FAT16', capacityBytes: 2 ** 30, freeBytes: 256 * 1024 },
    ],
  });
  await host.writeFile('C:\\file.txt', new Uint8Array(3));
  await host.writeFile('C:\\taken.vfd', new Uint8Array(10));
  await host.mkdir('C:\\folder');
  return { host, vs: new VirtualServer(host) };
}

interface CreateRow {
  name: string;
  path: string | null;
  type: unknown;
  hr: HResultName;
  /** Prepare the host (faults, shutdown). */
  before?: (host: EmulatedHost) => void;
}

const CREATE_ROWS: CreateRow[] = [
  { name: '720 KB', path: 'C:\\f\\low.vfd', type: LOW, hr: 'S_OK' },
  { name: '1.44 MB in folders it makes', path: 'C:\\a\\b\\high.vfd', type: HIGH, hr: 'S_OK' },
  {
    name: 'after shutdown began (no such code is documented)',
    path: 'C:\\late.vfd',
    type: HIGH,
    hr: 'S_OK',
    before: (host) => host.beginShutdown(),
  },
  { name: 'null path', path: null, type: HIGH, hr: 'E_POINTER' },
  { name: 'null path before a bad type', path: null, type: 7, hr: 'E_POINTER' },
  ...([0, 3, 4, 5, 6, -1, 1.5, '2', null] as unknown[]).map(
    (type): CreateRow => ({
      name: `type ${JSON.stringify(type)}`,
      path: 'C:\\x.vfd',
      type,
      hr: 'E_INVALIDARG',
    }),
  ),
  { name: 'a bad type before a bad name', path: 'C:\\a?.vfd', type: 3, hr: 'E_INVALIDARG' },
  { name: 'a bad character', path: 'C:\\a?.vfd', type: LOW, hr: 'E_INVALID_NAME' },
  { name: 'a bad character before relative', path: 'a|b.vfd', type: LOW, hr: 'E_INVALID_NAME' },
  { name: 'relative', path: 'f.vfd', type: LOW, hr: 'E_BAD_PATHNAME' },
  { name: 'empty', path: '', type: LOW, hr: 'E_BAD_PATHNAME' },
  { name: 'rooted without a drive', path: '\\f.vfd', type: LOW, hr: 'E_BAD_PATHNAME' },
  {
    name: 'relative before too long',
    path: 'a'.repeat(270),
    type: LOW,
    hr: 'E_BAD_PATHNAME',
  },
  { name: '260 characters', path: LONG, type: LOW, hr: 'E_BUFFER_OVERFLOW' },
  {
    name: 'too long before no volume',
    path: LONG.replace('C:', 'Z:'),
    type: LOW,
    hr: 'E_BUFFER_OVERFLOW',
  },
  { name: 'no such volume', path: 'Z:\\f.vfd', type: LOW, hr: 'E_PATH_NOT_FOUND' },
  { name: 'a file on the way', path: 'C:\\file.txt\\f.vfd', type: LOW, hr: 'E_PATH_NOT_FOUND' },
  { name: 'a file there', path: 'c:\\TAKEN.vfd', type: LOW, hr: 'E_ALREADY_EXISTS' },
  { name: 'a folder there', path: 'C:\\folder', type: LOW, hr: 'E_ALREADY_EXISTS' },
  { name: 'too little space', path: 'D:\\f.vfd', type: HIGH, hr: 'E_DISK_FULL' },
  {
    name: 'the volume fills while it writes',
    path: 'C:\\w\\f.vfd',
    type: HIGH,
    hr: 'E_DISK_FULL',
    before: (host) => host.faults.failPath('write', temporaryFileOf('C:\\w\\f.vfd'), 'ENOSPC'),
  },
  {
    name: 'an I/O error while it writes',
    path: 'C:\\w\\f.vfd',
    type: HIGH,
    hr: 'DISP_E_EXCEPTION',
    before: (host) => host.faults.failPath('write', temporaryFileOf('C:\\w\\f.vfd'), 'EIO'),
  },
  {
    name: 'another process takes the name first',
    path: 'C:\\race.vfd',
    type: HIGH,
    hr: 'E_ALREADY_EXISTS',
    before: (host) => host.faults.failPath('rename', /race\.vfd$/i, 'EEXIST'),
  },
];

describe('CreateFloppyDiskImage', () => {
  it.each(CREATE_ROWS.map((row) => [`${row.name} -> ${row.hr}`, row] as const))(
    '%s',
    async (_, row) => {
      const { host, vs } = await floppyHost();
      row.before?.(host);
      const before = await host.snapshot();
      const hr = await asCom(vs).CreateFloppyDiskImage(row.path, row.type as VMFloppyDiskImageType);
      expect(hresultName(hr)).toBe(row.hr);
      host.faults.clear();
      if (row.hr !== 'S_OK') {
        expect(await host.snapshot()).toEqual(before);
        return;
      }
      const path = row.path as string;
      const bytes = await host.readFile(path);
      expect(bytes.length).toBe(row.type === LOW ? 737_280 : 1_474_560);
      expect([...bytes.subarray(510, 512)]).toEqual([0x55, 0xaa]);
      expect(new TextDecoder().decode(bytes.subarray(54, 62))).toBe('FAT12   ');
      expect(bytes[21]).toBe(row.type === LOW ? 0xf9 : 0xf0);
      const out: OutParam<VMFloppyDiskImageType> = { value: undefined };
      expect(await asCom(vs).GetFloppyDiskImageType(path, out)).toBe(HRESULT.S_OK);
      expect(out.value).toBe(row.type);
      // exactly the image and the folders it made appeared: no temporary file stays
      const paths = (snapshot: typeof before) =>
        snapshot.volumes.flatMap((v) => v.entries.map((e) => e.path));
      const had = new Set(paths(before));
      const segments = path.split('\\');
      const expected = segments
        .slice(2)
        .map((_, i) => segments.slice(0, i + 2).join('\\'))
        .filter((p) => !had.has(p));
      expect(paths(await host.snapshot()).filter((p) => !had.has(p))).toEqual([...expected, path]);
    },
  );

  it('the promise face resolves to nothing and rejects with the VsError', async () => {
    const { vs } = await floppyHost();
    await expect(vs.createFloppyDiskImage('C:\\p.vfd', HIGH)).resolves.toBeUndefined();
    await expect(vs.createFloppyDiskImage('C:\\p.vfd', HIGH)).rejects.toMatchObject({
      name: 'E_ALREADY_EXISTS',
      argument: 'imagePath',
    });
  });
});

interface TypeRow {
  name: string;
  path: string | null;
  /** Out-parameter null instead of an object. */
  nullOut?: boolean;
  hr: HResultName;
  value?: VMFloppyDiskImageType;
}

const SIZES: Array<[VMFloppyDiskImageType, number]> = [
  [VMFloppyDiskImageType.LowDensitySingleSided, 368_640],
  [LOW, 737_280],
  [VMFloppyDiskImageType.MediumDensity, 1_228_800],
  [HIGH, 1_474_560],
  [VMFloppyDiskImageType.DMF, 1_720_320],
  [VMFloppyDiskImageType.HighDensityMSS, 1_884_160],
];

const TYPE_ROWS: TypeRow[] = [
  ...SIZES.map(
    ([value, size]): TypeRow => ({
      name: `${size} bytes`,
      path: `C:\\sizes\\${size}.vfd`,
      hr: 'S_OK',
      value,
    }),
  ),
  { name: 'null path', path: null, hr: 'E_POINTER' },
  { name: 'null out before a missing file', path: 'C:\\none.vfd', nullOut: true, hr: 'E_POINTER' },
  { name: 'a bad character', path: 'C:\\a*.vfd', hr: 'E_INVALID_NAME' },
  { name: 'a bad character before relative', path: 'a*.vfd', hr: 'E_INVALID_NAME' },
  { name: 'relative', path: 'a.vfd', hr: 'E_BAD_PATHNAME' },
  { name: '260 characters', path: LONG, hr: 'E_BUFFER_OVERFLOW' },
  { name: 'no such volume', path: 'Z:\\a.vfd', hr: 'E_PATH_NOT_FOUND' },
  {
    name: 'a missing folder before a missing file',
    path: 'C:\\nope\\a.vfd',
    hr: 'E_PATH_NOT_FOUND',
  },
  { name: 'no file', path: 'C:\\none.vfd', hr: 'E_FILE_NOT_FOUND' },
  { name: 'a folder', path: 'C:\\folder', hr: 'E_FILE_NOT_FOUND' },
  { name: 'a size no floppy has', path: 'C:\\taken.vfd', hr: 'DISP_E_EXCEPTION' },
];

describe('GetFloppyDiskImageType', () => {
  it.each(TYPE_ROWS.map((row) => [`${row.name} -> ${row.hr}`, row] as const))(
    '%s',
    async (_, row) => {
      const { host, vs } = await floppyHost();
      await host.mkdir('C:\\sizes');
      for (const [, size] of SIZES) {
        await host.writeFile(`C:\\sizes\\${size}.vfd`, new Uint8Array(size));
      }
      const before = await host.snapshot();
      const out: OutParam<VMFloppyDiskImageType> = { value: undefined };
      const hr = await asCom(vs).GetFloppyDiskImageType(row.path, row.nullOut ? null : out);
      expect(hresultName(hr)).toBe(row.hr);
      expect(out.value).toBe(row.value);
      expect(await host.snapshot()).toEqual(before);
    },
  );
});

/** Whether `command args` runs; why not otherwise. */
function tool(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.error !== undefined) return `${command}: ${result.error.message}`;
  return undefined;
}

const missing = tool('mdir', ['--version']) ?? tool('fsck.fat', ['--help']);
const required = process.env.VSKIT_REQUIRE_PEERS === '1';

describe('a new floppy image is a FAT12 file system mtools and fsck.fat accept', () => {
  if (missing !== undefined && !required) {
    // Skipped, not failed, only when peers are not required: the reason is in the name.
    it.skip(`needs mtools and dosfstools (${missing}); VSKIT_REQUIRE_PEERS=1 fails instead`, () => {});
    return;
  }
  it.each([
    ['720 KB', LOW],
    ['1.44 MB', HIGH],
  ] as const)('%s', async (_, type) => {
    if (missing !== undefined) {
      throw new Error(
        `mtools and dosfstools are required (VSKIT_REQUIRE_PEERS=1) but missing: ${missing}. Install them: apt-get install mtools dosfstools`,
      );
    }
    const { host, vs } = await floppyHost();
    await vs.createFloppyDiskImage('C:\\f.vfd', type);
    const dir = await mkdtemp(join(tmpdir(), 'vskit-floppy-'));
    try {
      const file = join(dir, 'f.vfd');
      await writeFile(file, await host.readFile('C:\\f.vfd'));
      const fsck = spawnSync('fsck.fat', ['-n', '-v', file], { encoding: 'utf8' });
      expect(fsck.status, fsck.stdout + fsck.stderr).toBe(0);
      expect(fsck.stdout).toMatch(/2 FATs, 12 bit entries/);
      const env = { ...process.env, MTOOLS_SKIP_CHECK: '0' };
      const info = spawnSync('minfo', ['-i', file, '::'], { encoding: 'utf8', env });
      expect(info.status, info.stderr).toBe(0);
      expect(info.stdout).toContain(`media descriptor byte: 0x${type === LOW ? 'f9' : 'f0'}`);
      expect(info.stdout).toContain('disk type="FAT12   "');
      await writeFile(join(dir, 'hello.txt'), 'hello');
      const copy = spawnSync('mcopy', ['-i', file, join(dir, 'hello.txt'), '::HELLO.TXT'], {
        encoding: 'utf8',
        env,
      });
      expect(copy.status, copy.stderr).toBe(0);
      const dirList = spawnSync('mdir', ['-i', file, '::'], { encoding: 'utf8', env });
      expect(dirList.stdout).toMatch(/HELLO\s+TXT/);
      const again = spawnSync('fsck.fat', ['-n', file], { encoding: 'utf8' });
      expect(again.status, again.stdout + again.stderr).toBe(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
