import type { HostFile } from './host.js';

/**
 * Runs `body` on an open file and closes it. A failure of `body` wins over a failure of `close`;
 * when `body` succeeds, a failing `close` is the result.
 *
 * @example
 * ```ts
 * const size = await withFile(await host.open('C:\\vms\\disk.vhd', 'read'), (file) => file.size());
 * ```
 */
export async function withFile<T>(
  file: HostFile,
  body: (file: HostFile) => Promise<T>,
): Promise<T> {
  let result: T;
  try {
    result = await body(file);
  } catch (error) {
    await file.close().catch(() => undefined);
    throw error;
  }
  await file.close();
  return result;
}
