/**
 * A {@link HostFile} that lets the event loop turn while a long write goes on. A host whose
 * operations complete as promise microtasks (the emulated host) would otherwise run a whole
 * fixed image of gigabytes in one turn: no timer fires, so `waitForCompletion(ms)` cannot return,
 * progress cannot be watched and `cancel()` cannot be asked for until the image is written.
 * @module
 */
import type { HostFile } from '@vskit/host';
import { delay } from './timers.js';

/** Bytes written between two turns of the event loop: 32 MiB. */
export const YIELD_EVERY_BYTES = 32 * 2 ** 20;

/**
 * `file`, whose `write` waits for one timer turn of the event loop after every
 * `everyBytes` bytes written (counted across calls). Every other method is `file`'s own.
 */
export function yieldingFile(file: HostFile, everyBytes = YIELD_EVERY_BYTES): HostFile {
  let sinceTurn = 0;
  return {
    read: (buffer, position) => file.read(buffer, position),
    write: async (buffer, position) => {
      await file.write(buffer, position);
      sinceTurn += buffer.length;
      if (sinceTurn >= everyBytes) {
        sinceTurn = 0;
        await delay(0).promise;
      }
    },
    size: () => file.size(),
    truncate: (length) => file.truncate(length),
    sync: () => file.sync(),
    close: () => file.close(),
  };
}
