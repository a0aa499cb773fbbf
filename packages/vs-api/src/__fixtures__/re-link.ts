/**
 * Test fixtures of IVMHardDisk.Parent (put): a child with data of its own over a fixed parent,
 * copies of that parent elsewhere (the places a re-link points at), and readers of what the
 * child records and reads.
 */
import type { EmulatedHost } from '@vskit/emulator';
import { type Host, windowsPath } from '@vskit/host';
import {
  createFixed,
  decodeDynamicHeader,
  decodeLocatorPath,
  openChain,
  openImage,
} from '@vskit/vhd-format';
import { encodeHostDriveImage } from '../host-drive-image.js';
import { VirtualServer } from '../virtual-server.js';
import { counting, readFooter, type TestClock, testHost, writeVhd } from './hosts.js';

const MiB = 2 ** 20;

/** Where the family lives. */
export const FAMILY = {
  /** The parent the child was made from. */
  parent: 'C:\\base\\parent.vhd',
  /** The differencing child, with data of its own. */
  child: 'C:\\vms\\child.vhd',
  /** A byte-for-byte copy of the parent in another folder of the same drive. */
  moved: 'C:\\store\\moved.vhd',
  /** A byte-for-byte copy of the parent on another drive (no relative path leads there). */
  far: 'D:\\archive\\far.vhd',
  /** Another disk of the parent's size (another UUID). */
  other: 'C:\\store\\other.vhd',
  /** A disk with the parent's UUID and another size (a resized parent). */
  resized: 'C:\\store\\resized.vhd',
  /** A dynamic disk (not differencing) of twice the parent's size. */
  dyn: 'C:\\vms\\dyn.vhd',
  /** A host-drive image (not differencing). */
  link: 'C:\\vms\\link.vhd',
} as const;

/** The parent's virtual size. */
export const FAMILY_SIZE = 4 * MiB;

/** The host, its clock and the server of a family. */
export interface Family {
  readonly host: EmulatedHost;
  readonly clock: TestClock;
  readonly vs: VirtualServer;
}

/** Makes `path`'s folder and copies `from` there; both synced, so a power cut keeps them. */
async function copyFile(host: Host, from: string, to: string): Promise<void> {
  const parsed = windowsPath.parseAbsolute(to);
  if (parsed === undefined) throw new Error(`not absolute: ${to}`);
  await host.mkdir(windowsPath.format(windowsPath.dirname(parsed)), { recursive: true });
  const file = await host.open(to, 'createNew');
  await file.write(await host.readFile(from), 0);
  await file.sync();
  await file.close();
}

/**
 * A host with every disk of {@link FAMILY}, durable (a power cut keeps them all). The copies
 * are made a day after the parent, so their file times differ from the one the child records.
 */
export async function family(): Promise<Family> {
  const { host, clock } = testHost();
  const vs = new VirtualServer(host);
  await writeVhd(host, FAMILY.parent, {
    type: 'fixed',
    sizeBytes: FAMILY_SIZE,
    patterns: [
      { offset: 0, bytes: counting(4096, 3) },
      { offset: 3 * MiB, bytes: counting(8192, 7) },
    ],
  });
  const task = await vs.createDifferencingVirtualHardDisk(FAMILY.child, FAMILY.parent);
  await task.waitForCompletion(-1);
  // The child's own data: over the parent's first pattern and in a block the parent left empty.
  const top = await host.open(FAMILY.child, 'readWrite');
  const chain = await openChain(top, {
    writable: true,
    openParent: async () => host.open(FAMILY.parent, 'read'),
  });
  await chain.write(counting(1024, 90), 512);
  await chain.write(counting(3000, 40), MiB + 100);
  await chain.sync();
  await chain.close();
  clock.now = new Date('2026-01-02T00:00:00Z');
  await copyFile(host, FAMILY.parent, FAMILY.moved);
  await copyFile(host, FAMILY.parent, FAMILY.far);
  await writeVhd(host, FAMILY.other, { type: 'fixed', sizeBytes: FAMILY_SIZE });
  await writeVhd(host, FAMILY.dyn, { type: 'dynamic', sizeBytes: 2 * FAMILY_SIZE });
  const resized = await host.open(FAMILY.resized, 'createNew');
  await createFixed(resized, {
    sizeBytes: 2 * FAMILY_SIZE,
    exactSize: true,
    uniqueId: (await readFooter(host, FAMILY.parent)).uniqueId,
    timestamp: host.now(),
  });
  await resized.close();
  await host.writeFile(
    FAMILY.link,
    encodeHostDriveImage({
      hostDriveIdentifier: 'PhysicalDrive1',
      sizeBytes: FAMILY_SIZE,
      readOnly: false,
      uniqueId: host.randomBytes(16),
      created: host.now(),
    }),
  );
  for (const path of Object.values(FAMILY)) {
    const file = await host.open(path, 'readWrite');
    await file.sync();
    await file.close();
  }
  for (const folder of ['C:\\', 'C:\\base', 'C:\\vms', 'C:\\store', 'D:\\', 'D:\\archive']) {
    await host.syncFolder(folder);
  }
  return { host, clock, vs };
}

