/**
 * vs-api on real folders (`createNodeHost`), one temporary folder per volume. Free space is the
 * real file system's, so free-space edges are judged on what the host reports.
 * @module
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '@vskit/host';
import { createNodeHost } from '@vskit/host-node';
import { asCom, VirtualServer } from '@vskit/vs-api';
import type { Subject } from '../subject.js';

const roots = new WeakMap<Host, string>();

/** vs-api on `createNodeHost` over a fresh temporary folder per volume. */
export const nodeSubject: Subject = {
  name: 'vs-api on the node host (temporary folders)',
  exactFreeSpace: false,
  async createHost(state) {
    const base = await mkdtemp(join(tmpdir(), 'vskit-conformance-'));
    const volumes = [];
    for (const volume of state.volumes) {
      const root = join(base, volume.drive);
      await mkdir(root, { recursive: true });
      volumes.push({ drive: volume.drive, root, fileSystem: volume.fileSystem });
    }
    const now = new Date(state.now);
    const host = createNodeHost({
      volumes,
      ...(state.hostDrives === undefined ? {} : { hostDrives: state.hostDrives }),
      now: () => now,
    });
    roots.set(host, base);
    return host;
  },
  createServer(host) {
    return asCom(new VirtualServer(host));
  },
  async disposeHost(host) {
    const base = roots.get(host);
    if (base !== undefined) await rm(base, { recursive: true, force: true });
  },
};
