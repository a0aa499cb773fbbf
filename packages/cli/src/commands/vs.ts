import type { ComVMHardDisk, ComVMTask } from '@vskit/vs-api';
import { type CliIo, type Command, flag, stringOptions, writeText } from '../command.js';
import {
  CliError,
  describeError,
  EXIT_INTERRUPTED,
  type JsonError,
  usageError,
} from '../errors.js';
import { type Row, renderRows, sizeWithBytes, writeJson } from '../output.js';
import { printable } from '../printable.js';
import { createProgress } from '../progress.js';
import { checkVolumeFolders, parseVolumes, type VolumeSpec } from '../volumes.js';

/** The IVMVirtualServer methods `vskit vs` can call, with their argument names. */
export const VS_METHODS = {
  CreateDifferencingVirtualHardDisk: { args: ['imagePath', 'parentPath'], returns: 'task' },
  CreateDynamicVirtualHardDisk: { args: ['imagePath', 'sizeMB'], returns: 'task' },
  CreateFixedVirtualHardDisk: { args: ['imagePath', 'sizeMB'], returns: 'task' },
  GetHardDisk: { args: ['path'], returns: 'hardDisk' },
} as const;

/** One method name of {@link VS_METHODS}. */
export type VsMethod = keyof typeof VS_METHODS;

/** The method named `name` (case-insensitive), or `undefined`. */
export function findVsMethod(name: string): VsMethod | undefined {
  return (Object.keys(VS_METHODS) as VsMethod[]).find(
    (m) => m.toLowerCase() === name.toLowerCase(),
  );
}

/** Turns the command-line words into the method's arguments (`sizeMB` a whole number). */
export function vsArguments(method: VsMethod, words: readonly string[]): Array<string | number> {
  const names = VS_METHODS[method].args;
  if (words.length !== names.length) {
    throw usageError(`${method} takes ${names.map((n) => `<${n}>`).join(' ')}`);
  }
  return words.map((word, i) => {
    if (names[i] !== 'sizeMB') return word;
    if (!/^-?\d+$/.test(word) || !Number.isSafeInteger(Number(word))) {
      throw new CliError('INVALID_NUMBER', `sizeMB '${word}' is not a whole number of MB`, 2);
    }
    return Number(word);
  });
}

/** Why a method (or its task) failed. */
interface Failure {
  readonly hresult: number;
  /** `CreateDynamicVirtualHardDisk failed`, `...'s task failed`. */
  readonly what: string;
  /** vs-api's reason: the argument and what is wrong with it, or the task's ErrorDescription. */
  readonly reason: string | undefined;
}

/** What one call gave: its HRESULT, vs-api's reason for a failure, the task or the disk. */
interface MethodOutcome {
  readonly hresult: number;
  readonly reason?: string;
  readonly task?: ComVMTask;
  readonly disk?: ComVMHardDisk;
}

/**
 * Calls `method` on the promise face of `server`, whose VsError carries the HRESULT and the
 * reason (`imagePath: a file exists at C:\\vms\\c.vhd`), and wraps the task or disk in its COM
 * face. The HRESULT is the one `asCom` returns for the same call: the VsError's own, and
 * DISP_E_EXCEPTION for anything else.
 */
async function callMethod(
  vsApi: typeof import('@vskit/vs-api'),
  server: import('@vskit/vs-api').VirtualServer,
  method: VsMethod,
  methodArgs: ReadonlyArray<string | number>,
): Promise<MethodOutcome> {
  const [first, second] = methodArgs;
  try {
    if (method === 'GetHardDisk') {
      return {
        hresult: vsApi.HRESULT.S_OK,
        disk: vsApi.comHardDisk(await server.getHardDisk(String(first))),
      };
    }
    const task =
      method === 'CreateDifferencingVirtualHardDisk'
        ? await server.createDifferencingVirtualHardDisk(String(first), String(second))
        : method === 'CreateDynamicVirtualHardDisk'
          ? await server.createDynamicVirtualHardDisk(String(first), Number(second))
          : await server.createFixedVirtualHardDisk(String(first), Number(second));
    return { hresult: vsApi.HRESULT.S_OK, task: vsApi.comTask(task) };
  } catch (error) {
    const hresult = vsApi.isVsError(error) ? error.hresult : vsApi.HRESULT.DISP_E_EXCEPTION;
    return { hresult, reason: describeError(error).message };
  }
}

