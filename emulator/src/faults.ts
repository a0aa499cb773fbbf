import { type HostErrorCode, windowsPath } from '@vskit/host';

/** The host operations that are counted, logged and can be made to fail. */
export type FaultOperation =
  | 'open'
  | 'read'
  | 'write'
  | 'size'
  | 'truncate'
  | 'sync'
  | 'close'
  | 'stat'
  | 'readdir'
  | 'mkdir'
  | 'rename'
  | 'unlink'
  | 'rmdir'
  | 'syncFolder'
  | 'setReadOnly';

/** Every {@link FaultOperation}. */
export const FAULT_OPERATIONS: readonly FaultOperation[] = [
  'open',
  'read',
  'write',
  'size',
  'truncate',
  'sync',
  'close',
  'stat',
  'readdir',
  'mkdir',
  'rename',
  'unlink',
  'rmdir',
  'syncFolder',
  'setReadOnly',
];

/** One call a host received. */
export interface OperationRecord {
  /** 1-based position among every call since the last `reset()`. */
  readonly seq: number;
  /** The operation. */
  readonly op: FaultOperation;
  /** 1-based position among the calls of this operation since the last `reset()`. */
  readonly n: number;
  /** The path the call concerned (for `rename`, `from -> to`; for file calls, the file's path). */
  readonly path: string;
  /** The error code the call failed with, injected or not (`undefined`: it succeeded). */
  readonly error?: HostErrorCode;
  /** Whether the failure was injected. */
  readonly injected?: boolean;
}

/** Options of a power cut. */
export interface PowerCutOptions {
  /**
   * When the cut hits a write: keep the leading part of that write, cut at a 512-byte sector
   * boundary of the file (the sectors of its first half reach the disk). Default `false`: the
   * write is lost like every other unsynced write.
   */
  readonly torn?: boolean;
}

/** A path pattern: a RegExp tested against the normalised path, or a path compared case-insensitively. */
export type PathPattern = RegExp | string;

/**
 * Scriptable, deterministic fault injection and operation counting of an emulated host
 * (`host.faults`).
 */
export interface FaultInjector {
  /** The `n`-th call of `op` from now (1 = the next one) fails with `code` (default `EIO`), once. */
  failNth(op: FaultOperation, n: number, code?: HostErrorCode): void;
  /**
   * Calls of `op` (or of every operation, `'*'`) on a path matching `pattern` fail with `code`
   * (default `EIO`): every time, or only the first `times` matching calls.
   */
  failPath(
    op: FaultOperation | '*',
    pattern: PathPattern,
    code?: HostErrorCode,
    options?: { readonly times?: number },
  ): void;
  /**
   * The power fails at the `n`-th call of `op` from now (1 = the next one): that call and every
   * later call on this host fail with `EIO`. `host.reopenAfterPowerCut()` then gives the durable state.
   */
  powerCutAt(op: FaultOperation, n: number, options?: PowerCutOptions): void;
  /** The power fails now. */
  powerCut(): void;
  /** Whether the power has failed. */
  readonly poweredOff: boolean;
  /** Removes every pending rule (counts and log stay). */
  clear(): void;
  /** Removes every pending rule and restarts counts and the log. */
  reset(): void;
  /** Calls per operation since the last `reset()`. */
  counts(): Record<FaultOperation, number>;
  /** Every call since the last `reset()`, in order. */
  log(): readonly OperationRecord[];
}

/** What a host must do with a call. */
export type FaultVerdict =
  | { readonly kind: 'proceed' }
  | { readonly kind: 'fail'; readonly code: HostErrorCode }
  | { readonly kind: 'powerCut'; readonly torn: boolean };

const PROCEED: FaultVerdict = { kind: 'proceed' };

type Rule =
  | { kind: 'nth'; op: FaultOperation; at: number; code: HostErrorCode }
  | {
      kind: 'path';
      op: FaultOperation | '*';
      pattern: PathPattern;
      code: HostErrorCode;
      left: number;
    }
  | { kind: 'power'; op: FaultOperation; at: number; torn: boolean };

