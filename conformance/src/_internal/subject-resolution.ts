/**
 * Lets a subject module anywhere import the suite that runs it: a Node.js module resolution hook
 * (`module.register`) that, when a `@vskit/` specifier cannot be resolved from the importing
 * module's own folder, resolves it from the suite's folder instead. A module in a folder of its
 * own (a temporary folder, the repository root, a project without `@vskit/conformance`
 * installed) then gets the running copy; one that can resolve it itself keeps its own.
 * @module
 */
import * as nodeModule from 'node:module';

/** The hook, as a module of its own (a data: URL, so it needs no file next to the built code). */
const HOOK = `
let suite;
export async function initialize(data) {
  suite = data.suite;
}
export async function resolve(specifier, context, next) {
  try {
    return await next(specifier, context);
  } catch (error) {
    if (!specifier.startsWith('@vskit/') || error?.code !== 'ERR_MODULE_NOT_FOUND') throw error;
    return next(specifier, { ...context, parentURL: suite });
  }
}
`;

let registered = false;

/**
 * Installs the hook once per process; `suite` is a module URL inside the running suite (its
 * `import.meta.url`). Does nothing on a Node.js without `module.register` (before 20.6).
 */
export function resolveSuiteForSubjects(suite: string): void {
  if (registered) return;
  const register = (nodeModule as { register?: typeof nodeModule.register }).register;
  if (typeof register !== 'function') return;
  register(`data:text/javascript,${encodeURIComponent(HOOK)}`, {
    parentURL: suite,
    data: { suite },
  });
  registered = true;
}
