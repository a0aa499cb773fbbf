/**
 * `@vskit/conformance`: the property-based conformance suite for IVMVirtualServer disk creation
 * and the VHD format, pointable at any implementation through a {@link Subject}.
 *
 * Every name is exported by name; what only the suite itself uses lives in `src/_internal/` and
 * `src/properties/_helpers/`, and is not part of this surface.
 * @packageDocumentation
 */

// the requirements, the model and the properties, to run a subset or add your own
export type { Scenario } from './arbitraries/scenario.js';
export { happyArb, scenarioArb } from './arbitraries/scenario.js';
export type { CreateMethod, Requirement } from './catalogue.js';
export { CATALOGUE, CREATE_METHODS, METHOD_CHECKS, requirement } from './catalogue.js';
// running the suite and reading its report
export type { CliIo } from './cli-main.js';
export { loadSubject, main } from './cli-main.js';
// writing a subject
export { asHresult, describeHr, HARD_DISK_TYPE, HR, TASK_RESULT } from './hresults.js';
export type { HtmlOptions } from './html.js';
export { renderHtml } from './html.js';
export type { JunitOptions } from './junit.js';
export { renderJunit } from './junit.js';
export type { HostFacts, Prediction } from './model.js';
export { predict } from './model.js';
export type { ConformanceArgs, ConformanceOptionSpec, Shard } from './options.js';
export {
  CONFORMANCE_OPTIONS,
  ConformanceUsageError,
  MERGE_HELP,
  OPTIONS_HELP,
  parseConformanceArgs,
} from './options.js';
export type { PowerCutHost, PowerCutOperation, PowerCutOptions } from './power-cuts.js';
export { isTemporaryName, powerCutsOf } from './power-cuts.js';
export { ALL_PROPERTIES } from './properties/index.js';
export type { Budget, CaseContext, PropertyDefinition, SubjectCall } from './property.js';
export { defineProperty, Violation } from './property.js';
export type { RenderOptions } from './report.js';
export { renderReport } from './report.js';
export type {
  ConformanceReport,
  Counterexample,
  FailureGroup,
  RequirementResult,
  RunOptions,
} from './runner.js';
export {
  EXACT_FREE_SPACE_IDS,
  groupFailures,
  runConformance,
  selectProperties,
} from './runner.js';
export { assignShards, MergeReportsError, mergeReports } from './shard.js';
export type { CreateCall, DiskSpec, EntrySpec, HostState, VolumeSpec } from './state.js';
export type {
  ComHardDisk,
  ComServer,
  ComTask,
  OutParam,
  PromiseHardDisk,
  PromiseServer,
  PromiseTask,
  Subject,
} from './subject.js';
export { isSubject, toCom } from './subject.js';
export { emulatedSubject } from './subjects/emulated.js';
export { nodeSubject } from './subjects/node.js';
