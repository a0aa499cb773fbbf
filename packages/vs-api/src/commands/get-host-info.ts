/**
 * IVMVirtualServer.HostInfo: IVMHostInfo, of which vs-api implements HostDrives.
 * @module
 */
import type { Host } from '@vskit/host';

/** IVMHostInfo (the disk-related part). */
export interface VMHostInfo {
  /**
   * IVMHostInfo.HostDrives: the identifiers of the host's physical drives, read from the host
   * each time (mounted ones too: an image linked to one is read-only). Empty for a host without
   * drives.
   */
  readonly hostDrives: string[];
}

/** The host information of `host`; its properties read the host when asked. */
export function getHostInfo(host: Host): VMHostInfo {
  return {
    get hostDrives() {
      return (host.hostDrives?.() ?? []).map((drive) => drive.id);
    },
  };
}