/** What the child records of its parent. */
export interface RecordedParent {
  readonly uniqueId: Uint8Array;
  readonly timestamp: number;
  readonly unicodeName: string;
  /** `[platform code, path]` of every locator in use, in header order. */
  readonly locators: ReadonlyArray<readonly [number, string]>;
}

/** What the child at `path` records of its parent (its header decoded from the bytes). */
export async function recordedParent(host: Host, path: string): Promise<RecordedParent> {
  const bytes = await host.readFile(path);
  const header = decodeDynamicHeader(bytes.subarray(512, 1536));
  return {
    uniqueId: header.parentUniqueId,
    timestamp: header.parentTimestamp,
    unicodeName: header.parentUnicodeName,
    locators: header.parentLocators
      .filter((l) => l.platformCode !== 0)
      .map(
        (l) =>
          [
            l.platformCode,
            decodeLocatorPath(
              l.platformCode,
              bytes.subarray(l.platformDataOffset, l.platformDataOffset + l.platformDataLength),
            ),
          ] as const,
      ),
  };
}

/**
 * The whole virtual disk of the child at `child`, read through its chain (strictly unless
 * `strict` is false) with the parent found where its W2ru, else its W2ku locator leads
 * (vs-api's own resolver is not used, so a wrong locator shows). Also resolves to where the
 * parent was found.
 */
export async function readThroughChain(
  host: Host,
  child: string,
  strict = true,
): Promise<{ bytes: Uint8Array; parentAt: string }> {
  const top = await host.open(child, 'read');
  let parentAt = '';
  const opened = [top];
  try {
    const chain = await openChain(top, {
      strict,
      acceptLittleEndianParentName: true,
      openParent: async (ref) => {
        const folder = windowsPath.dirname(windowsPath.parseAbsolute(child) as never);
        const ordered = [...ref.locators].sort((a, b) =>
          a.platform === b.platform ? 0 : a.platform === 'W2ru' ? -1 : 1,
        );
        for (const locator of ordered) {
          const at =
            locator.platform === 'W2ru'
              ? windowsPath.resolve(locator.path, folder)
              : windowsPath.parseAbsolute(locator.path);
          if (at === undefined) continue;
          const text = windowsPath.format(at);
          if ((await host.stat(text).catch(() => undefined))?.kind !== 'file') continue;
          parentAt = text;
          const file = await host.open(text, 'read');
          opened.push(file);
          return file;
        }
        return undefined;
      },
    });
    const bytes = new Uint8Array(chain.virtualSize);
    await chain.read(bytes, 0);
    await chain.close();
    return { bytes, parentAt };
  } finally {
    for (const file of opened) await file.close().catch(() => {});
  }
}

/** Whether the file at `path` opens strictly alone as a VHD. */
export async function opensStrictly(host: Host, path: string): Promise<boolean> {
  const file = await host.open(path, 'read');
  try {
    await (await openImage(file, { strict: true, acceptLittleEndianParentName: true })).close();
    return true;
  } catch {
    return false;
  } finally {
    await file.close().catch(() => {});
  }
}
