/**
 * The two sinks of the structural pass: an open's, which throws at the first finding it refuses
 * and keeps the others as warnings, and `check`'s, which lists every finding.
 * @module
 */

import { VhdFormatError } from '../errors.js';
import type { CheckProblem, Finding, FindingSink, RefusableFinding } from './findings.js';

/** What an open asks for, which decides what it refuses. */
export interface OpenRules {
  /** Refuse everything a lenient open would repair. */
  readonly strict: boolean;
  /** Open for writing: refuse what a write could damage. */
  readonly writable: boolean;
  /** With `strict`, read a parent name stored UTF-16LE (warned) instead of refusing it. */
  readonly acceptLittleEndianParentName: boolean;
  /** With `strict`, read an unwritten trailing footer's copy at 0 (warned) instead of refusing. */
  readonly acceptUnwrittenFooter?: boolean;
}

/** Block problems an open looks for: one is enough to refuse or to warn. */
const OPEN_BLOCK_LIMIT = 1;
/** Block problems `check` lists at most. */
const CHECK_BLOCK_LIMIT = 1000;

function isRefusable(f: Finding): f is RefusableFinding {
  return f.open !== 'warn' && f.open !== 'quiet';
}

function refuses(f: RefusableFinding, rules: OpenRules): boolean {
  switch (f.open) {
    case 'refuse':
      return true;
    case 'strict':
      return (
        rules.strict && !(f.code === 'PARENT_NAME_BYTE_ORDER' && rules.acceptLittleEndianParentName)
      );
    case 'unwritten':
      return rules.strict && rules.acceptUnwrittenFooter !== true;
    case 'writable':
      return rules.strict || rules.writable;
  }
}

function errorOf(f: RefusableFinding): VhdFormatError {
  return new VhdFormatError(f.code, f.message, {
    ...(f.field === undefined ? {} : { field: f.field }),
    ...(f.offset === undefined ? {} : { offset: f.offset }),
    value: f.value,
  });
}

/**
 * An open's sink: throws the first finding `rules` refuse as a {@link VhdFormatError}; pushes
 * every other finding an open mentions onto `warnings`, with the repair made.
 */
export function openSink(rules: OpenRules, warnings: string[]): FindingSink<never> {
  return {
    blockLimit: OPEN_BLOCK_LIMIT,
    report(f: Finding): void {
      if (f.open === 'quiet') return;
      if (isRefusable(f) && refuses(f, rules)) throw errorOf(f);
      warnings.push(f.repair === undefined ? f.message : `${f.message}; ${f.repair}`);
    },
    stop(f): never {
      throw errorOf(f);
    },
  };
}

/** `check`'s sink: appends every finding to `problems`; a stop ends the pass with `undefined`. */
export function checkSink(problems: CheckProblem[]): FindingSink<undefined> {
  const report = (f: Finding): void => {
    const p: CheckProblem = { code: f.code, severity: f.severity, message: f.message };
    if (f.field !== undefined) p.field = f.field;
    if (f.offset !== undefined) p.offset = f.offset;
    problems.push(p);
  };
  return {
    blockLimit: CHECK_BLOCK_LIMIT,
    report,
    stop(f) {
      report(f);
      return undefined;
    },
  };
}
