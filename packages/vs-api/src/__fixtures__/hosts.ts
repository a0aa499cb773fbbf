/**
 * Test fixtures: emulated hosts with a controllable clock and deterministic randomness, VHD
 * files written straight through vhd-format, and the checks every created child must pass.
 */
import { createEmulatedHost, type EmulatedHost } from '@vskit/emulator';
import { type Host, temporaryOwnerTag, windowsPath } from '@vskit/host';
import {
  BLOCK_UNUSED,
  createDynamic,
  createFixed,
  decodeDynamicHeader,
  decodeFooter,
  decodeLocatorPath,
  type Footer,
  openChain,
  openImage,
  vhdTimestamp,
} from '@vskit/vhd-format';
import { expect } from 'vitest';
import { parentResolver } from '../parent-resolution.js';

/** The host clock tests control. */
export interface TestClock {
  now: Date;
}

/** Options of {@link testHost}. */
export interface TestHostOptions {
  /** Volumes; default C: NTFS 64 GiB and D: NTFS 64 GiB. */
  volumes?: Parameters<typeof createEmulatedHost>[0]['volumes'];
  /** Host drives; default none. */
  hostDrives?: Parameters<typeof createEmulatedHost>[0]['hostDrives'];
}

/** An emulated host, its clock and a counter of random bytes drawn. */
export function testHost(options: TestHostOptions = {}): { host: EmulatedHost; clock: TestClock } {
  const clock: TestClock = { now: new Date('2026-01-01T00:00:00Z') };
  let seed = 1;
  const host = createEmulatedHost({
    volumes: options.volumes ?? [
      { drive: 'C', fileSystem: 'NTFS', capacityBytes: 64 * 2 ** 30 },
      { drive: 'D', fileSystem: 'NTFS', capacityBytes: 64 * 2 ** 30 },
    ],
    ...(options.hostDrives === undefined ? {} : { hostDrives: options.hostDrives }),
    now: () => clock.now,
    random: (length) =>
      Uint8Array.from({ length }, () => {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        return seed >>> 16;
      }),
  });
  return { host, clock };
}

/**
 * The paths of the temporary files a creation of `imagePath` writes before renaming, for fault
 * rules (`host.faults.failPath('write', temporaryFileOf('C:\\a.vhd'))`).
 */
export function temporaryFileOf(imagePath: string): RegExp {
  const parsed = windowsPath.parseAbsolute(imagePath);
  if (parsed === undefined) throw new Error(`not absolute: ${imagePath}`);
  const tag = temporaryOwnerTag(windowsPath.pathKey(parsed));
  return new RegExp(`\\\\~vskit-${tag}-[0-9a-f]{8}\\.tmp$`, 'i');
}

/** A pattern written into a fixed parent: `bytes` at virtual `offset`. */
export interface Pattern {
  offset: number;
  bytes: Uint8Array;
}

/** Bytes for a pattern: `length` bytes counting up from `start`. */
export function counting(length: number, start = 1): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (start + i) & 0xff);
}

/**
 * Writes a VHD of exactly `sizeBytes` at `path` (its folder made first) with vhd-format directly.
 * A fixed image may
 * carry data patterns (its data starts at offset 0).
 */
export async function writeVhd(
  host: Host,
  path: string,
  o: { type: 'dynamic' | 'fixed'; sizeBytes: number; patterns?: Pattern[] },
): Promise<Footer> {
  const parsed = windowsPath.parseAbsolute(path);
  if (parsed === undefined) throw new Error(`not absolute: ${path}`);
  await host.mkdir(windowsPath.format(windowsPath.dirname(parsed)), { recursive: true });
  const file = await host.open(path, 'createNew');
  const uniqueId = host.randomBytes(16);
  const exact = { sizeBytes: o.sizeBytes, exactSize: true };
  if (o.type === 'fixed') {
    await createFixed(file, { ...exact, uniqueId, timestamp: host.now() });
    for (const p of o.patterns ?? []) await file.write(p.bytes, p.offset);
  } else {
    await createDynamic(file, { ...exact, uniqueId, timestamp: host.now() });
  }
  await file.close();
  return readFooter(host, path);
}

/** The footer of the image at `path`. */
export async function readFooter(host: Host, path: string): Promise<Footer> {
  const file = await host.open(path, 'read');
  const image = await openImage(file);
  const footer = image.footer;
  await image.close();
  await file.close().catch(() => {});
  return footer;
}

/** Reads `length` bytes at `offset` of the virtual disk at `path`, through its chain. */
export async function readVirtual(
  host: Host,
  path: string,
  offset: number,
  length: number,
): Promise<Uint8Array> {
  const parsed = windowsPath.parseAbsolute(path);
  if (parsed === undefined) throw new Error(`not absolute: ${path}`);
  const resolver = parentResolver(host, parsed);
  const file = await host.open(path, 'read');
  const chain = await openChain(file, { openParent: resolver.openParent });
  try {
    const buffer = new Uint8Array(length);
    await chain.read(buffer, offset);
    return buffer;
  } finally {
    await chain.close();
    for (const f of [file, ...resolver.opened]) await f.close().catch(() => {});
  }
}

