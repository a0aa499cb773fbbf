import type { EmulatedHost } from '@vskit/emulator';
import { describe, expect, it } from 'vitest';
import { testHost } from '../__fixtures__/hosts.js';
import { asCom, type ComVirtualServer, type OutParam } from '../com.js';
import { HRESULT, type HResultName, hresultName } from '../hresult.js';
import { VirtualServer } from '../virtual-server.js';

const LONG = `C:\\${'a'.repeat(260)}`;
const FILES = [
  'C:\\vms\\a.vhd',
  'C:\\vms\\B.VHD',
  'C:\\vms\\sub\\deep\\c.vhd',
  'C:\\vms\\folder.vhd\\x.vhd',
  'C:\\vms\\notes.txt',
  'C:\\vms\\x.vhdx',
  'C:\\vms\\vhd',
  'C:\\vms\\~vskit-0123abcd-89abcdef.tmp',
  'C:\\vms\\f.vfd',
  'C:\\iso\\d.iso',
  'C:\\iso\\E.ISO',
  'D:\\more\\z.vhd',
];
const IN_VMS = [
  'C:\\vms\\a.vhd',
  'C:\\vms\\B.VHD',
  'C:\\vms\\folder.vhd\\x.vhd',
  'C:\\vms\\sub\\deep\\c.vhd',
];

async function searchHost(): Promise<{ host: EmulatedHost; com: ComVirtualServer }> {
  const { host } = testHost();
  for (const file of FILES) {
    await host.mkdir(file.slice(0, file.lastIndexOf('\\')), { recursive: true });
    await host.writeFile(file, new Uint8Array(1));
  }
  await host.mkdir('C:\\empty');
  return { host, com: asCom(new VirtualServer(host)) };
}

interface FilesRow {
  name: string;
  method: 'GetHardDiskFiles' | 'GetFloppyDiskFiles' | 'GetDVDFiles';
  searchPaths?: string[];
  additional: unknown;
  nullOut?: boolean;
  hr: HResultName;
  files?: string[];
}

const FILES_ROWS: FilesRow[] = [
  {
    name: 'no paths: nothing',
    method: 'GetHardDiskFiles',
    additional: undefined,
    hr: 'S_OK',
    files: [],
  },
  {
    name: 'null additional: SearchPaths only',
    method: 'GetHardDiskFiles',
    searchPaths: ['C:\\vms'],
    additional: null,
    hr: 'S_OK',
    files: IN_VMS,
  },
  {
    name: 'subfolders, any case, sorted, no folders, no temporary files',
    method: 'GetHardDiskFiles',
    additional: ['C:\\vms'],
    hr: 'S_OK',
    files: IN_VMS,
  },
  {
    name: 'SearchPaths and additional, overlapping, once each',
    method: 'GetHardDiskFiles',
    searchPaths: ['C:\\vms'],
    additional: ['c:\\VMS\\sub', 'D:\\more'],
    hr: 'S_OK',
    files: [...IN_VMS, 'D:\\more\\z.vhd'],
  },
  {
    name: 'unusable additional paths are skipped',
    method: 'GetHardDiskFiles',
    additional: ['vms', 'Z:\\x', 'C:\\nope', 'C:\\vms\\a.vhd', 'C:\\a?b', LONG, 'C:\\empty'],
    hr: 'S_OK',
    files: [],
  },
  {
    name: 'a drive root',
    method: 'GetHardDiskFiles',
    additional: ['D:\\'],
    hr: 'S_OK',
    files: ['D:\\more\\z.vhd'],
  },
  {
    name: 'floppies',
    method: 'GetFloppyDiskFiles',
    additional: ['C:\\'],
    hr: 'S_OK',
    files: ['C:\\vms\\f.vfd'],
  },
  {
    name: 'DVDs',
    method: 'GetDVDFiles',
    additional: ['C:\\'],
    hr: 'S_OK',
    files: ['C:\\iso\\d.iso', 'C:\\iso\\E.ISO'],
  },
  {
    name: 'a string, not an array',
    method: 'GetHardDiskFiles',
    additional: 'C:\\vms',
    hr: 'E_INVALIDARG',
  },
  {
    name: 'a number in the array',
    method: 'GetFloppyDiskFiles',
    additional: ['C:\\vms', 1],
    hr: 'E_INVALIDARG',
  },
  { name: 'null in the array', method: 'GetDVDFiles', additional: [null], hr: 'E_INVALIDARG' },
  { name: 'an object', method: 'GetHardDiskFiles', additional: {}, hr: 'E_INVALIDARG' },
  { name: 'null out', method: 'GetHardDiskFiles', additional: [], nullOut: true, hr: 'E_POINTER' },
  {
    name: 'null out before a bad array',
    method: 'GetDVDFiles',
    additional: 7,
    nullOut: true,
    hr: 'E_POINTER',
  },
];

