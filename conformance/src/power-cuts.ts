/**
 * The optional capability a subject's host may offer so the suite can cut the power in the middle
 * of a command, then restart on what was durable: {@link PowerCutHost}, found at run time by
 * {@link powerCutsOf}. Without it `STATE.power-cut` is reported not applicable.
 * @module
 */
import type { Host } from '@vskit/host';

/** A host operation the power can fail at. */
export type PowerCutOperation = 'write' | 'sync' | 'truncate';

/** How the power fails at a write. */
export interface PowerCutOptions {
  /**
   * Keep the leading sectors of the write under way (cut at a 512-byte sector boundary of the
   * file, its first half reaching the disk). Default `false`: the write is lost like every write
   * not synced since.
   */
  readonly torn?: boolean;
}

/**
 * A host that can lose power on cue and be brought back on what was durable. The emulated host
 * (`createEmulatedHost` of `@vskit/emulator`) has this shape as it is, so a subject built on it
 * offers the capability without writing anything.
 *
 * @example
 * ```ts
 * const cuts = powerCutsOf(host);
 * if (cuts !== undefined) {
 *   cuts.faults.powerCutAt('write', 3, { torn: true });
 *   // ... a command runs; its third write tears, every later host call fails
 *   if (cuts.faults.poweredOff) host = await cuts.reopenAfterPowerCut();
 *   else cuts.faults.clear();
 * }
 * ```
 */
export interface PowerCutHost {
  /** Where cuts are armed. */
  readonly faults: {
    /**
     * The power fails at the `n`-th call of `op` on this host from now (1 = the next one): that
     * call and every later call on this host fail (the server sees an I/O error).
     */
    powerCutAt(op: PowerCutOperation, n: number, options?: PowerCutOptions): void;
    /** The power fails now: every later call on this host fails. */
    powerCut(): void;
    /** Whether the power has failed. */
    readonly poweredOff: boolean;
    /** Removes an armed cut that has not fired (and any other pending fault rule). */
    clear(): void;
  };
  /**
   * A new host holding what is durable: the namespace as the last folder syncs left it, file
   * sizes as they were, file bytes as of each file's last `sync` (plus a torn write's kept
   * sectors). The suite builds a new server on it, as an application restarting after the
   * power came back.
   */
  reopenAfterPowerCut(): Host | Promise<Host>;
}

/** The host as a {@link PowerCutHost}, or `undefined` when it does not offer power cuts. */
export function powerCutsOf(host: Host): (Host & PowerCutHost) | undefined {
  const candidate = host as Host & Partial<PowerCutHost>;
  const faults = candidate.faults as Partial<PowerCutHost['faults']> | undefined;
  if (
    typeof candidate.reopenAfterPowerCut !== 'function' ||
    typeof faults !== 'object' ||
    faults === null ||
    typeof faults.powerCutAt !== 'function' ||
    typeof faults.powerCut !== 'function' ||
    typeof faults.clear !== 'function' ||
    !('poweredOff' in faults)
  ) {
    return undefined;
  }
  return candidate as Host & PowerCutHost;
}

/**
 * Whether a file name is one the suite takes for an atomic writer's temporary file: `~` first,
 * `.tmp` last (any case), such as vs-api's `~vskit-HHHHHHHH-RRRRRRRR.tmp`. After a power cut such
 * a file may stay; it never counts as a partial image.
 */
export function isTemporaryName(name: string): boolean {
  return /^~[^\\]*\.tmp$/i.test(name);
}
