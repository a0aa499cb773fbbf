/**
 * Opening an existing image file on the real file system. A FIFO, socket or character device
 * would block `open` or never end a read, so only regular files and block devices are opened.
 * @module
 */
import { stat } from 'node:fs/promises';
import type { HostFile } from '@vskit/host';
import { openNodeFile } from '@vskit/host-node';
import { CliError } from './errors.js';

/**
 * Opens the existing image at `path` (`read` or `readWrite`).
 * @throws CliError `NOT_A_FILE` for a folder, FIFO, socket or character device; the host error
 * (`ENOENT`, `EACCES`, ...) otherwise.
 */
export async function openImageFile(path: string, mode: 'read' | 'readWrite'): Promise<HostFile> {
  const facts = await stat(path).catch(() => undefined);
  if (facts !== undefined && !facts.isFile() && !facts.isBlockDevice()) {
    const what = facts.isDirectory() ? 'a folder' : 'not a regular file';
    throw new CliError('NOT_A_FILE', `${path} is ${what}`);
  }
  return openNodeFile(path, mode);
}