describe('GetHardDiskFiles / GetFloppyDiskFiles / GetDVDFiles', () => {
  it.each(FILES_ROWS.map((row) => [`${row.method}: ${row.name} -> ${row.hr}`, row] as const))(
    '%s',
    async (_, row) => {
      const { host, com } = await searchHost();
      if (row.searchPaths) expect(await com.put_SearchPaths(row.searchPaths)).toBe(HRESULT.S_OK);
      const before = await host.snapshot();
      const out: OutParam<string[]> = { value: undefined };
      const hr = await com[row.method](row.additional as string[], row.nullOut ? null : out);
      expect(hresultName(hr)).toBe(row.hr);
      expect(out.value).toEqual(row.files);
      expect(await host.snapshot()).toEqual(before);
    },
  );

  it('never reports the temporary file of a creation under way', async () => {
    const { host } = await searchHost();
    const vs = new VirtualServer(host);
    const task = await vs.createFixedVirtualHardDisk('C:\\vms\\new.vhd', 64);
    const during = await vs.getHardDiskFiles(['C:\\vms']);
    await task.waitForCompletion(-1);
    expect(during.every((p) => IN_VMS.includes(p) || p === 'C:\\vms\\new.vhd')).toBe(true);
    expect(await vs.getHardDiskFiles(['C:\\vms'])).toContain('C:\\vms\\new.vhd');
  });
});

interface PathsRow {
  name: string;
  put: unknown;
  hr: HResultName;
  /** What get_SearchPaths answers afterwards (the put value, or still the earlier one). */
  after: string[];
}

const EARLIER = ['C:\\iso'];
const PATHS_ROWS: PathsRow[] = [
  {
    name: 'normalised, one per folder',
    put: ['C:\\vms', 'c:\\VMS\\', 'D:\\more\\.\\'],
    hr: 'S_OK',
    after: ['C:\\vms', 'D:\\more'],
  },
  { name: 'none', put: [], hr: 'S_OK', after: [] },
  { name: 'a drive root', put: ['C:\\'], hr: 'S_OK', after: ['C:\\'] },
  { name: 'null', put: null, hr: 'E_INVALIDARG', after: EARLIER },
  { name: 'undefined', put: undefined, hr: 'E_INVALIDARG', after: EARLIER },
  { name: 'a string', put: 'C:\\vms', hr: 'E_INVALIDARG', after: EARLIER },
  { name: 'a number inside', put: ['C:\\vms', 1], hr: 'E_INVALIDARG', after: EARLIER },
  {
    name: 'a non-string after a bad path',
    put: ['C:\\nope', null],
    hr: 'E_INVALIDARG',
    after: EARLIER,
  },
  { name: 'a bad character', put: ['C:\\a?'], hr: 'E_INVALID_NAME', after: EARLIER },
  { name: 'a bad character before relative', put: ['a?'], hr: 'E_INVALID_NAME', after: EARLIER },
  { name: 'relative', put: ['vms'], hr: 'E_BAD_PATHNAME', after: EARLIER },
  {
    name: 'relative before too long',
    put: ['a'.repeat(270)],
    hr: 'E_BAD_PATHNAME',
    after: EARLIER,
  },
  { name: '260 characters', put: [LONG], hr: 'E_BUFFER_OVERFLOW', after: EARLIER },
  {
    name: 'too long before no volume',
    put: [LONG.replace('C:', 'Z:')],
    hr: 'E_BUFFER_OVERFLOW',
    after: EARLIER,
  },
  { name: 'no volume', put: ['Z:\\vms'], hr: 'E_PATH_NOT_FOUND', after: EARLIER },
  {
    name: 'a missing folder on the way',
    put: ['C:\\nope\\x'],
    hr: 'E_PATH_NOT_FOUND',
    after: EARLIER,
  },
  {
    name: 'a file on the way',
    put: ['C:\\vms\\notes.txt\\x'],
    hr: 'E_PATH_NOT_FOUND',
    after: EARLIER,
  },
  { name: 'a missing folder', put: ['C:\\nope'], hr: 'E_FILE_NOT_FOUND', after: EARLIER },
  { name: 'a file', put: ['C:\\vms\\notes.txt'], hr: 'E_FILE_NOT_FOUND', after: EARLIER },
  {
    name: 'the first bad path decides',
    put: ['C:\\vms', 'C:\\nope', 'C:\\a?'],
    hr: 'E_FILE_NOT_FOUND',
    after: EARLIER,
  },
  {
    name: 'the first bad path decides, the other way',
    put: ['C:\\a?', 'C:\\nope'],
    hr: 'E_INVALID_NAME',
    after: EARLIER,
  },
];

