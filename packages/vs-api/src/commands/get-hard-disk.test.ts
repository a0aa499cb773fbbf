import {
  bitmapByteSize,
  type DynamicHeader,
  decodeDynamicHeader,
  decodeUtf16,
  encodeDynamicHeader,
  encodeUtf16,
} from '@vskit/vhd-format';
import { describe, expect, it } from 'vitest';
import { settledName } from '../__fixtures__/error-names.js';
import { counting, readFooter, testHost, writeVhd } from '../__fixtures__/hosts.js';
import { asCom, type ComVMHardDisk, type OutParam } from '../com.js';
import { HRESULT, hresultName, VMHardDiskType } from '../hresult.js';
import { VirtualServer } from '../virtual-server.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** A host with C:\base\parent.vhd (dynamic 3 GiB) and its child C:\vms\child.vhd. */
async function family() {
  const { host } = testHost();
  await writeVhd(host, 'C:\\base\\parent.vhd', { type: 'dynamic', sizeBytes: 3 * GiB });
  const vs = new VirtualServer(host);
  const task = await vs.createDifferencingVirtualHardDisk(
    'C:\\vms\\child.vhd',
    'C:\\base\\parent.vhd',
  );
  await task.waitForCompletion(-1);
  return { host, vs };
}

/** `bytes` (a child) with its header rewritten by `edit`. */
function editHeader(bytes: Uint8Array, edit: (header: DynamicHeader) => void): Uint8Array {
  const out = bytes.slice();
  const header = decodeDynamicHeader(out.subarray(512, 1536), { verifyChecksum: false });
  edit(header);
  out.set(encodeDynamicHeader(header), 512);
  return out;
}

/** `bytes` (a child) with its parent name stored UTF-16LE. */
function withLittleEndianName(bytes: Uint8Array): Uint8Array {
  const out = editHeader(bytes, (header) => {
    const le = new Uint8Array(512);
    le.set(encodeUtf16(decodeUtf16(header.parentUnicodeNameBytes, 'be'), 'le'));
    header.parentUnicodeNameBytes = le;
    header.parentUnicodeName = decodeUtf16(le, 'be');
  });
  expect(out.subarray(512 + 64, 512 + 84)).toEqual(encodeUtf16('parent.vhd', 'le'));
  return out;
}

/** `bytes` (a child whose name is stored UTF-16LE) with it stored UTF-16BE again. */
function withBigEndianName(bytes: Uint8Array): Uint8Array {
  return editHeader(bytes, (header) => {
    const be = new Uint8Array(512);
    be.set(encodeUtf16('parent.vhd', 'be'));
    header.parentUnicodeNameBytes = be;
    header.parentUnicodeName = 'parent.vhd';
  });
}

/** `bytes` (a child) with one new block that BAT entries 0 and 1 both point to. */
function withOverlappingBlocks(bytes: Uint8Array): Uint8Array {
  const header = decodeDynamicHeader(bytes.subarray(512, 1536));
  const stride = bitmapByteSize(header.blockSize) + header.blockSize;
  const footerPos = bytes.length - 512;
  const out = new Uint8Array(bytes.length + stride);
  out.set(bytes.subarray(0, footerPos));
  out.set(bytes.subarray(footerPos), footerPos + stride);
  const view = new DataView(out.buffer);
  view.setUint32(header.tableOffset, footerPos / 512);
  view.setUint32(header.tableOffset + 4, footerPos / 512);
  return out;
}

/** `bytes` (a child) with its first locator's data placed 1 GiB into a smaller file. */
function withLocatorOutside(bytes: Uint8Array): Uint8Array {
  return editHeader(bytes, (header) => {
    const first = header.parentLocators[0];
    if (first === undefined) throw new Error('the child has no locator');
    first.platformDataOffset = GiB;
  });
}

