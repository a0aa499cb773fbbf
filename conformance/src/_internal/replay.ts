/**
 * The replay command of a counterexample, as every form of the report prints it.
 * @module
 */
import type { ConformanceReport, Counterexample } from '../runner.js';

/** The command a person copies to replay `ce`: `<command> [--subject M] --seed ... --path ...`. */
export function replayCommand(
  report: ConformanceReport,
  ce: Counterexample,
  command: string,
): string {
  const subject = report.subjectModule === undefined ? '' : `--subject ${report.subjectModule} `;
  return `${command} ${subject}${ce.replay}`;
}
