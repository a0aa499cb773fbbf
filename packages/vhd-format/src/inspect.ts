/**
 * Plain, JSON-able facts about an opened image or chain, layer by layer.
 * @module
 */

import { dateFromVhdTimestamp } from './codec/timestamp.js';
import { formatUuid } from './codec/uuid.js';
import { ALL_ONES_64, DISK_TYPE_CODES } from './constants.js';
import { hex32 } from './errors.js';
import { chsCapacity } from './geometry.js';
import type { VhdChain } from './image/chain.js';
import type { VhdImage } from './image/types.js';
import type { DiskType } from './layout.js';
import { locatorDataSpaceBytes, platformName } from './structs/parent-locator.js';

/** One parent locator as stored, with its decoded path when it could be read. */
export interface LocatorInfo {
  /** Index of the entry in the header (0..7). */
  entry: number;
  /** Platform name (`W2ku`, `W2ru`, ...). */
  platform: string;
  /** Absolute byte offset of the data. */
  dataOffset: number;
  /** Data length in bytes. */
  dataLength: number;
  /** Data space in bytes (values below 512 read as sectors). */
  dataSpaceBytes: number;
  /** Decoded path, if the data was readable. */
  path?: string;
}

/** Facts about one layer. */
export interface LayerInfo {
  /** Fixed, dynamic or differencing. */
  type: DiskType;
  /** Virtual size in bytes (footer current size). */
  virtualSize: number;
  /** Size at creation (footer original size). */
  originalSize: number;
  /** CHS geometry. */
  geometry: { cylinders: number; heads: number; sectorsPerTrack: number };
  /** cylinders x heads x sectors x 512. */
  chsCapacity: number;
  creatorApplication: string;
  /** `major.minor`. */
  creatorVersion: string;
  /** `Wi2k`, `Mac ` or the code in hex. */
  creatorHostOs: string;
  /** Footer timestamp in VHD seconds. */
  timestamp: number;
  /** The footer timestamp as an ISO date. */
  created: string;
  /** The disk's UUID. */
  uniqueId: string;
  /** Footer feature bits. */
  features: number;
  /** File format version, `major.minor`. */
  fileFormatVersion: string;
  /** Whether the saved-state flag is set. */
  savedState: boolean;
  /** Header offset; null for a fixed disk (all ones). */
  dataOffset: number | null;
  /** Block size in bytes (dynamic and differencing). */
  blockSize?: number;
  /** BAT offset in the file. */
  tableOffset?: number;
  /** BAT entries. */
  maxTableEntries?: number;
  /** Blocks the BAT marks allocated. */
  allocatedBlocks?: number;
  /** What a differencing disk records about its parent. */
  parent?: {
    /** Parent UUID. */
    uniqueId: string;
    /** Parent modification time, VHD seconds. */
    timestamp: number;
    /** The same as an ISO date. */
    modified: string;
    /** Parent file name. */
    unicodeName: string;
    /** Parent locators in header order. */
    locators: LocatorInfo[];
  };
  /** What opening this layer tolerated or noticed. */
  warnings: string[];
}

/** Facts about an image or a whole chain (top layer first). */
export interface ImageInfo {
  /** Virtual size of the top layer. */
  virtualSize: number;
  /** One entry per layer, top first. */
  layers: LayerInfo[];
  /** Warnings of the image or chain. */
  warnings: string[];
}

function version(v: number): string {
  return `${v >>> 16}.${v & 0xffff}`;
}

function hostOsName(code: number): string {
  const name = platformName(code);
  return name === 'None' ? hex32(0) : name;
}

function layerInfo(image: VhdImage): LayerInfo {
  const f = image.footer;
  const info: LayerInfo = {
    type: image.type,
    virtualSize: image.virtualSize,
    originalSize: f.originalSize,
    geometry: { ...f.geometry },
    chsCapacity: chsCapacity(f.geometry),
    creatorApplication: f.creatorApplication,
    creatorVersion: version(f.creatorVersion),
    creatorHostOs: hostOsName(f.creatorHostOs),
    timestamp: f.timestamp,
    created: dateFromVhdTimestamp(f.timestamp).toISOString(),
    uniqueId: formatUuid(f.uniqueId),
    features: f.features,
    fileFormatVersion: version(f.fileFormatVersion),
    savedState: f.savedState !== 0,
    dataOffset: f.dataOffset === ALL_ONES_64 ? null : f.dataOffset,
    warnings: [...image.warnings],
  };
  const h = image.header;
  if (h) {
    info.blockSize = h.blockSize;
    info.tableOffset = h.tableOffset;
    info.maxTableEntries = h.maxTableEntries;
    info.allocatedBlocks = image.allocatedBlockCount;
  }
  if (h && f.diskType === DISK_TYPE_CODES.differencing && image.parent) {
    const paths = new Map(image.parent.locators.map((l) => [l.entry, l.path]));
    const locators: LocatorInfo[] = [];
    h.parentLocators.forEach((l, entry) => {
      if (l.platformCode === 0) return;
      const item: LocatorInfo = {
        entry,
        platform: platformName(l.platformCode),
        dataOffset: l.platformDataOffset,
        dataLength: l.platformDataLength,
        dataSpaceBytes: locatorDataSpaceBytes(l),
      };
      const path = paths.get(entry);
      if (path !== undefined) item.path = path;
      locators.push(item);
    });
    info.parent = {
      uniqueId: formatUuid(image.parent.uniqueId),
      timestamp: image.parent.timestamp,
      modified: dateFromVhdTimestamp(image.parent.timestamp).toISOString(),
      unicodeName: image.parent.unicodeName,
      locators,
    };
  }
  return info;
}

function isChain(target: VhdChain | VhdImage): target is VhdChain {
  return Array.isArray((target as VhdChain).layers);
}

/** Plain JSON-able facts about every layer of `target` (top first). */
export function inspect(target: VhdChain | VhdImage): ImageInfo {
  const layers = isChain(target) ? target.layers : [target];
  return {
    virtualSize: target.virtualSize,
    layers: layers.map(layerInfo),
    warnings: [...target.warnings],
  };
}
