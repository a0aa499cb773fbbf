import { dirname, resolve } from 'node:path';
import type { Command } from '../command.js';
import { CliError, EXIT_USAGE, usageError } from '../errors.js';
import { factsOf } from '../file-facts.js';
import { loadOptionalPeer } from '../optional-peer.js';

/**
 * `vskit conformance`: the conformance suite's own runner. Its arguments go to the suite unparsed
 * and are read by the suite's one parser (`parseConformanceArgs`), so both command lines take the
 * same options; what it refuses comes out as vskit's errors.
 */
export const conformanceCommand: Command = {
  name: 'conformance',
  summary: 'run the Virtual Server conformance suite against a subject',
  usage: [
    'conformance [--runs N] [--seed S] [--json F] [--junit F] [--subject MODULE]',
    'conformance [--filter PREFIX] [--path P] [--aim ID] [--case-timeout S] [--quick-timeout S]',
    'conformance [--shard K/N] [--junit F] [--html F]',
    'conformance merge-reports A.json B.json ... [--json F] [--junit F] [--html F]',
  ],
  help: `Runs @vskit/conformance's property-based suite (every requirement of SEMANTICS.md) against a
subject and prints one line per requirement. Exit status 0 when every requirement passes, 1 when
any fails, 2 on bad usage, a subject that cannot be loaded or a --filter that matches nothing.
@vskit/conformance is an optional peer of @vskit/cli: without it installed, this command stops
with MISSING_PEER.

Options (those of the suite's own command line, read by its parser):
  --subject MODULE   a module whose default export is a subject { name, createHost, createServer }
                     (it may wrap emulatedSubject and change one behaviour); also 'emulated'
                     (the default: vs-api on emulated volumes) or 'node' (vs-api on real folders)
  --runs N           cases per property (default 100)
  --seed S           fast-check seed, to replay a run (default random, printed in the report)
  --path P           replay one counterexample (with --seed and --filter from the report)
  --filter PREFIX    only properties whose name or requirement ids start with PREFIX
  --aim ID           replay a case aimed at one requirement (the report prints it with --path)
  --json F           also write the report as JSON to file F
  --junit F          also write the report as JUnit XML to file F (one testcase per requirement)
  --html F           also write the report as one HTML page to file F (groups, failures, replay)
  --case-timeout S   seconds a call that does real work may take (default 30)
  --quick-timeout S  seconds a call that answers at once may take (default 2)
  --shard K/N        run only the K-th of N deterministic parts of the work (a CI matrix)

merge-reports A.json B.json ... [--json F] [--junit F] [--html F]: joins the --json reports of every shard
of one sharded run into the report one run gives (status 2 when a shard is missing or given twice).

Example:
  $ vskit conformance --runs 50 --seed 42 --json report.json
  $ vskit conformance --seed 42 --shard 2/3 --json shard2.json
  $ vskit conformance merge-reports shard1.json shard2.json shard3.json --junit all.xml
`,
  options: {},
  ownArguments: true,
  async run(args, io) {
    // An optional peer: loaded only here, so that no other command loads it (or memfs under it).
    const suite = await loadOptionalPeer(
      '@vskit/conformance',
      'conformance',
      () => import('@vskit/conformance'),
    );
    let given: ReturnType<typeof suite.parseConformanceArgs>;
    try {
      given = suite.parseConformanceArgs(args.positionals);
    } catch (error) {
      if (!(error instanceof suite.ConformanceUsageError)) throw error;
      throw new CliError(error.code, `${error.message} (run vskit conformance --help)`, EXIT_USAGE);
    }
    const cwd = process.cwd();
    try {
      // merge-reports loads no subject: it joins reports
      if (given.mergeReports === undefined) await suite.loadSubject(given.subject, cwd);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new CliError(
        'INVALID_SUBJECT',
        `cannot load subject ${given.subject}: ${reason}`,
        EXIT_USAGE,
      );
    }
    if (suite.selectProperties(given.filter).length === 0) {
      throw usageError(`--filter '${given.filter}' matches no property and no requirement id`);
    }
    for (const option of ['json', 'junit', 'html'] as const) {
      const file = given[option];
      if (file === undefined) continue;
      const folder = dirname(resolve(cwd, file));
      const isFolder = factsOf(folder)?.isDirectory() ?? false;
      if (!isFolder) throw usageError(`--${option}: no folder ${folder} to write the report in`);
    }
    return suite.main(args.positionals, {
      stdout: (text) => io.stdout.write(text),
      stderr: (text) => io.stderr.write(text),
      cwd,
      command: 'vskit conformance',
    });
  },
};
