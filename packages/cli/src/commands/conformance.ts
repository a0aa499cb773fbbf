import type { Command } from '../command.js';

/** `vskit conformance`: the conformance suite's own runner. */
export const conformanceCommand: Command = {
  name: 'conformance',
  summary: 'run the Virtual Server conformance suite against a subject',
  usage: ['conformance [--runs N] [--seed S] [--json F] [--subject MODULE]'],
  help: `Runs @vskit/conformance's property-based suite (every requirement of SEMANTICS.md) and prints
its report; exits non-zero when any requirement fails.

Options:
  --runs N          cases per property
  --seed S          seed, to replay a run
  --json F          also write the report as JSON to file F
  --subject MODULE  a module whose default export is a subject (it may wrap emulatedSubject
                    and change one behaviour); the emulated subject by default
`,
  options: {
    runs: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'string' },
    subject: { type: 'string' },
  },
  async run() {
    throw new Error('not available yet');
  },
};
