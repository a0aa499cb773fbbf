/**
 * How Virtual Server 2005 signs the images it creates, and the engine options every creation
 * passes.
 * @module
 */
import type { CreateOptions } from '@vskit/vhd-format';
import type { WriteOptions } from '../creation.js';

/** Creator fields of every image vs-api writes: `vs  `, version 1.0 *(decision)*, `Wi2k`. */
export const VS_CREATOR = {
  creatorApplication: 'vs  ',
  creatorVersion: 0x00010000,
  creatorHostOs: 'Wi2k',
} as const;

/**
 * The engine options of an image vs-api writes: {@link VS_CREATOR}, the creation time, the new
 * image's UUID, and the task's progress report and cancellation.
 */
export function creationOptions(
  timestamp: Date,
  uniqueId: Uint8Array,
  options: WriteOptions,
): CreateOptions {
  return {
    ...VS_CREATOR,
    timestamp,
    uniqueId,
    onProgress: options.onProgress,
    signal: options.signal,
  };
}
