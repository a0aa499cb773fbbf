/**
 * Sets a generated {@link HostState} up on a subject's host through the {@link Host} interface:
 * folders, junk files, parent VHDs (built by the suite from the VHD specification, corrupted
 * where the state says), a filler file that brings free space to an edge, and shutdown.
 * @module
 */
import type { Host } from '@vskit/host';
import { windowsPath } from '@vskit/host';
import type { HostFacts } from '../model.js';
import type { DiskSpec, EntrySpec, HostState } from '../state.js';
import { layoutOf } from '../state.js';
import { type ComServer, type Subject, toCom } from '../subject.js';
import { ProbeHost } from './probe-host.js';
import {
  dynamicImage,
  FOOTER,
  fixedImage,
  HEADER,
  type SparseImage,
  vhdSeconds,
} from './vhd-bytes.js';

/** Name of the file that takes up space to reach a free-space edge. */
export const FILLER_NAME = 'fill.$$$';

/** A subject's host with a state set up, the server on it and what the model needs to know. */
export interface Prepared {
  /** The subject's own host. */
  readonly host: Host;
  /** The wrapper handed to the server. */
  readonly probe: ProbeHost;
  /** The server, COM face. */
  readonly server: ComServer;
  /** Free space per drive after setup. */
  readonly facts: HostFacts;
  /** Releases the host. */
  dispose(): Promise<void>;
}

/** A stable 16-byte id derived from a text (so replays are byte-identical). */
export function stableId(text: string): Uint8Array {
  const out = new Uint8Array(16);
  let h = 0x811c9dc5;
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < text.length; j++) {
      h = Math.imul(h ^ text.charCodeAt(j), 0x01000193) >>> 0;
    }
    h = Math.imul(h ^ i, 0x01000193) >>> 0;
    out[i] = h & 0xff;
  }
  return out;
}

const imageCache = new Map<string, SparseImage>();

/** The bytes of a disk as the state describes it (cached; corruption applied). */
export function diskImage(disk: DiskSpec, path: string, timestamp: number): SparseImage {
  const key = `${disk.type}|${disk.sizeBytes}|${disk.corruption}|${path}|${timestamp}`;
  const cached = imageCache.get(key);
  if (cached !== undefined) return cached;
  const id = stableId(path);
  const clean =
    disk.type === 'dynamic'
      ? dynamicImage(disk.sizeBytes, timestamp, id)
      : fixedImage(disk.sizeBytes, timestamp, id);
  const image = corrupt(clean, disk);
  if (imageCache.size > 64) imageCache.clear();
  imageCache.set(key, image);
  return image;
}

/** Adds one to the byte at `offset` of the file, in whichever extent holds it. */
function bump(image: SparseImage, offset: number, value?: number): SparseImage {
  return {
    length: image.length,
    extents: image.extents.map((extent) => {
      if (offset < extent.offset || offset >= extent.offset + extent.bytes.length) return extent;
      const bytes = extent.bytes.slice();
      const at = offset - extent.offset;
      bytes[at] = value ?? ((bytes[at] as number) + 1) & 0xff;
      return { offset: extent.offset, bytes };
    }),
  };
}

function corrupt(image: SparseImage, disk: DiskSpec): SparseImage {
  if (disk.corruption === null) return image;
  const footers = disk.type === 'dynamic' ? [0, image.length - 512] : [image.length - 512];
  const eachFooter = (field: number, value?: number) =>
    footers.reduce((out, at) => bump(out, at + field, value), image);
  const headerless = disk.type === 'fixed';
  switch (disk.corruption) {
    case 'footer-cookie':
      return eachFooter(FOOTER.cookie, 0x43); // 'C'onectix
    case 'footer-checksum':
      return eachFooter(FOOTER.checksum + 3);
    case 'header-cookie':
      return headerless ? eachFooter(FOOTER.cookie, 0x43) : bump(image, 512 + HEADER.cookie, 0x58);
    case 'header-checksum':
      return headerless ? eachFooter(FOOTER.checksum + 3) : bump(image, 512 + HEADER.checksum + 3);
    case 'truncated':
      return { length: 300, extents: [{ offset: 0, bytes: new Uint8Array(300).fill(7) }] };
    case 'empty':
      return { length: 0, extents: [] };
    case 'junk':
      return { length: 2048, extents: [{ offset: 0, bytes: junkBytes(2048) }] };
  }
}

