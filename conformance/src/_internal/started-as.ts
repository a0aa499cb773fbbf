/**
 * How the suite's command line was started, as its replay lines print it: `pnpm conformance`
 * through the package script, else `node <path to bin.js>` as typed from the working folder.
 * @module
 */
import { isAbsolute, relative } from 'node:path';

/** The command that started this process, from its environment, script path and folder. */
export function startedAs(
  env: Readonly<Record<string, string | undefined>>,
  script: string | undefined,
  cwd: string,
): string {
  if (env.npm_lifecycle_event === 'conformance') {
    const agent = env.npm_config_user_agent?.split('/')[0];
    return agent === 'npm' ? 'npm run conformance --' : `${agent ?? 'pnpm'} conformance`;
  }
  if (script === undefined) return 'conformance';
  const path = isAbsolute(script) ? relative(cwd, script) : script;
  return `node ${path.startsWith('..') || isAbsolute(path) ? script : path}`;
}
