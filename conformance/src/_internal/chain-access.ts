/**
 * Opens a VHD chain stored on a host with @vskit/vhd-format, finding each parent the way
 * SEMANTICS.md says (W2ru relative to the child's folder, then W2ku, then the Unicode name in
 * the child's folder), confined to the host's volumes.
 * @module
 */
import { type Host, type WindowsPath, windowsPath } from '@vskit/host';
import { openChain, parentCandidates, type VhdChain } from '@vskit/vhd-format';

/** An opened chain with the host path of every layer (top first). */
export interface HostChain {
  readonly chain: VhdChain;
  readonly paths: readonly string[];
}

/**
 * Opens the chain whose top is `path` (read-only unless `writable`). `strict` holds every layer
 * to the structural rules as GetHardDisk does: strictly, a trailing footer never written read
 * through its copy at offset 0 (the one state a power cut may leave an image in).
 */
export async function openHostChain(
  host: Host,
  path: string,
  options: { writable?: boolean; maxDepth?: number; strict?: boolean } = {},
): Promise<HostChain> {
  const top = windowsPath.parseAbsolute(path);
  if (top === undefined) throw new Error(`not an absolute path: ${path}`);
  const paths: WindowsPath[] = [top];
  const file = await host.open(path, options.writable ? 'readWrite' : 'read');
  try {
    const chain = await openChain(file, {
      writable: options.writable ?? false,
      ...(options.strict === true ? { strict: true, acceptUnwrittenFooter: true } : {}),
      ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
      async openParent(ref, _child, depth) {
        const child = paths[depth - 1] as WindowsPath;
        const folder = windowsPath.dirname(child);
        for (const candidate of parentCandidates(ref)) {
          if (
            windowsPath.findInvalidCharacter(candidate.path.replace(/^[A-Za-z]:\\/, 'C:\\')) !==
            undefined
          )
            continue;
          const at = candidate.relative
            ? windowsPath.resolve(candidate.path, folder)
            : windowsPath.parseAbsolute(candidate.path);
          if (at === undefined || host.volumeInfo(at.drive) === undefined) continue;
          const stat = await host.stat(windowsPath.format(at));
          if (stat?.kind !== 'file') continue;
          paths[depth] = at;
          return { file: await host.open(windowsPath.format(at), 'read'), modified: stat.mtime };
        }
        return undefined;
      },
    });
    return { chain, paths: paths.map((p) => windowsPath.format(p)) };
  } catch (error) {
    await file.close().catch(() => undefined);
    throw error;
  }
}