/** What `vs --json` prints. */
export interface VsReport {
  readonly method: VsMethod;
  readonly arguments: ReadonlyArray<string | number>;
  readonly volumes: readonly VolumeSpec[];
  /** The method's own HRESULT. */
  readonly hresult: number;
  /** `NAME (0xXXXXXXXX)`. */
  readonly hresultText: string;
  /** For a task: how it ended. */
  readonly task?: {
    readonly isComplete: boolean;
    readonly result: number;
    readonly resultName: string;
    readonly error: number;
    readonly errorText: string;
    readonly errorDescription?: string;
  };
  /**
   * When the command fails: the code on the error line (the HRESULT's name, or `CANCELLED`),
   * the line's message (what failed and vs-api's reason), the exit status and the HRESULT.
   */
  readonly error?: JsonError;
  /** For GetHardDisk: the IVMHardDisk's properties. */
  readonly hardDisk?: {
    readonly File: string;
    readonly Type: number;
    readonly TypeName: string;
    readonly SizeInGuest: number;
    readonly SizeOnHost: number;
    readonly HostFreeDiskSpace: number;
    readonly Parent: string | null;
  };
}

/**
 * Waits for `task`, drawing progress on a terminal. Ctrl-C (SIGINT) cancels the task, which
 * removes its partial file and the folders it made; the wait then ends with the task Cancelled.
 */
async function waitForTask(task: ComVMTask, io: CliIo, label: string): Promise<void> {
  const progress = createProgress(io.stderr, label, 100);
  const onInterrupt = () => {
    void task.Cancel();
  };
  process.once('SIGINT', onInterrupt);
  try {
    if (io.stderr.isTTY !== true) {
      await task.WaitForCompletion(-1);
      return;
    }
    while (!task.IsComplete) {
      progress.update(task.PercentCompleted);
      await task.WaitForCompletion(100);
    }
  } finally {
    process.off('SIGINT', onInterrupt);
    progress.finish();
  }
}

function nameOf(table: Readonly<Record<string, number>>, value: number): string {
  return Object.entries(table).find(([, v]) => v === value)?.[0] ?? String(value);
}

/** The human text of `vskit vs`. */
export function renderVs(report: VsReport): string {
  const lines = [report.hresultText];
  const rows: Row[] = [];
  if (report.task !== undefined) {
    rows.push(
      ['task result', `${report.task.resultName} (${report.task.result})`],
      ['task error', report.task.errorText],
    );
    if (report.task.errorDescription) rows.push(['description', report.task.errorDescription]);
  }
  const disk = report.hardDisk;
  if (disk !== undefined) {
    rows.push(
      ['File', disk.File],
      ['Type', `${disk.TypeName} (${disk.Type})`],
      ['SizeInGuest', sizeWithBytes(disk.SizeInGuest)],
      ['SizeOnHost', sizeWithBytes(disk.SizeOnHost)],
      ['HostFreeDiskSpace', sizeWithBytes(disk.HostFreeDiskSpace)],
      ['Parent', disk.Parent ?? '(none)'],
    );
  }
  return `${lines.join('\n')}\n${rows.length === 0 ? '' : renderRows(rows)}`;
}

