/**
 * `@vskit/vhd-format`: a pure VHD v1.0 codec and block engine for fixed, dynamic and
 * differencing disks over an injected random-access file.
 * @packageDocumentation
 */

export { type BlobLike, blobFile } from './blob-file.js';
export type { CheckCode, CheckOptions, CheckProblem, CheckResult } from './check.js';
export { check } from './check.js';
export { vhdChecksum } from './codec/checksum.js';
export { dateFromVhdTimestamp, vhdTimestamp } from './codec/timestamp.js';
export type { ByteOrder } from './codec/utf16.js';
export { decodeUtf16, encodeUtf16 } from './codec/utf16.js';
export { formatUuid, parseUuid, randomUuid } from './codec/uuid.js';
export {
  ALL_ONES_64,
  BLOCK_UNUSED,
  DEFAULT_BLOCK_SIZE,
  DEFAULT_CREATOR_APPLICATION,
  DEFAULT_CREATOR_HOST_OS,
  DEFAULT_CREATOR_VERSION,
  DEFAULT_MAX_CHAIN_DEPTH,
  DISK_TYPE_CODES,
  FEATURE_RESERVED,
  FEATURE_TEMPORARY,
  FOOTER_COOKIE,
  FOOTER_SIZE,
  HEADER_COOKIE,
  HEADER_SIZE,
  HOST_OS_CODES,
  MAX_BLOCK_SIZE,
  MAX_LOCATOR_PATH_UNITS,
  MAX_TABLE_ENTRIES,
  MAX_VIRTUAL_SIZE,
  PLATFORM_CODES,
  SECTOR_SIZE,
} from './constants.js';
export type { VhdFormatErrorCode, VhdFormatErrorDetails } from './errors.js';
export { isVhdFormatError, VHD_FORMAT_ERROR_CODES, VhdFormatError } from './errors.js';
export type { Geometry, SizedGeometry } from './geometry.js';
export {
  chsCapacity,
  geometryForSize,
  isMaxGeometry,
  MAX_GEOMETRY,
  roundUpToChs,
} from './geometry.js';
export type { OpenChainOptions, OpenedParent, VhdChain } from './image/chain.js';
export { openChain } from './image/chain.js';
export type { CreateDifferencingOptions, ParentDescription } from './image/create-differencing.js';
export { childGeometry, createDifferencing } from './image/create-differencing.js';
export type { CreateDynamicOptions } from './image/create-dynamic.js';
export { createDynamic } from './image/create-dynamic.js';
export type { CreateFixedOptions } from './image/create-fixed.js';
export { createFixed } from './image/create-fixed.js';
export { openImage } from './image/open.js';
export type { AbortSignalLike, CreateOptions, DiskSizeOptions } from './image/options.js';
export type { ParentCandidate } from './image/parent-candidates.js';
export { parentCandidates } from './image/parent-candidates.js';
export type { OpenImageOptions, ParentReference, VhdImage } from './image/types.js';
export type { ImageInfo, LayerInfo, LocatorInfo } from './inspect.js';
export { inspect } from './inspect.js';
export type { RandomAccessFile } from './io.js';
export { memoryFile, readExactly } from './io.js';
export type { DiskType } from './layout.js';
export { expandedFileSize, locatorSpaceFor } from './layout.js';
export type { CompactOptions, CompactResult } from './ops/compact.js';
export { compact } from './ops/compact.js';
export type { ConvertOptions, ConvertResult, ConvertTargetType } from './ops/convert.js';
export { convertDisk, HOLE_GRAIN } from './ops/convert.js';
export type { BlockHolding, MapBlocksOptions, MapOptions, MapRun } from './ops/map.js';
export { mapBlocks, mapChain, mapChainBatches, mapUnit } from './ops/map.js';
export type { MapPicture, MapPictureLayer, MapPictureOptions } from './ops/map-picture.js';
export {
  escapeMarkup,
  MAP_EMPTY_COLOUR,
  MAP_LAYER_COLOURS,
  MAP_PICTURE_CELLS,
  MAP_ZERO_COLOUR,
  mapPicture,
  mapRowColour,
  renderMapHtml,
  renderMapSvg,
} from './ops/map-picture.js';
export type { MergeOptions, MergeResult } from './ops/merge.js';
export { merge } from './ops/merge.js';
export type { OperationOptions } from './ops/options.js';
export type { RebaseOptions, RebaseParent, RebaseResult, RecordedParent } from './ops/rebase.js';
export { rebase } from './ops/rebase.js';
export type {
  RepairChange,
  RepairChangeKind,
  RepairOptions,
  RepairResult,
} from './ops/repair.js';
export { repair } from './ops/repair.js';
export type { ResizeOptions, ResizeResult } from './ops/resize.js';
export { resize } from './ops/resize.js';
export type {
  ByteStream,
  DiskChunksOptions,
  ReadableStreamLike,
  WriteFromStreamOptions,
} from './ops/stream.js';
export { diskChunks, writeDynamicFromStream } from './ops/stream.js';
export type { VirtualDisk } from './ops/virtual-disk.js';
export { rawDisk } from './ops/virtual-disk.js';
export type { ZeroTest, ZeroTestOption } from './ops/zero.js';
export { dataRuns, isAllZero } from './ops/zero.js';
export type { QemuSizedFooter } from './qemu-size.js';
export { QEMU_CURRENT_SIZE_CREATORS, qemuVirtualSize } from './qemu-size.js';
export { decodeBat, encodeBat } from './structs/bat.js';
export type { DecodeHeaderOptions, DynamicHeader } from './structs/dynamic-header.js';
export {
  decodeDynamicHeader,
  encodeDynamicHeader,
  HEADER_OFFSETS,
} from './structs/dynamic-header.js';
export type { DecodeFooterOptions, Footer } from './structs/footer.js';
export { decodeFooter, encodeFooter, FOOTER_OFFSETS } from './structs/footer.js';
export type { ParentLocatorEntry } from './structs/parent-locator.js';
export {
  decodeLocatorEntry,
  decodeLocatorPath,
  encodeLocatorEntry,
  encodeLocatorPath,
  locatorDataSpaceBytes,
  platformCode,
  platformName,
} from './structs/parent-locator.js';
export { bitmapByteSize, isSectorSet } from './structs/sector-bitmap.js';
