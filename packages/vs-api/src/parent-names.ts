/**
 * How a differencing disk names its parent: what CreateDifferencingVirtualHardDisk writes and
 * IVMHardDisk.Parent (put) writes again when it re-links a disk.
 * @module
 */
import { type WindowsPath, windowsPath } from '@vskit/host';

/** The names of a parent as its child records them. */
export interface ParentNames {
  /** The parent's file name (the header's parent Unicode name). */
  readonly unicodeName: string;
  /** The parent's absolute path (the W2ku locator). */
  readonly absolutePath: string;
  /**
   * The parent's path relative to the child's folder, `.\` or `..\` first (the W2ru locator);
   * absent when the parent is on another drive.
   */
  readonly relativePath?: string;
}

/** The names the child at `child` records of the parent at `parent`. */
export function parentNames(child: WindowsPath, parent: WindowsPath): ParentNames {
  const relativePath = windowsPath.relative(windowsPath.dirname(child), parent);
  return {
    unicodeName: windowsPath.basename(parent),
    absolutePath: windowsPath.format(parent),
    ...(relativePath === undefined ? {} : { relativePath }),
  };
}
