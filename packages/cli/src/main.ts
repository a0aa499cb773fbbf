/**
 * `vskit`: the command table, help texts, argument parsing and error printing. Each subcommand
 * lives in `commands/` and is imported only when it runs; this module only dispatches.
 * @module
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { CliIo, Command, ParsedArgs } from './command.js';
import {
  describeError,
  EXIT_USAGE,
  errorJson,
  errorLine,
  exitCodeFor,
  usageError,
} from './errors.js';
import { writeJson } from './output.js';
import { lazyOutput } from './process-output.js';

/**
 * A subcommand by name, and how to load it. A command's module (and the packages it needs) loads
 * only when that command runs or its help is asked for, so `vskit info` never loads what
 * `vskit vs` or `vskit create` need.
 */
export interface CommandEntry {
  /** The word after `vskit`. */
  readonly name: string;
  /** Imports the command's module and returns the command. */
  load(): Promise<Command>;
}

/** Every subcommand, in the order the help lists them. */
export const COMMANDS: readonly CommandEntry[] = [
  { name: 'create', load: async () => (await import('./commands/create.js')).createCommand },
  { name: 'info', load: async () => (await import('./commands/info.js')).infoCommand },
  { name: 'map', load: async () => (await import('./commands/map.js')).mapCommand },
  { name: 'check', load: async () => (await import('./commands/check.js')).checkCommand },
  { name: 'cat', load: async () => (await import('./commands/cat.js')).catCommand },
  { name: 'write', load: async () => (await import('./commands/write.js')).writeCommand },
  { name: 'merge', load: async () => (await import('./commands/merge.js')).mergeCommand },
  { name: 'convert', load: async () => (await import('./commands/convert.js')).convertCommand },
  { name: 'rebase', load: async () => (await import('./commands/rebase.js')).rebaseCommand },
  { name: 'compact', load: async () => (await import('./commands/compact.js')).compactCommand },
  { name: 'resize', load: async () => (await import('./commands/resize.js')).resizeCommand },
  { name: 'repair', load: async () => (await import('./commands/repair.js')).repairCommand },
  {
    name: 'conformance',
    load: async () => (await import('./commands/conformance.js')).conformanceCommand,
  },
  { name: 'vs', load: async () => (await import('./commands/vs.js')).vsCommand },
];

/** The version in this package's `package.json`. */
export function version(): string {
  try {
    const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
    return String((JSON.parse(text) as { version?: unknown }).version ?? 'unknown');
  } catch {
    return 'unknown';
  }
}

/** The text of `vskit --help` (it loads every command, for their summaries). */
export async function topHelp(): Promise<string> {
  const commands = await Promise.all(COMMANDS.map((entry) => entry.load()));
  const width = Math.max(...commands.map((c) => c.name.length));
  const table = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join('\n');
  return [
    'vskit: Virtual Server 2005 disks (VHD) on real files',
    '',
    'Usage: vskit <command> [options]',
    '',
    'Commands:',
    table,
    '',
    "Run `vskit <command> --help` for a command's options and examples.",
    'Sizes: 512MB, 64MiB, 10GiB, 4096 (bytes). Every unit is binary: MB = MiB.',
    'Errors print one line `vskit: CODE: message` on stderr and exit non-zero',
    `(${EXIT_USAGE} for a command line that cannot be understood).`,
    '',
  ].join('\n');
}

/** The text of `vskit <command> --help`. */
export function commandHelp(command: Command): string {
  const usage = command.usage.map((u, i) => `${i === 0 ? 'Usage: ' : '       '}vskit ${u}`);
  return `${usage.join('\n')}\n\n${command.help.trimEnd()}\n`;
}

/**
 * Runs the CLI with `argv` (the words after `vskit`) and resolves to the exit status. Expected
 * errors become one line on stderr (and, under `--json`, a JSON error record on stdout); nothing
 * throws. Without `given`, it runs on the real process's streams and sizes its thread pool for
 * the command (see `Command.threadPoolSize`); with `given` (tests, embedding) it leaves the
 * process alone.
 */