/** `vskit vs`: IVMVirtualServer disk methods on real folders. */
export const vsCommand: Command = {
  name: 'vs',
  summary: 'call a Virtual Server disk method on real folders; prints the HRESULT',
  usage: ['vs <Method> <args...> --volume C=/some/dir[:NTFS|FAT32|FAT16] ... [--json]'],
  help: `Runs one IVMVirtualServer method with Virtual Server 2005's semantics (checks, their order,
HRESULTs, what the files hold) on real folders standing for Windows drives. Paths are Windows
paths on those drives. The method's HRESULT is printed as NAME (0xXXXXXXXX); for a method that
returns a task, vskit waits for it and prints its Result and Error.

Methods:
  CreateDifferencingVirtualHardDisk <imagePath> <parentPath>
  CreateDynamicVirtualHardDisk <imagePath> <sizeMB>
  CreateFixedVirtualHardDisk <imagePath> <sizeMB>
  GetHardDisk <path>

Options:
  --volume X=/dir[:FS]   a drive: letter X stands for folder /dir with file system FS
                         (NTFS by default; FAT32 and FAT16 bring their file-size limits)
  --json                 print one JSON document

Exit status 0 when the method returns S_OK (and its task ends with S_OK), 1 otherwise (the
HRESULT is printed on stdout, and the error line on stderr says what failed and vs-api's
reason: which argument and why), 130 when Ctrl-C cancelled the task
(its partial file and the folders it made are removed). Put -- before a negative size.

Examples:
  $ vskit vs CreateDynamicVirtualHardDisk 'C:\\base\\p.vhd' 64 --volume C=/srv/c
  S_OK (0x00000000)
    task result  Success (0)
    task error   S_OK (0x00000000)
  $ vskit vs CreateDifferencingVirtualHardDisk 'C:\\vms\\c.vhd' 'C:\\base\\p.vhd' --volume C=/srv/c
  $ vskit vs CreateDynamicVirtualHardDisk 'C:\\base\\p.vhd' 64 --volume C=/srv/c
  E_ALREADY_EXISTS (0x800700B7)
  vskit: E_ALREADY_EXISTS (0x800700B7): CreateDynamicVirtualHardDisk failed: imagePath: ...
`,
  options: { volume: { type: 'string', multiple: true }, json: { type: 'boolean' } },
  async run(args, io) {
    const [methodWord, ...words] = args.positionals;
    if (methodWord === undefined)
      throw usageError(`missing <Method>: one of ${Object.keys(VS_METHODS).join(', ')}`);
    const method = findVsMethod(methodWord);
    if (method === undefined) {
      throw usageError(
        `unknown method '${methodWord}': one of ${Object.keys(VS_METHODS).join(', ')}`,
      );
    }
    const methodArgs = vsArguments(method, words);
    const volumes = parseVolumes(stringOptions(args, 'volume'));
    if (volumes.length === 0) throw usageError('give at least one --volume X=/folder');
    await checkVolumeFolders(volumes);

    const [{ createNodeHost }, vsApi] = await Promise.all([
      import('@vskit/host-node'),
      import('@vskit/vs-api'),
    ]);
    const host = createNodeHost({
      volumes: volumes.map((v) => ({ drive: v.drive, root: v.root, fileSystem: v.fileSystem })),
    });
    const outcome = await callMethod(vsApi, new vsApi.VirtualServer(host), method, methodArgs);
    const { hresult } = outcome;
    let report: VsReport = {
      method,
      arguments: methodArgs,
      volumes,
      hresult,
      hresultText: vsApi.formatHresult(hresult),
    };
    let failure: Failure | undefined =
      hresult === vsApi.HRESULT.S_OK
        ? undefined
        : { hresult, what: `${method} failed`, reason: outcome.reason };
    const comTask = outcome.task;
    const comDisk = outcome.disk;
    if (failure === undefined && comTask) {
      await waitForTask(comTask, io, method);
      const error = comTask.Error >>> 0;
      report = {
        ...report,
        task: {
          isComplete: comTask.IsComplete,
          result: comTask.Result,
          resultName: nameOf(vsApi.VMTaskResult, comTask.Result),
          error,
          errorText: vsApi.formatHresult(error),
          ...(comTask.ErrorDescription ? { errorDescription: comTask.ErrorDescription } : {}),
        },
      };
      if (error !== vsApi.HRESULT.S_OK) {
        failure = {
          hresult: error,
          what: `${method}'s task failed`,
          reason: comTask.ErrorDescription,
        };
      }
    } else if (failure === undefined && comDisk) {
      report = {
        ...report,
        hardDisk: {
          File: comDisk.File,
          Type: comDisk.Type,
          TypeName: nameOf(vsApi.VMHardDiskType, comDisk.Type),
          SizeInGuest: comDisk.SizeInGuest,
          SizeOnHost: comDisk.SizeOnHost,
          HostFreeDiskSpace: comDisk.HostFreeDiskSpace,
          Parent: comDisk.Parent,
        },
      };
    }
    const cancelled = comTask?.Result === vsApi.VMTaskResult.Cancelled;
    const line = cancelled
      ? `${method}'s task was cancelled (interrupted); what it had written was removed`
      : failure === undefined
        ? undefined
        : `${failure.what}${failure.reason ? `: ${failure.reason}` : ''}`;
    const code = cancelled
      ? 'CANCELLED'
      : failure === undefined
        ? undefined
        : (vsApi.hresultName(failure.hresult) ?? 'HRESULT');
    const exitCode = cancelled ? EXIT_INTERRUPTED : failure === undefined ? 0 : 1;
    if (code !== undefined && line !== undefined) {
      report = {
        ...report,
        error: {
          code,
          message: line,
          exitCode,
          ...(failure === undefined || cancelled
            ? {}
            : { hresult: failure.hresult, hresultText: vsApi.formatHresult(failure.hresult) }),
        },
      };
    }
    if (flag(args, 'json')) await writeJson(io.stdout, report);
    else await writeText(io.stdout, renderVs(report));
    if (report.error !== undefined) {
      const hex =
        report.error.hresult === undefined
          ? ''
          : ` (${vsApi.formatHresultHex(report.error.hresult)})`;
      io.stderr.write(`vskit: ${report.error.code}${hex}: ${printable(report.error.message)}\n`);
      return exitCode;
    }
    return 0;
  },
};
