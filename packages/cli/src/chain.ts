/**
 * Opens a VHD and its parents from real files, finding each parent as `parents.ts` describes, and
 * remembers where every layer came from.
 * @module
 */
import { resolve } from 'node:path';
import { type NodeFileOptions, openNodeFile } from '@vskit/host-node/file';
import {
  isVhdFormatError,
  type OpenChainOptions,
  openChain,
  parentCandidates,
  type RandomAccessFile,
  type VhdChain,
} from '@vskit/vhd-format';
import { factsOf } from './file-facts.js';
import { explainNotVhd, openImageFile } from './image-file.js';
import { DEFAULT_DRIVES, type DriveMap, findParent, type ParentAttempt } from './parents.js';

/** Where one layer of an opened chain came from. */
export interface LayerSource {
  /** The file's path (the top as given, resolved to absolute; parents as found). */
  readonly path: string;
  /** The open file. */
  readonly file: RandomAccessFile;
  /** For a parent: the places looked at, the last one being where it was found. */
  readonly attempts: readonly ParentAttempt[];
}

/** A chain opened from real files. */
export interface OpenedChain {
  /** The chain (top layer first). */
  readonly chain: VhdChain;
  /** One record per layer, in the chain's order. */
  readonly sources: readonly LayerSource[];
}

/** No parent file exists at any place the child names; the message lists every place tried. */
export class ParentNotFoundError extends Error {
  override readonly name = 'ParentNotFoundError';
  /** Same code as vhd-format's error for this case. */
  readonly code = 'PARENT_NOT_FOUND';
  /** The places looked at. */
  readonly attempts: readonly ParentAttempt[];

  constructor(childPath: string, parentName: string, attempts: readonly ParentAttempt[]) {
    const tried = attempts
      .map(
        (a) =>
          `${a.source} ${a.locator}${a.path === undefined ? ' (no such drive here)' : ` -> ${a.path}`}`,
      )
      .join('; ');
    super(
      `parent '${parentName}' of ${childPath} not found (tried ${tried || 'nothing: no locators'})`,
    );
    this.attempts = attempts;
  }
}

/** How to open a chain. */
export interface OpenChainAtOptions {
  /** Open the top layer for writing (parents are always read-only). */
  readonly writable?: boolean;
  /** Windows drive letters mapped to folders, for absolute W2ku locators. */
  readonly drives?: DriveMap;
  /**
   * How every layer's file does its I/O (`openNodeFile`'s `io`): `'sync'` for a command that
   * streams the disk and has nothing else to do meanwhile (`cat`, `write`); default `'async'`.
   */
  readonly io?: NodeFileOptions['io'];
}

/** Finds and opens the parents of one top file, recording each layer's source. */
export interface ParentOpener {
  /** For `openChain` / `check`: the parent of the most recently opened layer. */
  readonly openParent: OpenChainOptions['openParent'];
  /** Every layer opened so far, top first. */
  readonly sources: LayerSource[];
  /** Set when a parent could not be found, to explain where it was looked for. */
  readonly missing: () => ParentNotFoundError | undefined;
  /** Closes every file opened (errors ignored: some may be closed already). */
  closeAll(): Promise<void>;
}

/**
 * A parent opener for a chain whose top is `topPath` (already open as `top`). Chains are opened
 * top-down, one layer at a time, so the child of each request is the last layer opened.
 */
export function parentOpener(
  topPath: string,
  top: RandomAccessFile,
  drives: DriveMap,
  io: NodeFileOptions['io'] = 'async',
): ParentOpener {
  const sources: LayerSource[] = [{ path: topPath, file: top, attempts: [] }];
  let missing: ParentNotFoundError | undefined;
  return {
    sources,
    missing: () => missing,
    async openParent(ref) {
      const child = sources[sources.length - 1] as LayerSource;
      const attempts = await findParent(parentCandidates(ref), child.path, drives);
      const hit = attempts[attempts.length - 1];
      if (hit?.path === undefined || !hit.found) {
        missing = new ParentNotFoundError(child.path, ref.unicodeName, attempts);
        return undefined;
      }
      const file = await openNodeFile(hit.path, 'read', { io });
      sources.push({ path: hit.path, file, attempts });
      const modified = factsOf(hit.path)?.mtime;
      return modified === undefined ? file : { file, modified };
    },
    async closeAll() {
      await Promise.all(sources.map((s) => s.file.close().catch(() => undefined)));
    },
  };
}

/** Opens the VHD at `path` and every parent below it. Close with `chain.close()`. */
export async function openChainAt(
  path: string,
  options: OpenChainAtOptions = {},
): Promise<OpenedChain> {
  const writable = options.writable === true;
  const topPath = resolve(path);
  const io = options.io ?? 'async';
  const top = await openImageFile(topPath, writable ? 'readWrite' : 'read', { io });
  const opener = parentOpener(topPath, top, options.drives ?? DEFAULT_DRIVES, io);
  try {
    const chain = await openChain(top, { writable, openParent: opener.openParent });
    return { chain, sources: opener.sources };
  } catch (error) {
    const explained = await explainNotVhd(error, top, topPath);
    await opener.closeAll();
    const missing = opener.missing();
    if (missing !== undefined && isVhdFormatError(error, 'PARENT_NOT_FOUND')) throw missing;
    throw explained;
  }
}
