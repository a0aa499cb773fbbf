import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { packageDirs, readManifest, repoRoot } from './workspace.js';

/** Library packages: everything their index exports is public API. */
const libraries = packageDirs.filter((dir) => dir !== 'packages/cli');

/** The exported names of `entry` that carry no TSDoc comment where they are declared. */
function undocumentedExports(entry: string): string[] {
  const program = ts.createProgram([entry], {
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    target: ts.ScriptTarget.ES2022,
    customConditions: ['@vskit/source'],
    noEmit: true,
    skipLibCheck: true,
  });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  if (source === undefined) throw new Error(`cannot read ${entry}`);
  const moduleSymbol = checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) return [];
  const missing: string[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol =
      exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
    const declarations = symbol.getDeclarations() ?? [];
    // A namespace re-export (`export * as x`) is documented by its module's own comment.
    if (declarations.some((d) => ts.isSourceFile(d))) continue;
    const documented = declarations.some(
      (d) => ts.getJSDocCommentsAndTags(d).length > 0 || hasLeadingDoc(d),
    );
    if (!documented) missing.push(exported.getName());
  }
  return missing;
}

/** Whether a declaration (or the statement holding it) starts with a `/** ... *\/` comment. */
function hasLeadingDoc(node: ts.Node): boolean {
  let target: ts.Node = node;
  while (
    target.parent !== undefined &&
    !ts.isSourceFile(target.parent) &&
    !ts.isModuleBlock(target.parent)
  ) {
    if (ts.isVariableDeclarationList(target.parent) || ts.isVariableStatement(target.parent)) {
      target = target.parent;
    } else break;
  }
  const text = target.getSourceFile().getFullText();
  const ranges = ts.getLeadingCommentRanges(text, target.getFullStart()) ?? [];
  return ranges.some((r) => text.slice(r.pos, r.pos + 3) === '/**');
}

/** The source file of every entry point a package exports (`.`, and subpaths such as `./kit`). */
function entrySources(dir: string): string[] {
  const entries = Object.values(readManifest(dir).exports ?? {});
  return entries
    .map((entry) => (entry as Record<string, unknown>)?.['@vskit/source'])
    .filter((source): source is string => typeof source === 'string')
    .map((source) => join(repoRoot, dir, source));
}

describe.each(libraries)('the public API of %s', (dir) => {
  it('documents every export of every entry point with TSDoc', () => {
    const sources = entrySources(dir);
    expect(sources).toContain(join(repoRoot, dir, 'src', 'index.ts'));
    for (const entry of sources)
      expect({ entry, missing: undocumentedExports(entry) }).toEqual({ entry, missing: [] });
  });
});