/** Writes a sparse image to a new file on the host. */
export async function writeImage(host: Host, path: string, image: SparseImage): Promise<void> {
  const file = await host.open(path, 'createNew');
  try {
    if (image.length > 0) await file.truncate(image.length);
    for (const extent of image.extents) await file.write(extent.bytes, extent.offset);
    await file.sync();
  } finally {
    await file.close();
  }
}

/** Junk bytes of a given length (not a VHD). */
export function junkBytes(length: number): Uint8Array {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 13 + 1) & 0xff;
  return bytes;
}

async function place(host: Host, entry: EntrySpec, timestamp: number): Promise<void> {
  const path = windowsPath.parseAbsolute(entry.path);
  if (path === undefined) return;
  const folder = windowsPath.format(windowsPath.dirname(path));
  if (path.segments.length > 1) await host.mkdir(folder, { recursive: true });
  const target = windowsPath.format(path);
  if (entry.kind === 'folder') await host.mkdir(target, { recursive: true });
  else if (entry.kind === 'junk') await host.writeFile(target, junkBytes(entry.bytes));
  else await writeImage(host, target, diskImage(entry.disk, target, timestamp));
}

/**
 * Leaves `freeBytes` free on the volume of `drive` (rounded up to whole clusters), or as
 * little above it as the host allows, by writing sparse filler files at its root. A host whose
 * file system keeps sparse files free cannot be steered: its filler is removed again.
 */
export async function fillVolume(host: Host, drive: string, freeBytes: number): Promise<void> {
  const info = host.volumeInfo(drive);
  if (info === undefined) return;
  const cluster = info.clusterBytes;
  let excess = info.freeBytes - Math.ceil(freeBytes / cluster) * cluster;
  const largest = Math.floor(info.maxFileSizeBytes / cluster) * cluster;
  for (let n = 0; excess > 0 && n < 64; n++) {
    const size = Math.min(excess, largest);
    const path = `${drive}:\\${n}${FILLER_NAME}`;
    const before = host.volumeInfo(drive)?.freeBytes ?? 0;
    const file = await host.open(path, 'createNew');
    try {
      await file.truncate(size);
    } finally {
      await file.close();
    }
    const after = host.volumeInfo(drive)?.freeBytes ?? 0;
    if (after > before - size / 2) {
      // a real file system keeps sparse files free: free space cannot be steered here
      await host.unlink(path);
      break;
    }
    excess -= size;
  }
}

/** Brings each volume's free space to its target edge. */
async function fill(host: Host, state: HostState): Promise<void> {
  for (const volume of state.volumes) {
    if (volume.free.kind !== 'edge') continue;
    const cluster = host.volumeInfo(volume.drive)?.clusterBytes ?? 1;
    const target =
      Math.ceil(volume.free.needBytes / cluster) * cluster - (volume.free.short ? cluster : 0);
    await fillVolume(host, volume.drive, target);
  }
}

/** Creates the subject's host, sets the state up and builds the server on a probe of it. */
export async function prepare(subject: Subject, state: HostState): Promise<Prepared> {
  const host = await subject.createHost(state);
  const dispose = async () => {
    await subject.disposeHost?.(host);
  };
  try {
    const timestamp = vhdSeconds(new Date(state.now));
    for (const entry of layoutOf(state).placed) await place(host, entry, timestamp);
    await fill(host, state);
    if (state.shuttingDown) host.beginShutdown();
    const unreadable = layoutOf(state).placed.flatMap((entry) =>
      entry.kind === 'vhd' && entry.disk.unreadable ? [entry.path] : [],
    );
    return await serve(subject, host, unreadable);
  } catch (error) {
    await dispose();
    throw error;
  }
}

/**
 * A server of `subject` on a probe of `host`, a host already set up (or reopened after a power
 * cut): the {@link Prepared} of it. `unreadable` files fail every read through the probe.
 */
export async function serve(
  subject: Subject,
  host: Host,
  unreadable: readonly string[] = [],
): Promise<Prepared> {
  const probe = new ProbeHost(host);
  for (const path of unreadable) probe.makeUnreadable(path);
  const server = toCom(await subject.createServer(probe));
  const freeBytes = new Map(host.volumes().map((volume) => [volume.drive, volume.freeBytes]));
  const dispose = async () => {
    await subject.disposeHost?.(host);
  };
  return { host, probe, server, facts: { freeBytes }, dispose };
}
