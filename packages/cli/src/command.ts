/**
 * The shape every subcommand has, and small helpers to read its parsed arguments.
 * @module
 */
import type { Readable, Writable } from 'node:stream';
import { CliError, usageError } from './errors.js';
import type { ProgressSink } from './progress.js';
import { parseSize } from './sizes.js';

/** The process streams and environment a command runs with (tests pass their own). */
export interface CliIo {
  /** Where data goes. */
  readonly stdout: Writable & { readonly isTTY?: boolean };
  /** Where errors and the progress bar go. */
  readonly stderr: Writable & ProgressSink;
  /** Where `write` reads bytes from when no `--input` is given. */
  readonly stdin: Readable;
  /** Environment variables. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** One option of a command, in `node:util` `parseArgs` terms. */
export interface OptionSpec {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
}

/** What `parseArgs` made of a command's arguments. */
export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
}

/** A subcommand: its help and its behaviour. */
export interface Command {
  /** The word after `vskit`. */
  readonly name: string;
  /** One line for the command table. */
  readonly summary: string;
  /** Usage lines, without the leading `vskit `. */
  readonly usage: readonly string[];
  /** The body of `--help`: what it does, options, examples. */
  readonly help: string;
  /** Options besides `--help`. */
  readonly options: Readonly<Record<string, OptionSpec>>;
  /**
   * The command reads its own arguments (with a parser of its own): `run` gets every word after
   * the command's name as `positionals`, unparsed; `--help` or `-h` still prints the help.
   */
  readonly ownArguments?: boolean;
  /**
   * Threads of libuv's pool the command runs with (`UV_THREADPOOL_SIZE`, default 4): set by
   * `main` for the real process before the command starts, unless the user has set the
   * variable. libuv reads it when the pool starts, at the first thread-pool call, and nothing
   * before a command's `run` makes one.
   */
  readonly threadPoolSize?: number;
  /** Runs the command; resolves to the exit status. Throws for errors (printed by `main`). */
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}

/** The value of a string option, or `undefined` when absent. */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const value = args.values[name];
  if (Array.isArray(value)) return value.length === 0 ? undefined : String(value[value.length - 1]);
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a repeatable string option. */
export function stringOptions(args: ParsedArgs, name: string): string[] {
  const value = args.values[name];
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? [value] : [];
}

/** Whether a boolean option was given. */
export function flag(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** A byte-count option (`--offset 1MiB`), or `fallback` when absent. */
export function sizeOption(args: ParsedArgs, name: string): number | undefined {
  const text = stringOption(args, name);
  return text === undefined ? undefined : parseSize(text, `--${name}`);
}

/** A whole-number option (`--runs 100`), or `undefined` when absent. */
export function integerOption(args: ParsedArgs, name: string): number | undefined {
  const text = stringOption(args, name);
  if (text === undefined) return undefined;
  if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(Number(text))) {
    throw new CliError('INVALID_NUMBER', `--${name} '${text}' is not a whole number`, 2);
  }
  return Number(text);
}

/** Exactly `names.length` positionals, named for the usage error when some are missing or extra. */
export function positionals(given: readonly string[], names: readonly string[]): string[] {
  if (given.length < names.length) {
    throw usageError(
      `missing ${names
        .slice(given.length)
        .map((n) => `<${n}>`)
        .join(' ')}`,
    );
  }
  if (given.length > names.length) {
    throw usageError(`unexpected argument '${given[names.length]}'`);
  }
  return [...given];
}

/** Writes `text` and waits until the stream took it (so large outputs keep their order). */
export function writeText(stream: Writable, text: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}