describe('getHardDisk', () => {
  it('reports a dynamic disk: type, sizes, free space, no parent (S_FALSE on the COM face)', async () => {
    const { host } = testHost();
    await writeVhd(host, 'C:\\d\\dyn.vhd', { type: 'dynamic', sizeBytes: 64 * MiB });
    const vs = new VirtualServer(host);
    const disk = await vs.getHardDisk('c:\\D\\.\\dyn.vhd');
    const stat = await host.stat('C:\\d\\dyn.vhd');
    expect(disk).toEqual({
      file: 'C:\\D\\dyn.vhd',
      type: VMHardDiskType.Dynamic,
      sizeInGuest: 64 * MiB,
      sizeOnHost: stat?.size,
      hostFreeDiskSpace: host.volumeInfo('C')?.freeBytes,
      parent: null,
    });
    const out: OutParam<ComVMHardDisk> = { value: undefined };
    expect(await asCom(vs).GetHardDisk('C:\\d\\dyn.vhd', out)).toBe(HRESULT.S_OK);
    const parent: OutParam<ComVMHardDisk> = { value: undefined };
    expect(await out.value?.get_Parent(parent)).toBe(HRESULT.S_FALSE);
    expect(parent.value).toBeNull();
    expect(out.value?.Type).toBe(VMHardDiskType.Dynamic);
    expect(out.value?.Parent).toBeNull();
    expect(await out.value?.get_Parent(null)).toBe(HRESULT.E_POINTER);
  });

  it('reports a fixed disk', async () => {
    const { host } = testHost();
    await writeVhd(host, 'C:\\f.vhd', { type: 'fixed', sizeBytes: 4 * MiB });
    const disk = await new VirtualServer(host).getHardDisk('C:\\f.vhd');
    expect(disk.type).toBe(VMHardDiskType.FixedSize);
    expect(disk.sizeInGuest).toBe(4 * MiB);
    expect(disk.sizeOnHost).toBe(4 * MiB + 512);
  });

  it('reports a differencing disk with the path where its parent was found', async () => {
    const { vs } = await family();
    const disk = await vs.getHardDisk('C:\\vms\\child.vhd');
    expect(disk.type).toBe(VMHardDiskType.Differencing);
    expect(disk.sizeInGuest).toBe(3 * GiB);
    expect(disk.parent).toBe('C:\\base\\parent.vhd');
    const out: OutParam<ComVMHardDisk> = { value: undefined };
    expect(await asCom(vs).GetHardDisk('C:\\vms\\child.vhd', out)).toBe(HRESULT.S_OK);
    const parent: OutParam<ComVMHardDisk> = { value: undefined };
    expect(await out.value?.get_Parent(parent)).toBe(HRESULT.S_OK);
    expect(parent.value?.File).toBe('C:\\base\\parent.vhd');
    expect(parent.value?.Type).toBe(VMHardDiskType.Dynamic);
  });

  it('finds a moved pair through W2ru (relative to the child folder)', async () => {
    const { host, vs } = await family();
    await host.mkdir('C:\\moved');
    await host.rename('C:\\base', 'C:\\moved\\base');
    await host.rename('C:\\vms', 'C:\\moved\\vms');
    const disk = await vs.getHardDisk('C:\\moved\\vms\\child.vhd');
    expect(disk.parent).toBe('C:\\moved\\base\\parent.vhd');
  });

  it('finds the parent by name in the child folder when no locator leads to a volume the host has', async () => {
    const { host: first, vs: vs1 } = await family();
    const t = await vs1.createDifferencingVirtualHardDisk(
      'D:\\kids\\k.vhd',
      'C:\\base\\parent.vhd',
    );
    await t.waitForCompletion(-1);
    const child = await first.readFile('D:\\kids\\k.vhd');
    const parent = await first.readFile('C:\\base\\parent.vhd');
    // Only drive E: exists now: W2ku (C:\base\...) leads outside the host's volumes, no W2ru.
    const { host } = testHost({ volumes: [{ drive: 'E', fileSystem: 'NTFS' }] });
    await host.mkdir('E:\\kids');
    await host.writeFile('E:\\kids\\k.vhd', child);
    const vs = new VirtualServer(host);
    expect(await settledName(vs.getHardDisk('E:\\kids\\k.vhd'))).toBe('VM_E_PARENT_PATH_NOT_FOUND');
    await host.writeFile('E:\\kids\\PARENT.VHD', parent);
    // The name as the child records it; the host compares names case-insensitively.
    expect((await vs.getHardDisk('E:\\kids\\k.vhd')).parent).toBe('E:\\kids\\parent.vhd');
  });

  it('accepts a parent name stored UTF-16LE (SEMANTICS: either byte order), but not a bad checksum', async () => {
    const { host, vs } = await family();
    const bytes = withLittleEndianName(await host.readFile('C:\\vms\\child.vhd'));
    await host.writeFile('C:\\vms\\child.vhd', bytes);
    // The chain opens (the name's byte order is tolerated) and finds the parent as before.
    expect((await vs.getHardDisk('C:\\vms\\child.vhd')).parent).toBe('C:\\base\\parent.vhd');
    // As a parent itself: a grandchild can be made of it.
    const task = await vs.createDifferencingVirtualHardDisk('C:\\vms\\grandchild.vhd', 'child.vhd');
    await task.waitForCompletion(-1);
    expect(task.error).toBe(HRESULT.S_OK);
    bytes.set([(bytes[512 + 39] ?? 0) ^ 1], 512 + 39);
    await host.writeFile('C:\\vms\\child.vhd', bytes);
    expect(await settledName(vs.getHardDisk('C:\\vms\\child.vhd'))).toBe('VM_E_INVALID_HD_FILE');
    expect(
      await settledName(vs.createDifferencingVirtualHardDisk('C:\\vms\\g2.vhd', 'child.vhd')),
    ).toBe('VM_E_INVALID_HD_FILE');
  });

  it.each([
    ['overlapping blocks', withOverlappingBlocks],
    ['a locator outside the file', withLocatorOutside],
  ])(
    'a UTF-16LE parent name tolerates nothing else: %s is VM_E_INVALID_HD_FILE',
    async (_, damage) => {
      const { host, vs } = await family();
      const sound = withLittleEndianName(await host.readFile('C:\\vms\\child.vhd'));
      await host.writeFile('C:\\vms\\child.vhd', damage(sound));
      expect(await settledName(vs.getHardDisk('C:\\vms\\child.vhd'))).toBe('VM_E_INVALID_HD_FILE');
      expect(
        await settledName(vs.createDifferencingVirtualHardDisk('C:\\vms\\g.vhd', 'child.vhd')),
      ).toBe('VM_E_INVALID_HD_FILE');
      expect(await host.stat('C:\\vms\\g.vhd')).toBeUndefined();
      // The same damage under a big-endian name is refused the same way.
      await host.writeFile('C:\\vms\\child.vhd', damage(withBigEndianName(sound)));
      expect(await settledName(vs.getHardDisk('C:\\vms\\child.vhd'))).toBe('VM_E_INVALID_HD_FILE');
    },
  );

  it('VM_E_PARENT_CHILD_ID_MISMATCH when the parent found is another disk', async () => {
    const { host, vs } = await family();
    await host.unlink('C:\\base\\parent.vhd');
    await writeVhd(host, 'C:\\base\\parent.vhd', { type: 'dynamic', sizeBytes: 3 * GiB });
    expect(await settledName(vs.getHardDisk('C:\\vms\\child.vhd'))).toBe(
      'VM_E_PARENT_CHILD_ID_MISMATCH',
    );
  });

  it('VM_E_PARENT_PATH_NOT_FOUND when the parent is gone', async () => {
    const { host, vs } = await family();
    await host.unlink('C:\\base\\parent.vhd');
    expect(await settledName(vs.getHardDisk('C:\\vms\\child.vhd'))).toBe(
      'VM_E_PARENT_PATH_NOT_FOUND',
    );
  });

  it('VM_E_INVALID_HD_FILE for a file that is not a VHD, or a corrupt parent', async () => {
    const { host, vs } = await family();
    await host.writeFile('C:\\junk.vhd', counting(2048));
    expect(await settledName(vs.getHardDisk('C:\\junk.vhd'))).toBe('VM_E_INVALID_HD_FILE');
    const footer = await readFooter(host, 'C:\\base\\parent.vhd');
    expect(footer.diskType).toBe(3);
    const bytes = await host.readFile('C:\\base\\parent.vhd');
    bytes.set([(bytes[bytes.length - 512] ?? 0) ^ 0xff], bytes.length - 512);
    bytes.set([(bytes[0] ?? 0) ^ 0xff], 0);
    await host.writeFile('C:\\base\\parent.vhd', bytes);
    expect(await settledName(vs.getHardDisk('C:\\vms\\child.vhd'))).toBe('VM_E_INVALID_HD_FILE');
  });

  it('VM_E_HD_IMAGE_OPEN_FAIL when the host cannot open the file', async () => {
    const { host, vs } = await family();
    host.faults.failPath('open', /child\.vhd$/i, 'EACCES');
    expect(await settledName(vs.getHardDisk('C:\\vms\\child.vhd'))).toBe('VM_E_HD_IMAGE_OPEN_FAIL');
  });

  it('argument and path errors, in order', async () => {
    const { host, vs } = await family();
    await host.writeFile('C:\\afile', counting(3));
    const rows: Array<[string | null | undefined, string]> = [
      [null, 'E_POINTER'],
      [undefined, 'E_POINTER'],
      ['C:\\vms\\ch|ld.vhd', 'E_INVALID_NAME'],
      ['child.vhd', 'E_BAD_PATHNAME'],
      ['', 'E_BAD_PATHNAME'],
      [`C:\\${'x'.repeat(260)}.vhd`, 'E_BUFFER_OVERFLOW'],
      ['Q:\\child.vhd', 'E_PATH_NOT_FOUND'],
      ['C:\\nowhere\\child.vhd', 'E_PATH_NOT_FOUND'],
      ['C:\\afile\\child.vhd', 'E_PATH_NOT_FOUND'],
      ['C:\\vms\\none.vhd', 'E_FILE_NOT_FOUND'],
      ['C:\\vms', 'E_FILE_NOT_FOUND'],
    ];
    const before = await host.snapshot();
    for (const [path, code] of rows) {
      expect(await settledName(vs.getHardDisk(path)), String(path)).toBe(code);
      const out: OutParam<ComVMHardDisk> = { value: undefined };
      expect(hresultName(await asCom(vs).GetHardDisk(path, out))).toBe(code);
    }
    expect(await host.snapshot()).toEqual(before);
  });

  it('answers during shutdown (it changes nothing)', async () => {
    const { host, vs } = await family();
    host.beginShutdown();
    expect((await vs.getHardDisk('C:\\vms\\child.vhd')).type).toBe(VMHardDiskType.Differencing);
  });
});
