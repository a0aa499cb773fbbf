/** A scratch folder per test suite, made before the suite's tests and removed after them. */
import { afterAll, beforeAll } from 'vitest';
import { makeTempDir, type TempDir } from './temp-dir.js';

/**
 * Registers, in the calling `describe`, hooks that make a `vskit-<prefix>-XXXXXX` folder before
 * its tests and remove it after them. The returned folder is usable inside the tests.
 */
export function suiteTempDir(prefix: string): TempDir {
  let dir: TempDir | undefined;
  beforeAll(async () => {
    dir = await makeTempDir(prefix);
  });
  afterAll(async () => {
    await dir?.remove();
  });
  const current = (): TempDir => {
    if (dir === undefined) throw new Error('the suite folder exists only inside its tests');
    return dir;
  };
  return {
    get path() {
      return current().path;
    },
    file: (name) => current().file(name),
    remove: () => current().remove(),
  };
}
