import { stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type Command, integerOption, stringOption } from '../command.js';
import { CliError, EXIT_USAGE, usageError } from '../errors.js';
import { loadOptionalPeer } from '../optional-peer.js';

/** `vskit conformance`: the conformance suite's own runner, with vskit's options and errors. */
export const conformanceCommand: Command = {
  name: 'conformance',
  summary: 'run the Virtual Server conformance suite against a subject',
  usage: [
    'conformance [--runs N] [--seed S] [--json F] [--subject MODULE]',
    'conformance [--filter PREFIX] [--path P] ...',
  ],
  help: `Runs @vskit/conformance's property-based suite (every requirement of SEMANTICS.md) against a
subject and prints one line per requirement. Exit status 0 when every requirement passes, 1 when
any fails, 2 on bad usage or a subject that cannot be loaded. @vskit/conformance is an optional
peer of @vskit/cli: without it installed, this command stops with MISSING_PEER.

Options:
  --runs N          cases per property (default 100)
  --seed S          fast-check seed, to replay a run (default random, printed in the report)
  --json F          also write the report as JSON to file F
  --subject MODULE  a module whose default export is a subject { name, createHost, createServer }
                    (it may wrap emulatedSubject and change one behaviour); also 'emulated'
                    (the default: vs-api on emulated volumes) or 'node' (vs-api on real folders)
  --filter PREFIX   only properties whose name or requirement ids start with PREFIX
  --path P          replay one counterexample (with --seed and --filter from the report)

Example:
  $ vskit conformance --runs 50 --seed 42 --json report.json
`,
  options: {
    runs: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'string' },
    subject: { type: 'string' },
    filter: { type: 'string' },
    path: { type: 'string' },
  },
  async run(args, io) {
    if (args.positionals.length > 0)
      throw usageError(`unexpected argument '${args.positionals[0]}'`);
    const runs = integerOption(args, 'runs');
    if (runs !== undefined && runs < 1) throw usageError('--runs must be at least 1');
    const seed = integerOption(args, 'seed');
    const subject = stringOption(args, 'subject');
    // An optional peer: loaded only here, so that no other command loads it (or memfs under it).
    const suite = await loadOptionalPeer(
      '@vskit/conformance',
      'conformance',
      () => import('@vskit/conformance'),
    );
    const cwd = process.cwd();
    try {
      await suite.loadSubject(subject, cwd);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CliError(
        'INVALID_SUBJECT',
        `cannot load subject ${subject}: ${reason}`,
        EXIT_USAGE,
      );
    }
    const argv: string[] = [];
    if (runs !== undefined) argv.push('--runs', String(runs));
    if (seed !== undefined) argv.push('--seed', String(seed));
    if (subject !== undefined) argv.push('--subject', subject);
    for (const name of ['filter', 'path'] as const) {
      const value = stringOption(args, name);
      if (value !== undefined) argv.push(`--${name}`, value);
    }
    const json = stringOption(args, 'json');
    if (json !== undefined) {
      const folder = dirname(resolve(json));
      const isFolder = await stat(folder).then(
        (info) => info.isDirectory(),
        () => false,
      );
      if (!isFolder) throw usageError(`--json: no folder ${folder} to write the report in`);
      argv.push('--json', resolve(json));
    }
    return suite.main(argv, {
      stdout: (text) => io.stdout.write(text),
      stderr: (text) => io.stderr.write(text),
      cwd,
    });
  },
};
