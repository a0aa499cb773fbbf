/**
 * The built-in subject: vskit's vs-api on emulated volumes (`createEmulatedHost`).
 * @module
 */
import { createEmulatedHost } from '@vskit/emulator';
import { asCom, VirtualServer } from '@vskit/vs-api';
import type { Subject } from '../subject.js';

/** vs-api on `createEmulatedHost`, speaking COM through `asCom`. */
export const emulatedSubject: Subject = {
  name: 'vs-api on the emulated host',
  createHost(state) {
    const now = new Date(state.now);
    return createEmulatedHost({
      volumes: state.volumes.map((volume) => ({
        drive: volume.drive,
        fileSystem: volume.fileSystem,
        capacityBytes: volume.capacityBytes,
        freeBytes: volume.freeBytes,
      })),
      ...(state.hostDrives === undefined ? {} : { hostDrives: state.hostDrives }),
      now: () => now,
    });
  },
  createServer(host) {
    return asCom(new VirtualServer(host));
  },
};
