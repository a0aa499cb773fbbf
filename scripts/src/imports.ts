/**
 * What a workspace package's sources import, read from the files themselves: every static
 * `import`/`export ... from`, `import x = require()`, `import('...')` type and dynamic `import()`
 * call whose specifier is a string literal.
 * @module
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { readManifest, repoRoot } from './workspace.js';

/** One import of one source file. */
export interface ImportSite {
  /** The file, relative to the repository root, with `/` separators. */
  readonly file: string;
  /** The module specifier as written. */
  readonly specifier: string;
  /** `'static'` for declarations and type imports, `'dynamic'` for an `import()` call. */
  readonly kind: 'static' | 'dynamic';
}

/** The module specifiers `text` imports, in source order. */
export function importsOf(text: string): Array<Pick<ImportSite, 'specifier' | 'kind'>> {
  const source = ts.createSourceFile('module.ts', text, ts.ScriptTarget.ES2022, true);
  const found: Array<Pick<ImportSite, 'specifier' | 'kind'>> = [];
  const visit = (node: ts.Node) => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier !== undefined &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, kind: 'static' });
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      found.push({ specifier: node.moduleReference.expression.text, kind: 'static' });
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      found.push({ specifier: node.argument.literal.text, kind: 'static' });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] !== undefined &&
      ts.isStringLiteralLike(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, kind: 'dynamic' });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** Whether `file` (relative to its package) is test code: a test, a bench or a test fixture. */
export function isTestCode(file: string): boolean {
  const parts = file.split(/[\\/]/);
  const name = parts.at(-1) ?? '';
  return (
    /\.(test|bench)\.ts$/.test(name) || parts.includes('__fixtures__') || parts.includes('bench')
  );
}

/** The TypeScript files under `folder`, recursively, skipping `node_modules` and `dist`. */
function typeScriptFiles(folder: string): string[] {
  const files: string[] = [];
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(folder, { withFileTypes: true });
  } catch {
    return files;
  }
  for (const entry of entries) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules' && entry.name !== 'dist')
        files.push(...typeScriptFiles(path));
    } else if (/\.(ts|mts|mjs|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
      files.push(path);
    }
  }
  return files;
}

/** A workspace package's import sites, split into its product code and its test code. */
export interface PackageImports {
  /** The package's folder, relative to the root. */
  readonly dir: string;
  /** Imports of the files that ship (everything in `src/` but tests, benches and fixtures). */
  readonly product: readonly ImportSite[];
  /** Imports of tests, benches and fixtures. */
  readonly tests: readonly ImportSite[];
}

/** Reads every source file of the package at `dir` (its `src/` and `bench/`). */
export function packageImports(dir: string): PackageImports {
  const product: ImportSite[] = [];
  const tests: ImportSite[] = [];
  const root = join(repoRoot, dir);
  for (const path of [
    ...typeScriptFiles(join(root, 'src')),
    ...typeScriptFiles(join(root, 'bench')),
  ]) {
    const inPackage = relative(root, path);
    const file = relative(repoRoot, path).split(sep).join('/');
    const target = isTestCode(inPackage) ? tests : product;
    for (const site of importsOf(readFileSync(path, 'utf8'))) target.push({ file, ...site });
  }
  return { dir, product, tests };
}

/** Whether `specifier` names a Node.js built-in module (`node:fs`, or a bare `fs`). */
export function isNodeBuiltin(specifier: string): boolean {
  return specifier.startsWith('node:') || builtinModules.includes(specifier.split('/')[0] ?? '');
}

/** The package a bare specifier names: `@scope/name` or `name`, without a subpath. */
export function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? specifier);
}

/** Whether `specifier` is a workspace package of ours (`@vskit/...`). */
export function isOurs(specifier: string): boolean {
  return specifier.startsWith('@vskit/');
}

/** The specifiers a workspace package answers to: its name and each subpath of its `exports`. */
export function publicEntryPoints(dir: string): string[] {
  const manifest = readManifest(dir);
  return Object.keys(manifest.exports ?? { '.': '' })
    .filter((key) => key !== './package.json')
    .map((key) => (key === '.' ? manifest.name : `${manifest.name}/${key.slice(2)}`));
}

/** Whether the relative `specifier` of `file` (relative to the root) leaves the folder `dir`. */
export function leavesPackage(file: string, specifier: string, dir: string): boolean {
  if (!specifier.startsWith('.')) return false;
  const target = resolve(repoRoot, dirname(file), specifier);
  const inside = relative(join(repoRoot, dir), target);
  return inside.startsWith('..') || isAbsolute(inside);
}
