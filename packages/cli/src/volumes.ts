/**
 * `--volume X=/folder[:NTFS|FAT32|FAT16]`: a Windows drive letter standing for a real folder.
 * `vs` builds its host volumes from these; `info`, `check`, `cat` and `write` use them to read
 * absolute W2ku locators that name that drive.
 * @module
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FileSystemKind } from '@vskit/host';
import { CliError } from './errors.js';
import { DEFAULT_DRIVES, type DriveMap } from './parents.js';

/** One parsed `--volume` option. */
export interface VolumeSpec {
  /** Upper-case drive letter, no colon. */
  readonly drive: string;
  /** The folder, absolute. */
  readonly root: string;
  /** The file system to emulate (NTFS unless given). */
  readonly fileSystem: FileSystemKind;
}

const VOLUME = /^([A-Za-z]):?=(.+?)(?::(NTFS|FAT32|FAT16))?$/i;

/**
 * Parses `C=/srv/c`, `C:=/srv/c`, `D=/mnt/d:FAT32`.
 * @throws CliError `INVALID_VOLUME` for anything else.
 */
export function parseVolume(spec: string): VolumeSpec {
  const match = VOLUME.exec(spec);
  if (match === null) {
    throw new CliError(
      'INVALID_VOLUME',
      `--volume '${spec}' is not X=/folder[:NTFS|FAT32|FAT16]`,
      2,
    );
  }
  const fileSystem = (match[3] ?? 'NTFS').toUpperCase() as FileSystemKind;
  return {
    drive: (match[1] as string).toUpperCase(),
    root: resolve(match[2] as string),
    fileSystem,
  };
}

/**
 * Parses every `--volume` option, refusing a drive letter given twice.
 * @throws CliError `INVALID_VOLUME`.
 */
export function parseVolumes(specs: readonly string[]): VolumeSpec[] {
  const volumes = specs.map(parseVolume);
  const seen = new Set<string>();
  for (const v of volumes) {
    if (seen.has(v.drive)) throw new CliError('INVALID_VOLUME', `drive ${v.drive}: given twice`, 2);
    seen.add(v.drive);
  }
  return volumes;
}

/** The drive map for locators: `Z:` = `/`, then every `--volume` (which may replace `Z:`). */
export function driveMap(specs: readonly string[]): DriveMap {
  const drives: Record<string, string> = { ...DEFAULT_DRIVES };
  for (const v of parseVolumes(specs)) drives[v.drive] = v.root;
  return drives;
}

/**
 * Checks that every volume's folder exists and is a folder. A missing folder whose name ends in
 * `:WORD` is reported as an unknown file system (`C=/srv/c:EXT4`), not as a missing folder.
 * @throws CliError `INVALID_VOLUME` (exit 2) for an unknown file system, `NOT_A_FILE` for a
 * file; the host error (`ENOENT`, ...) otherwise.
 */
export async function checkVolumeFolders(volumes: readonly VolumeSpec[]): Promise<void> {
  for (const v of volumes) {
    let isFolder: boolean;
    try {
      isFolder = statSync(v.root).isDirectory();
    } catch (error) {
      const suffix = /:([^:/\\]*)$/.exec(v.root);
      if (suffix !== null && (error as { code?: unknown }).code === 'ENOENT') {
        throw new CliError(
          'INVALID_VOLUME',
          `--volume ${v.drive}: unknown file system '${suffix[1]}' (NTFS, FAT32 or FAT16)`,
          2,
        );
      }
      throw error;
    }
    if (!isFolder)
      throw new CliError('NOT_A_FILE', `--volume ${v.drive}: ${v.root} is not a folder`);
  }
}