/** The state behind {@link FaultInjector}: counts, log, rules and power. */
export class FaultController implements FaultInjector {
  #counts = new Map<FaultOperation, number>();
  #log: Array<OperationRecord & { error?: HostErrorCode; injected?: boolean }> = [];
  #rules: Rule[] = [];
  #poweredOff = false;

  failNth(op: FaultOperation, n: number, code: HostErrorCode = 'EIO'): void {
    checkOp(op);
    checkCount(n, 'n');
    this.#rules.push({ kind: 'nth', op, at: this.#count(op) + n, code });
  }

  failPath(
    op: FaultOperation | '*',
    pattern: PathPattern,
    code: HostErrorCode = 'EIO',
    options: { readonly times?: number } = {},
  ): void {
    if (op !== '*') checkOp(op);
    const times = options.times ?? Number.POSITIVE_INFINITY;
    if (times !== Number.POSITIVE_INFINITY) checkCount(times, 'times');
    this.#rules.push({ kind: 'path', op, pattern, code, left: times });
  }

  powerCutAt(op: FaultOperation, n: number, options: PowerCutOptions = {}): void {
    checkOp(op);
    checkCount(n, 'n');
    this.#rules.push({ kind: 'power', op, at: this.#count(op) + n, torn: options.torn === true });
  }

  powerCut(): void {
    this.#poweredOff = true;
  }

  get poweredOff(): boolean {
    return this.#poweredOff;
  }

  clear(): void {
    this.#rules = [];
  }

  reset(): void {
    this.#rules = [];
    this.#counts.clear();
    this.#log = [];
  }

  counts(): Record<FaultOperation, number> {
    const out = {} as Record<FaultOperation, number>;
    for (const op of FAULT_OPERATIONS) out[op] = this.#count(op);
    return out;
  }

  log(): readonly OperationRecord[] {
    return this.#log.map((record) => ({ ...record }));
  }

  #count(op: FaultOperation): number {
    return this.#counts.get(op) ?? 0;
  }

  /**
   * Counts and logs a call and says what happens to it. `path` is the normalised path when the
   * call has one. The host calls {@link settle} with the outcome.
   */
  enter(op: FaultOperation, path: string): { verdict: FaultVerdict; record: number } {
    const n = this.#count(op) + 1;
    this.#counts.set(op, n);
    const record = this.#log.push({ seq: this.#log.length + 1, op, n, path }) - 1;
    if (this.#poweredOff) return { verdict: { kind: 'fail', code: 'EIO' }, record };
    for (let i = 0; i < this.#rules.length; i++) {
      const rule = this.#rules[i] as Rule;
      if (rule.kind === 'path') {
        if ((rule.op === '*' || rule.op === op) && matches(rule.pattern, path)) {
          rule.left--;
          if (rule.left <= 0) this.#rules.splice(i, 1);
          return { verdict: { kind: 'fail', code: rule.code }, record };
        }
      } else if (rule.op === op && rule.at === n) {
        this.#rules.splice(i, 1);
        if (rule.kind === 'power') {
          this.#poweredOff = true;
          return { verdict: { kind: 'powerCut', torn: rule.torn }, record };
        }
        return { verdict: { kind: 'fail', code: rule.code }, record };
      }
    }
    return { verdict: PROCEED, record };
  }

  /** Records how a call ended. */
  settle(record: number, error: HostErrorCode | undefined, injected: boolean): void {
    const entry = this.#log[record];
    if (entry === undefined || error === undefined) return;
    this.#log[record] = { ...entry, error, ...(injected ? { injected } : {}) };
  }
}

function matches(pattern: PathPattern, path: string): boolean {
  // A rename is logged as `from -> to` (`>` never occurs in a valid path): either side matches.
  return path.split(' -> ').some((part) => {
    if (typeof pattern === 'string') {
      return windowsPath.foldCase(pattern) === windowsPath.foldCase(part);
    }
    pattern.lastIndex = 0;
    return pattern.test(part);
  });
}

function checkOp(op: string): void {
  if (!(FAULT_OPERATIONS as readonly string[]).includes(op)) {
    throw new RangeError(`unknown operation ${JSON.stringify(op)}`);
  }
}

function checkCount(n: number, name: string): void {
  if (!Number.isSafeInteger(n) || n < 1)
    throw new RangeError(`${name} must be a whole number >= 1`);
}
