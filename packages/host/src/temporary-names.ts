/**
 * The names under which a new file is written before it takes its final name: `~vskit-`, eight
 * hex digits that stand for the final path (its owner), `-`, eight random hex digits, `.tmp`
 * (`~vskit-1f3a09bc-7d2e4410.tmp`). A creation writes its file under such a name in the final
 * name's folder, syncs it, renames it without replacing and syncs the folder; one that a power
 * cut or a killed process left behind is recognisable by its name and removed by the next
 * creation of the same final path. It never ends in `.vhd`, so no search for images finds it.
 * @module
 */

/** Every temporary name, whatever its owner (case ignored, as Windows names are). */
export const TEMPORARY_NAME_PATTERN: RegExp = /^~vskit-[0-9a-f]{8}-[0-9a-f]{8}\.tmp$/i;

/** The length of every temporary name. */
export const TEMPORARY_NAME_LENGTH = 28;

/**
 * The eight hex digits that stand for `ownerKey` (a 32-bit FNV-1a hash of its UTF-16 units).
 * Pass a key that is equal for equal paths: `windowsPath.pathKey` on a host, the absolute real
 * path on a case-sensitive file system.
 */
export function temporaryOwnerTag(ownerKey: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < ownerKey.length; i++) {
    hash ^= ownerKey.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * A fresh temporary name for a file that will become `ownerKey`'s, from four random bytes.
 *
 * @example
 * ```ts
 * temporaryName('C:\\VMS\\A.VHD', host.randomBytes(4)); // '~vskit-5c0a7b1e-09f4a2c3.tmp'
 * ```
 */
export function temporaryName(ownerKey: string, random: Uint8Array): string {
  if (random.length < 4) throw new RangeError('a temporary name needs 4 random bytes');
  const suffix = Array.from(random.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join('');
  return `~vskit-${temporaryOwnerTag(ownerKey)}-${suffix}.tmp`;
}

/**
 * Whether `name` is a temporary name: any at all, or, with `ownerKey`, one of a file that was to
 * become `ownerKey`'s.
 */
export function isTemporaryName(name: string, ownerKey?: string): boolean {
  if (!TEMPORARY_NAME_PATTERN.test(name)) return false;
  return ownerKey === undefined || name.slice(7, 15).toLowerCase() === temporaryOwnerTag(ownerKey);
}
