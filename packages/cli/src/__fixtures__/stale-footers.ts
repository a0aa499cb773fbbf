/**
 * Images as hand edits leave them: a footer field changed, the checksum not updated.
 * @module
 */
import { open } from 'node:fs/promises';

/** Offset of the creator version's last byte in a footer. */
const CREATOR_VERSION_LOW_BYTE = 35;

/**
 * Changes the creator version in the footer at the end of `file` and in its copy at offset 0
 * (when the file has one) without updating their checksums, so both checksums are stale.
 */
export async function staleFooterChecksums(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    const { size } = await handle.stat();
    const cookie = new Uint8Array(8);
    await handle.read(cookie, 0, 8, 0);
    const places = [size - 512];
    if (new TextDecoder().decode(cookie) === 'conectix') places.push(0);
    for (const at of places) {
      await handle.write(Uint8Array.of(0x42), 0, 1, at + CREATOR_VERSION_LOW_BYTE);
    }
  } finally {
    await handle.close();
  }
}
