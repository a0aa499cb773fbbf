/**
 * Edits of a VHD's footer copies in place on a host, by the VHD specification's offsets: a
 * field changed with the checksum made right again, or the checksum alone made wrong.
 * @module
 */
import type { Host } from '@vskit/host';
import { FOOTER, footerStarts, rewriteFooter } from '../../_internal/vhd-bytes.js';

/**
 * Rewrites every footer copy of the VHD at `path` (the last 512 bytes, and the copy at 0 when
 * it is one): `edit` applied and the checksum made right, or, with `edit` undefined, the
 * checksum's last byte inverted (a damaged footer).
 */
export async function editFooters(
  host: Host,
  path: string,
  edit: ((footer: DataView) => void) | undefined,
): Promise<void> {
  const file = await host.open(path, 'readWrite');
  try {
    const length = await file.size();
    const head = new Uint8Array(Math.min(512, length));
    await file.read(head, 0);
    for (const start of footerStarts({ length, head })) {
      const footer = new Uint8Array(512);
      await file.read(footer, start);
      if (edit === undefined)
        footer[FOOTER.checksum + 3] = (footer[FOOTER.checksum + 3] ?? 0) ^ 0xff;
      else rewriteFooter(footer, edit);
      await file.write(footer, start);
    }
    await file.sync();
  } finally {
    await file.close();
  }
}

/** Sets the saved-state flag of the VHD at `path` (every footer copy, checksums right). */
export function setSavedState(host: Host, path: string): Promise<void> {
  return editFooters(host, path, (footer) => footer.setUint8(FOOTER.savedState, 1));
}
