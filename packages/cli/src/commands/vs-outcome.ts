/**
 * What one `vskit vs` call gave, in the form both the IVMVirtualServer methods and the
 * IVMHardDisk members print: the HRESULT, vs-api's reason, and the task, disk or value.
 * @module
 */
import type { ComVMHardDisk, ComVMTask } from '@vskit/vs-api';
import { describeError } from '../errors.js';

/** What one call gave: its HRESULT, vs-api's reason for a failure, the task, disk or value. */
export interface MethodOutcome {
  /** The member's own HRESULT. */
  readonly hresult: number;
  /** vs-api's reason for a failure: the argument and what is wrong with it. */
  readonly reason?: string;
  /** The task a method returned (its COM face). */
  readonly task?: ComVMTask;
  /** The disk GetHardDisk returned (its COM face). */
  readonly disk?: ComVMHardDisk;
  /** The value a member answered. */
  readonly value?: VsValue;
}

/** A value a member answered, and how to print it. */
export interface VsValue {
  /** The label of its human line: the member's name (`Type`, `files`, `HostDrives`, ...). */
  readonly label: string;
  /** What JSON carries. */
  readonly value: unknown;
  /** Its human text: one line, or one line per item. */
  readonly text: string | readonly string[];
}

/** `@vskit/vs-api`, loaded when a member is called. */
export type VsApi = typeof import('@vskit/vs-api');

/** The promise face a call goes through. */
export type Server = import('@vskit/vs-api').VirtualServer;

/** The HRESULT and reason of a rejection, as `asCom` would answer it. */
export function failed(vsApi: VsApi, error: unknown): MethodOutcome {
  const hresult = vsApi.isVsError(error) ? error.hresult : vsApi.HRESULT.DISP_E_EXCEPTION;
  return { hresult, reason: describeError(error).message };
}

/** The name of `value` in an enumeration `table` (`VMTaskResult`, ...), or the number. */
export function nameOf(table: Readonly<Record<string, number>>, value: number): string {
  return Object.entries(table).find(([, v]) => v === value)?.[0] ?? String(value);
}
