/**
 * Random host command sequences for property tests: a tiny vocabulary of names so that commands
 * collide, differ only in case and meet `..`, file sessions with writes, truncates, reads and syncs.
 */
import type { Host, HostFile } from '@vskit/host';
import { isHostError } from '@vskit/host';
import fc from 'fast-check';

/** How large the positions and data of file steps may be, and which drives paths use. */
export interface CommandScale {
  readonly maxPosition: number;
  readonly maxData: number;
  /** Drive letters, the first the most likely; default `['C']`. */
  readonly drives?: readonly string[];
}

const SMALL: CommandScale = { maxPosition: 500, maxData: 300 };

/** A name of the vocabulary. */
export const name = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom('d', 'D', 'f.vhd', 'F.VHD') },
  { weight: 1, arbitrary: fc.constantFrom('..', '.') },
);
/** A path over the vocabulary, on one of `drives` (the first one four times as likely). */
export function pathArbitrary(drives: readonly string[] = ['C']): fc.Arbitrary<string> {
  const [first = 'C', ...others] = drives;
  const drive =
    others.length === 0
      ? fc.constant(first)
      : fc.oneof(
          { weight: 4, arbitrary: fc.constant(first) },
          { weight: 1, arbitrary: fc.constantFrom(...others) },
        );
  return fc
    .tuple(drive, fc.array(name, { minLength: 1, maxLength: 3, size: 'xsmall' }))
    .map(([letter, segments]) => `${letter}:\\${segments.join('\\')}`);
}

/** One call on an open file. */
export type FileStep =
  | { kind: 'write'; position: number; data: Uint8Array }
  | { kind: 'truncate'; length: number }
  | { kind: 'read'; position: number; length: number }
  | { kind: 'size' }
  | { kind: 'sync' };

/** Calls on an open file, at this scale. */
export function fileStepArbitrary(scale: CommandScale = SMALL): fc.Arbitrary<FileStep> {
  const data = fc.uint8Array({ maxLength: scale.maxData });
  return fc.oneof(
    fc.record({ kind: fc.constant('write' as const), position: fc.nat(scale.maxPosition), data }),
    fc.record({ kind: fc.constant('truncate' as const), length: fc.nat(scale.maxPosition) }),
    fc.record({
      kind: fc.constant('read' as const),
      position: fc.nat(scale.maxPosition),
      length: fc.nat(scale.maxData),
    }),
    fc.record({ kind: fc.constant('size' as const) }),
    fc.record({ kind: fc.constant('sync' as const) }),
  );
}

/** One host command. */
export type Command =
  | { kind: 'mkdir'; path: string; recursive: boolean }
  | { kind: 'writeFile'; path: string; data: Uint8Array }
  | { kind: 'readFile'; path: string }
  | { kind: 'stat'; path: string }
  | { kind: 'readdir'; path: string }
  | { kind: 'unlink'; path: string }
  | { kind: 'rmdir'; path: string }
  | { kind: 'rename'; from: string; to: string }
  | {
      kind: 'session';
      path: string;
      mode: 'read' | 'readWrite' | 'createNew';
      steps: FileStep[];
    };

/** Host commands over the tiny vocabulary, at this scale. */
export function commandArbitrary(scale: CommandScale = SMALL): fc.Arbitrary<Command> {
  const data = fc.uint8Array({ maxLength: scale.maxData });
  const fileStep = fileStepArbitrary(scale);
  const path = pathArbitrary(scale.drives);
  return fc.oneof(
    fc.record({ kind: fc.constant('mkdir' as const), path, recursive: fc.boolean() }),
    fc.record({ kind: fc.constant('writeFile' as const), path, data }),
    fc.record({ kind: fc.constant('readFile' as const), path }),
    fc.record({ kind: fc.constant('stat' as const), path }),
    fc.record({ kind: fc.constant('readdir' as const), path }),
    fc.record({ kind: fc.constant('unlink' as const), path }),
    fc.record({ kind: fc.constant('rmdir' as const), path }),
    fc.record({ kind: fc.constant('rename' as const), from: path, to: path }),
    fc.record({
      kind: fc.constant('session' as const),
      path,
      mode: fc.constantFrom('read' as const, 'readWrite' as const, 'createNew' as const),
      steps: fc.array(fileStep, { maxLength: 5 }),
    }),
  );
}

/** Commands that give every sequence some folders and files to work on. */
export const SEED_COMMANDS: readonly Command[] = [
  { kind: 'mkdir', path: 'C:\\D\\d', recursive: true },
  { kind: 'writeFile', path: 'C:\\f.vhd', data: Uint8Array.of(1, 2, 3) },
  { kind: 'writeFile', path: 'C:\\d\\F.vhd', data: new Uint8Array(700).fill(9) },
];

/** What a command did: its value, or the error code it failed with. */
export async function outcome(run: () => Promise<unknown>): Promise<unknown> {
  try {
    return { ok: await run() };
  } catch (error) {
    if (isHostError(error)) return { error: error.code };
    throw error;
  }
}

async function runFile(file: HostFile, steps: FileStep[]): Promise<unknown[]> {
  const results: unknown[] = [];
  for (const step of steps) {
    results.push(
      await outcome(async () => {
        switch (step.kind) {
          case 'write':
            return file.write(step.data, step.position);
          case 'truncate':
            return file.truncate(step.length);
          case 'read': {
            const buffer = new Uint8Array(step.length);
            const count = await file.read(buffer, step.position);
            return [...buffer.subarray(0, count)];
          }
          case 'size':
            return file.size();
          case 'sync':
            return file.sync();
        }
      }),
    );
  }
  return results;
}

/** Runs a command; a session closes its file whatever happens. */
export async function runCommand(host: Host, c: Command): Promise<unknown> {
  switch (c.kind) {
    case 'mkdir':
      return outcome(() => host.mkdir(c.path, { recursive: c.recursive }));
    case 'writeFile':
      return outcome(() => host.writeFile(c.path, c.data));
    case 'readFile':
      return outcome(async () => [...(await host.readFile(c.path))]);
    case 'stat':
      return outcome(async () => {
        const facts = await host.stat(c.path);
        return facts && { kind: facts.kind, size: facts.size };
      });
    case 'readdir':
      return outcome(() => host.readdir(c.path));
    case 'unlink':
      return outcome(() => host.unlink(c.path));
    case 'rmdir':
      return outcome(() => host.rmdir(c.path));
    case 'rename':
      return outcome(() => host.rename(c.from, c.to));
    case 'session':
      return outcome(async () => {
        const file = await host.open(c.path, c.mode);
        try {
          return await runFile(file, c.steps);
        } finally {
          await file.close();
        }
      });
  }
}
