/**
 * Setting a path argument up on the host as a {@link PathCase} says (the model's view of it),
 * for the members whose checks are the shared path checks: the floppy, host-drive and
 * search-path properties.
 * @module
 */
import type { Host, HostFile } from '@vskit/host';
import fc from 'fast-check';
import type { PathCase } from '../../surface-model.js';
import { pathOf } from './hard-disk-calls.js';

/** Every path case. */
export const PATH_CASES: readonly PathCase[] = [
  'ok',
  'folder-missing',
  'null',
  'invalid',
  'relative',
  'long',
  'no-volume',
  'via-file',
  'file',
  'folder',
];

/** Where a path case is put: folders on C: and a file name; `variant` picks among spellings. */
export interface PathPlace {
  readonly folders: readonly string[];
  readonly name: string;
  readonly variant: number;
}

/** A place: one to two ASCII folders, a name, a variant. */
export const placeArb: fc.Arbitrary<PathPlace> = fc.record({
  folders: fc.array(fc.constantFrom('vms', 'a', 'x y', 'B2'), { minLength: 1, maxLength: 2 }),
  name: fc.constantFrom('f', 'Disk', 'a b'),
  variant: fc.nat({ max: 99 }),
});

const INVALID = ['*', '?', '<', '>', '|', '"', '/', ':', '\u0001', '\u001f'];

/**
 * Sets `pathCase` up on `host` and returns the path argument. `suffix` ends the name (`.vfd`,
 * or `''` for a folder argument); `file` writes the file a `'file'` case puts at the path.
 */
export async function arrangePath(
  host: Host,
  pathCase: PathCase,
  place: PathPlace,
  suffix: string,
  file: (path: string) => Promise<void> = (path) => host.writeFile(path, new Uint8Array(64)),
): Promise<string | null | undefined> {
  const { folders, name, variant } = place;
  const here = pathOf('C', folders, `${name}${suffix}`);
  const folder = pathOf('C', folders, '');
  switch (pathCase) {
    case 'null':
      return variant % 2 === 0 ? null : undefined;
    case 'ok':
      await host.mkdir(folder, { recursive: true });
      return here;
    case 'folder-missing':
      return pathOf('C', [...folders, 'gone'], `${name}${suffix}`);
    case 'invalid':
      return pathOf('C', folders, `${name}${INVALID[variant % INVALID.length]}${suffix}`);
    case 'relative':
      return ['', `${name}${suffix}`, `\\vms\\${name}${suffix}`, `.\\${name}${suffix}`][
        variant % 4
      ];
    case 'long':
      return pathOf('C', ['long', 'x'.repeat(250 + (variant % 30))], `d${suffix}`);
    case 'no-volume':
      return pathOf('Q', folders, `${name}${suffix}`);
    case 'via-file':
      await host.mkdir(folder, { recursive: true });
      await host.writeFile(pathOf('C', folders, 'blocker.txt'), new Uint8Array(10));
      return pathOf('C', [...folders, 'blocker.txt'], `${name}${suffix}`);
    case 'file':
      await host.mkdir(folder, { recursive: true });
      await file(here);
      return here;
    case 'folder':
      await host.mkdir(here, { recursive: true });
      return here;
  }
}

/** What holds a file while a member is called with its path. */
export type Holder = 'none' | 'read-only' | 'in-use';

/** Every holder. */
export const holderArb: fc.Arbitrary<Holder> = fc.constantFrom<Holder>(
  'none',
  'read-only',
  'in-use',
);

/**
 * Makes the file at `path` read-only, or holds it open with share `none` (in use); the handle
 * held, to close after the call, or `null`.
 */
export async function holdFile(host: Host, path: string, holder: Holder): Promise<HostFile | null> {
  if (holder === 'read-only') await host.setReadOnly(path, true);
  return holder === 'in-use' ? host.open(path, 'read', { share: 'none' }) : null;
}