export async function main(argv: readonly string[], given?: CliIo): Promise<number> {
  const io = given ?? processIo();
  try {
    return await dispatch(argv, io, given === undefined);
  } catch (error) {
    io.stderr.write(`${errorLine(error)}\n`);
    if (await wantsJson(argv)) await writeJson(io.stdout, errorJson(error)).catch(() => undefined);
    const { expected } = describeError(error);
    if (!expected && io.env.VSKIT_DEBUG && error instanceof Error && error.stack) {
      io.stderr.write(`${error.stack}\n`);
    }
    return exitCodeFor(error);
  }
}

/**
 * `dispatch` runs `argv` on `io`; `ownProcess`: the real process's (its thread pool the command's
 * to size, see `Command.threadPoolSize`).
 */
async function dispatch(argv: readonly string[], io: CliIo, ownProcess: boolean): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    io.stderr.write(await topHelp());
    return EXIT_USAGE;
  }
  if (first === '--help' || first === '-h') {
    io.stdout.write(await topHelp());
    return 0;
  }
  if (first === '--version' || first === '-V') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  if (first === 'help') {
    const named = rest[0] === undefined ? undefined : findCommand(rest[0]);
    if (rest[0] !== undefined && named === undefined) {
      throw usageError(`unknown command '${rest[0]}' (run vskit --help)`);
    }
    io.stdout.write(named === undefined ? await topHelp() : commandHelp(await named.load()));
    return 0;
  }
  const entry = findCommand(first);
  if (entry === undefined) {
    throw usageError(`unknown command '${first}' (run vskit --help)`);
  }
  const command = await entry.load();
  const args = command.ownArguments ? unparsed(rest) : parse(command, rest);
  if (args.values.help === true) {
    io.stdout.write(commandHelp(command));
    return 0;
  }
  if (ownProcess && command.threadPoolSize !== undefined) {
    process.env.UV_THREADPOOL_SIZE ??= String(command.threadPoolSize);
  }
  return command.run(args, io);
}

/**
 * Whether the command line asks for JSON output: `--json` (before any `--`) on a command whose
 * `--json` is a flag (`conformance --json F` names a file instead).
 */
export async function wantsJson(argv: readonly string[]): Promise<boolean> {
  const [first, ...rest] = argv;
  const entry = first === undefined ? undefined : findCommand(first);
  const command = await entry?.load().catch(() => undefined);
  if (command?.options.json?.type !== 'boolean') return false;
  const end = rest.indexOf('--');
  return (end === -1 ? rest : rest.slice(0, end)).includes('--json');
}

function findCommand(name: string): CommandEntry | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** The arguments of a command that reads its own: all of them, and whether help is asked for. */
function unparsed(args: readonly string[]): ParsedArgs {
  const end = args.indexOf('--');
  const options = end === -1 ? args : args.slice(0, end);
  return {
    values: { help: options.includes('--help') || options.includes('-h') },
    positionals: [...args],
  };
}

function parse(command: Command, args: readonly string[]): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values, positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw usageError(`${message ?? 'bad arguments'} (run vskit ${command.name} --help)`);
  }
}

/**
 * Ends the process quietly (status 0) when the reader of `stream` goes away (`vskit info | head`),
 * instead of an unhandled EPIPE error.
 */
export function quietOnBrokenPipe(stream: NodeJS.WritableStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

/**
 * The real process streams, each built only when first needed: stdout and stderr take text with
 * blocking writes until a command needs the stream itself (see `process-output.ts`), and
 * `stdin` is looked up only when a command reads it (only `write` does). A reader of stdout that
 * goes away ends the process quietly (see {@link quietOnBrokenPipe}); on stderr, what it no
 * longer reads is dropped.
 */
export function processIo(): CliIo {
  const stdout = lazyOutput(
    1,
    () => {
      quietOnBrokenPipe(process.stdout);
      return process.stdout;
    },
    () => process.exit(0),
  );
  const stderr = lazyOutput(
    2,
    () => process.stderr,
    () => undefined,
  );
  return {
    stdout,
    stderr,
    get stdin() {
      return process.stdin;
    },
    env: process.env,
  };
}
