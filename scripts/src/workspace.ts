/**
 * Facts about the repository that its tooling and hygiene tests share: where the workspace
 * packages are and what the README's Quick start says.
 * @module
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Folders of the publishable workspace packages, relative to the root. */
export const packageDirs = [
  'packages/host',
  'packages/host-node',
  'packages/vhd-format',
  'packages/vs-api',
  'emulator',
  'conformance',
  'packages/cli',
] as const;

/** A workspace package's manifest, as far as the hygiene checks read it. */
export interface Manifest {
  name: string;
  version: string;
  description?: string;
  license?: string;
  type?: string;
  sideEffects?: boolean;
  engines?: { node?: string };
  exports?: Record<string, unknown>;
  files?: string[];
  bin?: Record<string, string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

/** Reads a workspace package's package.json. */
export function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(repoRoot, dir, 'package.json'), 'utf8')) as Manifest;
}

/** The command lines of the README's `## Quick start` code block, blank lines left out. */
export function quickStartCommands(readme: string): string[] {
  const section = readme.split(/^## Quick start\s*$/m)[1] ?? '';
  const block = /^```[^\n]*\n([\s\S]*?)^```/m.exec(section)?.[1] ?? '';
  return block.split('\n').filter((line) => line.trim() !== '');
}
