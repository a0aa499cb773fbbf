/**
 * Recording a parent's new modification time in a differencing layer's header, after a merge
 * wrote into the parent: one write of the header's first sector, which holds both the time and
 * the checksum.
 * @module
 */
import { parentTimeDiffers, vhdTimestamp } from '../codec/timestamp.js';
import { SECTOR_SIZE } from '../constants.js';
import type { VhdLayer } from '../image/layer.js';
import { encodeDynamicHeader } from '../structs/dynamic-header.js';

/**
 * Records `modified` as the parent time in `layer`'s header (writable, differencing) when it
 * differs from the recorded one, then syncs (unless `sync` is false: the caller's next sync makes
 * it durable). The time (offset 56) and the checksum (offset 36)
 * lie in the header's first sector, written in one write: a power cut leaves the old or the new
 * sector, each with a matching checksum. Skipped (false) for a header not on a sector boundary,
 * where that write could be torn.
 */
export async function recordParentTime(
  layer: VhdLayer,
  modified: Date,
  sync = true,
): Promise<boolean> {
  const header = layer.header!;
  const at = layer.footer.dataOffset;
  if (at % SECTOR_SIZE !== 0 || !parentTimeDiffers(header.parentTimestamp, modified)) return false;
  const bytes = encodeDynamicHeader({ ...header, parentTimestamp: vhdTimestamp(modified) });
  await layer.file.write(bytes.subarray(0, SECTOR_SIZE), at);
  if (sync) await layer.file.sync();
  return true;
}
