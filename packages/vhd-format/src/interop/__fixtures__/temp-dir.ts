/** Scratch folders for interop tests and benches, removed afterwards. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder under the OS temp dir, and a way to remove it with everything inside. */
export interface TempDir {
  readonly path: string;
  /** `path` joined with `name`. */
  file(name: string): string;
  remove(): Promise<void>;
}

/** Creates a folder named `vskit-<prefix>-XXXXXX` under `os.tmpdir()`. */
export async function makeTempDir(prefix: string): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), `vskit-${prefix}-`));
  return {
    path,
    file: (name) => join(path, name),
    remove: () => rm(path, { recursive: true, force: true }),
  };
}
