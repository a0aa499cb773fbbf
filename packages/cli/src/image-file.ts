/**
 * Opening an existing image file on the real file system. A FIFO, socket or character device
 * would block `open` or never end a read, so only regular files and block devices are opened.
 * @module
 */
import { type HostFile, isHostError } from '@vskit/host';
import { type NodeFileOptions, openNodeFile, writerLockPath } from '@vskit/host-node/file';
import { isVhdFormatError, type RandomAccessFile } from '@vskit/vhd-format';
import { CliError } from './errors.js';
import { factsOf } from './file-facts.js';
import { IDENTIFY_BYTES, identifyFormat } from './formats.js';

/**
 * Opens the existing image at `path` (`read` or `readWrite`), with `openNodeFile`'s `options`
 * (`io: 'sync'` for a command that owns its thread). A writer holds the image
 * exclusively (`openNodeFile`'s share modes and writer lock): a second writer, in this process
 * or another, is refused; readers run beside a writer.
 * @throws CliError `NOT_A_FILE` for a folder, FIFO, socket or character device; `LOCKED` (exit
 * status 1) when another writer holds the image; the host error (`ENOENT`, `EACCES`, `EPERM`
 * for a read-only file, ...) otherwise.
 */
export async function openImageFile(
  path: string,
  mode: 'read' | 'readWrite',
  options: NodeFileOptions = {},
): Promise<HostFile> {
  const facts = factsOf(path);
  if (facts !== undefined && !facts.isFile() && !facts.isBlockDevice()) {
    const what = facts.isDirectory() ? 'a folder' : 'not a regular file';
    throw new CliError('NOT_A_FILE', `${path} is ${what}`);
  }
  try {
    return await openNodeFile(path, mode, options);
  } catch (error) {
    if (mode === 'readWrite' && isHostError(error, 'EBUSY')) {
      throw new CliError(
        'LOCKED',
        `${path} is open for writing by another process (its lock: ${writerLockPath(path)}); ` +
          'try again when that one is done',
      );
    }
    throw error;
  }
}

const VHD_COOKIE = 'conectix';

function hasCookieAt(bytes: Uint8Array, offset: number): boolean {
  if (offset < 0 || offset + VHD_COOKIE.length > bytes.length) return false;
  for (let i = 0; i < VHD_COOKIE.length; i++) {
    if (bytes[offset + i] !== VHD_COOKIE.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * What to report when `file` (at `path`) did not open as a VHD with `error`: when the error says
 * no VHD is there (`BAD_COOKIE`, `TRUNCATED`), the file carries no VHD cookie at either end, and
 * its first bytes are another format ({@link identifyFormat}), a `NOT_A_VHD` error saying what
 * the file is; `error` itself otherwise (a damaged VHD keeps its precise code).
 */
export async function explainNotVhd(
  error: unknown,
  file: RandomAccessFile,
  path: string,
): Promise<unknown> {
  if (!isVhdFormatError(error, 'BAD_COOKIE', 'TRUNCATED')) return error;
  try {
    const size = await file.size();
    const head = new Uint8Array(Math.min(IDENTIFY_BYTES, size));
    await file.read(head, 0);
    const tail = new Uint8Array(Math.min(512, size));
    await file.read(tail, size - tail.length);
    if (hasCookieAt(head, 0) || hasCookieAt(tail, 0) || hasCookieAt(tail, 1)) return error;
    const guess = identifyFormat(head);
    if (guess === undefined) return error;
    return new CliError(
      'NOT_A_VHD',
      `${path} is ${guess.description}, not a VHD (convert it first: qemu-img convert -O vpc)`,
    );
  } catch {
    return error;
  }
}
