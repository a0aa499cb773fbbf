/**
 * `@vskit/conformance`: the property-based conformance suite for IVMVirtualServer disk creation
 * and the VHD format, pointable at any implementation through a {@link Subject}.
 * @packageDocumentation
 */

export type { Scenario } from './arbitraries/scenario.js';
export { aimsOf, happyArb, scenarioArb } from './arbitraries/scenario.js';
export type { CreateMethod, Requirement } from './catalogue.js';
export {
  CATALOGUE,
  CREATE_METHODS,
  EXCLUSIVE_CONDITIONS,
  METHOD_CHECKS,
  requirement,
} from './catalogue.js';
export type { CliIo, CliOptions } from './cli-main.js';
export { loadSubject, main, parseArgs, USAGE } from './cli-main.js';
export { asHresult, describeHr, HARD_DISK_TYPE, HR, TASK_RESULT } from './hresults.js';
export type { HostFacts, Prediction } from './model.js';
export { predict } from './model.js';
export type { ProbeFault, ProbeOperation } from './probe-host.js';
export { ProbeHost } from './probe-host.js';
export { ALL_PROPERTIES } from './properties/index.js';
export type { CaseContext, PropertyDefinition } from './property.js';
export { defineProperty, Violation } from './property.js';
export type { RenderOptions } from './report.js';
export { describeValue, renderReport } from './report.js';
export type {
  ConformanceReport,
  Counterexample,
  RequirementResult,
  RunOptions,
} from './runner.js';
export { EXACT_FREE_SPACE_IDS, runConformance } from './runner.js';
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
