/**
 * `@vskit/cli`: the `vskit` command. The bin is `dist/vskit.cjs` (it runs a bundle of
 * `dist/main.js`); `main` runs the same code in-process.
 * @packageDocumentation
 */

export type { CliIo, Command } from './command.js';
export type { CliErrorCode, ErrorReport } from './errors.js';
export { CliError, describeError, errorLine } from './errors.js';
export type { CommandEntry } from './main.js';
export { COMMANDS, main } from './main.js';
export { formatSize, parseSize } from './sizes.js';
