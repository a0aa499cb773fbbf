/**
 * Test fixtures for the table tests of IVMHardDisk's methods: what a row does to the host after
 * GetHardDisk (hold a file, make it read-only, remove or damage it, set its saved-state flag,
 * begin shutting down), and the run of one row: the code on both faces, the host snapshot
 * unchanged, every file closed again.
 */
import type { EmulatedHost } from '@vskit/emulator';
import type { HostFile } from '@vskit/host';
import { FOOTER_OFFSETS } from '@vskit/vhd-format';
import { expect } from 'vitest';
import { asCom, type ComVMHardDisk, type ComVMTask, type OutParam } from '../com.js';
import type { VMHardDisk } from '../hard-disk.js';
import { HRESULT, type HResultName, hresultName } from '../hresult.js';
import type { VMTask } from '../task.js';
import type { VirtualServer } from '../virtual-server.js';
import { editFooter } from './chains.js';

/** What a row changes. */
export interface RefusalWorld {
  readonly host: EmulatedHost;
  readonly vs: VirtualServer;
  /** Handles a row holds open, closed once the row is checked. */
  readonly held: HostFile[];
}

/** What a row does to the host after GetHardDisk and before the method. */
export type Change = (w: RefusalWorld) => Promise<void>;

/** Another handle holds the file (reading, sharing reads and writes): the disk is in use. */
export const hold =
  (path: string): Change =>
  async (w) => {
    w.held.push(await w.host.open(path, 'read', { share: 'readWrite' }));
  };

/** The file gets the read-only attribute. */
export const readOnly =
  (path: string): Change =>
  (w) =>
    w.host.setReadOnly(path, true);

/** The file is deleted. */
export const remove =
  (path: string): Change =>
  (w) =>
    w.host.unlink(path);

/** Junk over the footer and its copy: not a VHD. */
export const damage =
  (path: string): Change =>
  async (w) => {
    const file = await w.host.open(path, 'readWrite');
    const junk = new TextEncoder().encode('not a disk at all');
    await file.write(junk, 0);
    await file.write(junk, (await file.size()) - 512);
    await file.close();
  };

/** The footer's saved-state flag set (checksum right). */
export const savedState =
  (path: string): Change =>
  (w) =>
    editFooter(w.host, path, (footer) => {
      footer[FOOTER_OFFSETS.savedState] = 1;
    });

/** The host application begins shutting down. */
export const shutdown: Change = async (w) => w.host.beginShutdown();

/** One row of a table test. */
export interface Refusal {
  readonly name: string;
  /** The disk the method is called on. */
  readonly disk: string;
  readonly changes?: readonly Change[];
  /** The COM face with a null out-parameter. */
  readonly nullOut?: boolean;
  readonly hr: HResultName;
  /** The argument the error names, when the row says. */
  readonly argument?: string;
}

/** A method on both faces. */
export interface MethodFaces {
  readonly com: (disk: ComVMHardDisk, out: OutParam<ComVMTask> | null) => Promise<number>;
  readonly promise: (disk: VMHardDisk) => Promise<VMTask>;
}

/**
 * Runs `row`: takes the disk on both faces, applies the changes, calls the method on both and
 * checks the code (and argument), that the host snapshot did not change, that no task was
 * handed out, and that `files` (those still there) are closed again.
 */
export async function expectRefusal(
  w: RefusalWorld,
  row: Refusal,
  method: MethodFaces,
  files: readonly string[],
): Promise<void> {
  const diskOut: OutParam<ComVMHardDisk> = { value: undefined };
  expect(await asCom(w.vs).GetHardDisk(row.disk, diskOut)).toBe(HRESULT.S_OK);
  const promiseDisk = await w.vs.getHardDisk(row.disk);
  for (const change of row.changes ?? []) await change(w);
  const before = await w.host.snapshot();
  const out: OutParam<ComVMTask> = { value: undefined };
  const hr = await method.com(diskOut.value as ComVMHardDisk, row.nullOut ? null : out);
  expect(hresultName(hr)).toBe(row.hr);
  expect(out.value).toBeUndefined();
  if (!row.nullOut) {
    const error = await method.promise(promiseDisk).then(
      () => undefined,
      (e: unknown) => e as { name: string; argument?: string },
    );
    expect(error?.name).toBe(row.hr);
    if (row.argument !== undefined) expect(error?.argument).toBe(row.argument);
  }
  expect(await w.host.snapshot()).toEqual(before);
  // Every file the method opened is closed again: each can be held with no sharing.
  for (const held of w.held) await held.close();
  for (const path of files) {
    if (!(await w.host.exists(path))) continue;
    await (await w.host.open(path, 'read', { share: 'none' })).close();
  }
}
