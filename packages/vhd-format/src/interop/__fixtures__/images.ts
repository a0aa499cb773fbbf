/**
 * Our images on real files: create fixed, dynamic and differencing images through the public API,
 * open a chain whose parents sit in the same folder, and write or read whole ranges.
 */
import { stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { openNodeFile } from '@vskit/host-node';
import {
  type CreateOptions,
  createDifferencing,
  createDynamic,
  createFixed,
  openChain,
  openImage,
  type VhdChain,
} from '../../index.js';
import type { Write } from './content.js';

/**
 * What to create: a fixed or dynamic image of a size, with optional creator and block size.
 * The image is exactly `sizeBytes` unless `roundUpToChs` asks for the library's default rounding.
 */
export interface BaseImageSpec {
  readonly type: 'fixed' | 'dynamic';
  readonly sizeBytes: number;
  readonly blockSizeBytes?: number;
  readonly creatorApplication?: string;
  readonly roundUpToChs?: boolean;
}

/** Creates a fixed or dynamic image at `path` (a new file). */
export async function createBaseImage(
  path: string,
  spec: BaseImageSpec,
  options: CreateOptions = {},
): Promise<void> {
  const file = await openNodeFile(path, 'createNew');
  try {
    const common = { ...options, sizeBytes: spec.sizeBytes, exactSize: !spec.roundUpToChs };
    if (spec.creatorApplication !== undefined) common.creatorApplication = spec.creatorApplication;
    if (spec.type === 'fixed') await createFixed(file, common);
    else
      await createDynamic(
        file,
        spec.blockSizeBytes === undefined
          ? common
          : { ...common, blockSizeBytes: spec.blockSizeBytes },
      );
  } finally {
    await file.close();
  }
}

/**
 * Creates a differencing child at `childPath` over the image at `parentPath`, as a caller would:
 * the parent's footer and block size from opening it, its file's mtime, its name, and an
 * absolute and a child-relative locator.
 */
export async function createChildImage(
  childPath: string,
  parentPath: string,
  options: CreateOptions = {},
): Promise<void> {
  const parentFile = await openNodeFile(parentPath, 'read');
  let parent: Awaited<ReturnType<typeof openImage>>;
  try {
    parent = await openImage(parentFile);
  } catch (error) {
    await parentFile.close();
    throw error;
  }
  const footer = parent.footer;
  const blockSizeBytes = parent.header?.blockSize;
  await parent.close();
  const modified = (await stat(parentPath)).mtime;
  const name = basename(parentPath);
  const relativePath = dirname(childPath) === dirname(parentPath) ? `.\\${name}` : undefined;
  const file = await openNodeFile(childPath, 'createNew');
  try {
    await createDifferencing(file, {
      ...options,
      parent: {
        footer,
        modified,
        unicodeName: name,
        ...(blockSizeBytes === undefined ? {} : { blockSizeBytes }),
        absolutePath: `C:\\vskit\\${name}`,
        ...(relativePath === undefined ? {} : { relativePath }),
      },
    });
  } finally {
    await file.close();
  }
}

/**
 * Opens the chain whose top layer is at `path`; each parent is looked up by its Unicode name in
 * the top layer's folder (where these tests and benches put every layer).
 */
export async function openChainAt(path: string, o: { writable?: boolean } = {}): Promise<VhdChain> {
  const folder = dirname(path);
  const file = await openNodeFile(path, o.writable ? 'readWrite' : 'read');
  try {
    return await openChain(file, {
      writable: o.writable ?? false,
      openParent: async (ref) => openNodeFile(join(folder, ref.unicodeName), 'read'),
    });
  } catch (error) {
    await file.close().catch(() => undefined);
    throw error;
  }
}

/** Applies `writes` in order to the top layer of the chain at `path`. */
export async function writeImage(path: string, writes: readonly Write[]): Promise<void> {
  const chain = await openChainAt(path, { writable: true });
  try {
    for (const w of writes) await chain.write(w.bytes, w.offset);
  } finally {
    await chain.close();
  }
}

/** Reads `length` bytes (default: the whole virtual size) of the chain at `path`. */
export async function readImage(path: string, length?: number): Promise<Uint8Array> {
  const chain = await openChainAt(path);
  try {
    const bytes = new Uint8Array(length ?? chain.virtualSize);
    const piece = 4 * 2 ** 20;
    for (let offset = 0; offset < bytes.length; offset += piece) {
      await chain.read(bytes.subarray(offset, Math.min(bytes.length, offset + piece)), offset);
    }
    return bytes;
  } finally {
    await chain.close();
  }
}