/** Writes `data` into the disk at `path` through its chain (into its top layer). */
export async function writeThrough(
  host: Host,
  path: string,
  data: readonly Pattern[],
): Promise<void> {
  const parsed = windowsPath.parseAbsolute(path);
  if (parsed === undefined) throw new Error(`not absolute: ${path}`);
  const resolver = parentResolver(host, parsed);
  const top = await host.open(path, 'readWrite');
  const chain = await openChain(top, { openParent: resolver.openParent, writable: true });
  try {
    for (const d of data) await chain.write(d.bytes, d.offset);
  } finally {
    await chain.close();
  }
}

const utf16le = (bytes: Uint8Array) => decodeLocatorPath(0x57326b75, bytes);

/** What a child created by CreateDifferencingVirtualHardDisk must hold. */
export interface ExpectedChild {
  /** The child's absolute path. */
  child: string;
  /** The parent's absolute path (the W2ku text). */
  parent: string;
  /** The W2ru text, or undefined when the parent is on another drive. */
  relative: string | undefined;
  /** The host clock when the child was written, or the window it was written in. */
  created: Date | { notBefore: Date; notAfter: Date };
  /** Patterns whose bytes the child must read as its parent does. */
  patterns?: Pattern[];
}

/**
 * Decodes the child with vhd-format and checks every field of SEMANTICS.md "What the child file
 * holds", then that it reads as its parent through a chain.
 */
export async function expectChild(host: Host, e: ExpectedChild): Promise<void> {
  const bytes = await host.readFile(e.child);
  const parentStat = await host.stat(e.parent);
  if (parentStat === undefined) throw new Error('parent missing');
  const parentFooter = await readFooter(host, e.parent);
  const footerBytes = bytes.subarray(bytes.length - 512);
  expect(new TextDecoder().decode(footerBytes.subarray(0, 8))).toBe('conectix');
  expect(bytes.subarray(0, 512)).toEqual(footerBytes);
  const footer = decodeFooter(footerBytes);
  expect(footer.features).toBe(2);
  expect(footer.fileFormatVersion).toBe(0x00010000);
  expect(footer.dataOffset).toBe(512);
  if (e.created instanceof Date) {
    expect(footer.timestamp).toBe(vhdTimestamp(e.created));
  } else {
    expect(footer.timestamp).toBeGreaterThanOrEqual(vhdTimestamp(e.created.notBefore));
    expect(footer.timestamp).toBeLessThanOrEqual(vhdTimestamp(e.created.notAfter));
  }
  expect(footer.creatorApplication).toBe('vs  ');
  expect(footer.creatorVersion).toBe(0x00010000);
  expect(footer.creatorHostOs).toBe(0x5769326b);
  expect(footer.originalSize).toBe(parentFooter.currentSize);
  expect(footer.currentSize).toBe(parentFooter.currentSize);
  expect(footer.geometry).toEqual(parentFooter.geometry);
  expect(footer.diskType).toBe(4);
  expect(footer.savedState).toBe(0);
  expect(footer.uniqueId).not.toEqual(parentFooter.uniqueId);

  const header = decodeDynamicHeader(bytes.subarray(512, 1536));
  expect(new TextDecoder().decode(bytes.subarray(512, 520))).toBe('cxsparse');
  expect(header.tableOffset).toBe(1536);
  expect(header.headerVersion).toBe(0x00010000);
  expect(header.blockSize).toBe(2 * 2 ** 20);
  expect(header.parentUniqueId).toEqual(parentFooter.uniqueId);
  expect(header.parentTimestamp).toBe(vhdTimestamp(parentStat.mtime));
  const parentName = e.parent.slice(e.parent.lastIndexOf('\\') + 1);
  expect(header.parentUnicodeName).toBe(parentName);
  const [w2ku, w2ru, ...rest] = header.parentLocators;
  expect(w2ku?.platformCode).toBe(0x57326b75);
  const at = (entry: typeof w2ku) =>
    bytes.subarray(
      entry!.platformDataOffset,
      entry!.platformDataOffset + entry!.platformDataLength,
    );
  expect(utf16le(at(w2ku))).toBe(e.parent);
  expect((w2ku?.platformDataSpace ?? 0) % 512).toBe(0);
  if (e.relative === undefined) {
    expect(w2ru?.platformCode).toBe(0);
  } else {
    expect(w2ru?.platformCode).toBe(0x57327275);
    expect(utf16le(at(w2ru))).toBe(e.relative);
  }
  for (const entry of rest) expect(entry.platformCode).toBe(0);
  const bat = new DataView(bytes.buffer, bytes.byteOffset + 1536, header.maxTableEntries * 4);
  for (let i = 0; i < header.maxTableEntries; i++) expect(bat.getUint32(i * 4)).toBe(BLOCK_UNUSED);

  const probes = [...(e.patterns ?? []), { offset: 0, bytes: new Uint8Array(512) }];
  for (const p of probes) {
    expect(await readVirtual(host, e.child, p.offset, p.bytes.length)).toEqual(
      await readVirtual(host, e.parent, p.offset, p.bytes.length),
    );
  }
}
