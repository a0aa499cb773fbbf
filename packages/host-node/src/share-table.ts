/**
 * The share modes of every real file this process has open, whatever opened it (a node host or
 * `openNodeFile`), keyed by device and inode so that two paths to one file meet.
 * @module
 */
import { OpenHandles } from '@vskit/host/kit';

/** The open handles of this process, per `dev:ino`. */
export const PROCESS_HANDLES = new OpenHandles('/');

/** The key of a file in {@link PROCESS_HANDLES}. */
export function fileKey(facts: { dev: number; ino: number }): string {
  return `${facts.dev}:${facts.ino}`;
}