describe('SearchPaths', () => {
  it.each(PATHS_ROWS.map((row) => [`${row.name} -> ${row.hr}`, row] as const))(
    '%s',
    async (_, row) => {
      const { host, com } = await searchHost();
      expect(await com.put_SearchPaths(EARLIER)).toBe(HRESULT.S_OK);
      const before = await host.snapshot();
      expect(hresultName(await com.put_SearchPaths(row.put as string[]))).toBe(row.hr);
      const out: OutParam<string[]> = { value: undefined };
      expect(await com.get_SearchPaths(out)).toBe(HRESULT.S_OK);
      expect(out.value).toEqual(row.after);
      expect(await host.snapshot()).toEqual(before);
    },
  );

  it('starts empty, answers E_POINTER for a null out, and is shared by the servers of a host', async () => {
    const { host, com } = await searchHost();
    const out: OutParam<string[]> = { value: undefined };
    expect(await com.get_SearchPaths(out)).toBe(HRESULT.S_OK);
    expect(out.value).toEqual([]);
    expect(await com.get_SearchPaths(null)).toBe(HRESULT.E_POINTER);
    await com.put_SearchPaths(['C:\\vms']);
    expect(await new VirtualServer(host).getSearchPaths()).toEqual(['C:\\vms']);
    // the copy handed out is not the stored list
    out.value?.push('C:\\x');
    expect(await new VirtualServer(host).getSearchPaths()).toEqual(['C:\\vms']);
  });
});

interface DefaultRow {
  name: string;
  put: unknown;
  hr: HResultName;
  after: string;
}

const DEFAULT = 'C:\\Documents and Settings\\All Users\\Documents\\Shared Virtual Machines\\';
const DEFAULT_ROWS: DefaultRow[] = [
  { name: 'a folder gets its backslash', put: 'c:\\VMS', hr: 'S_OK', after: 'C:\\VMS\\' },
  { name: 'with a backslash already', put: 'C:\\vms\\sub\\', hr: 'S_OK', after: 'C:\\vms\\sub\\' },
  { name: 'a drive root', put: 'D:\\', hr: 'S_OK', after: 'D:\\' },
  { name: 'null', put: null, hr: 'E_POINTER', after: DEFAULT },
  { name: 'not a string', put: 5, hr: 'E_INVALIDARG', after: DEFAULT },
  { name: 'a bad character', put: 'C:\\v|ms', hr: 'E_INVALID_NAME', after: DEFAULT },
  { name: 'a bad character before relative', put: 'v|ms', hr: 'E_INVALID_NAME', after: DEFAULT },
  { name: 'relative', put: 'vms', hr: 'E_BAD_PATHNAME', after: DEFAULT },
  { name: 'empty', put: '', hr: 'E_BAD_PATHNAME', after: DEFAULT },
  { name: '260 characters', put: LONG, hr: 'E_BUFFER_OVERFLOW', after: DEFAULT },
  { name: 'no volume', put: 'Z:\\vms', hr: 'E_PATH_NOT_FOUND', after: DEFAULT },
  {
    name: 'a missing folder on the way',
    put: 'C:\\nope\\x',
    hr: 'E_PATH_NOT_FOUND',
    after: DEFAULT,
  },
  { name: 'a missing folder', put: 'C:\\nope', hr: 'E_FILE_NOT_FOUND', after: DEFAULT },
  { name: 'a file', put: 'C:\\vms\\notes.txt', hr: 'E_FILE_NOT_FOUND', after: DEFAULT },
];

describe('DefaultVMConfigurationPath', () => {
  it.each(DEFAULT_ROWS.map((row) => [`${row.name} -> ${row.hr}`, row] as const))(
    '%s',
    async (_, row) => {
      const { host, com } = await searchHost();
      const before = await host.snapshot();
      expect(hresultName(await com.put_DefaultVMConfigurationPath(row.put as string))).toBe(row.hr);
      const out: OutParam<string> = { value: undefined };
      expect(await com.get_DefaultVMConfigurationPath(out)).toBe(HRESULT.S_OK);
      expect(out.value).toBe(row.after);
      expect(await host.snapshot()).toEqual(before);
    },
  );

  it('answers E_POINTER for a null out', async () => {
    const { com } = await searchHost();
    expect(await com.get_DefaultVMConfigurationPath(null)).toBe(HRESULT.E_POINTER);
  });
});
