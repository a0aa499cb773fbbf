import type { ComVMHardDisk, ComVMTask, OutParam } from '@vskit/vs-api';
import { type CliIo, type Command, flag, stringOptions, writeText } from '../command.js';
import { CliError, EXIT_INTERRUPTED, usageError } from '../errors.js';
import { type Row, renderRows, sizeWithBytes, writeJson } from '../output.js';
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
HRESULT is printed on stdout and the error line on stderr), 130 when Ctrl-C cancelled the task
(its partial file and the folders it made are removed). Put -- before a negative size.

Examples:
  $ vskit vs CreateDynamicVirtualHardDisk 'C:\\base\\p.vhd' 64 --volume C=/srv/c
  S_OK (0x00000000)
    task result  Success (0)
    task error   S_OK (0x00000000)
  $ vskit vs CreateDifferencingVirtualHardDisk 'C:\\vms\\c.vhd' 'C:\\base\\p.vhd' --volume C=/srv/c
  $ vskit vs CreateDynamicVirtualHardDisk 'C:\\base\\p.vhd' 64 --volume C=/srv/c
  E_ALREADY_EXISTS (0x800700B7)
  vskit: E_ALREADY_EXISTS (0x800700B7): CreateDynamicVirtualHardDisk returned E_ALREADY_EXISTS (0x800700B7)
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
    const com = vsApi.asCom(new vsApi.VirtualServer(host));
    const task: OutParam<ComVMTask> = { value: undefined };
    const disk: OutParam<ComVMHardDisk> = { value: undefined };
    const [first, second] = methodArgs;
    let hresult: number;
    if (method === 'CreateDifferencingVirtualHardDisk') {
      hresult = await com.CreateDifferencingVirtualHardDisk(String(first), String(second), task);
    } else if (method === 'CreateDynamicVirtualHardDisk') {
      hresult = await com.CreateDynamicVirtualHardDisk(String(first), Number(second), task);
    } else if (method === 'CreateFixedVirtualHardDisk') {
      hresult = await com.CreateFixedVirtualHardDisk(String(first), Number(second), task);
    } else {
      hresult = await com.GetHardDisk(String(first), disk);
    }
    hresult >>>= 0;
    let report: VsReport = {
      method,
      arguments: methodArgs,
      volumes,
      hresult,
      hresultText: vsApi.formatHresult(hresult),
    };
    let failure = hresult !== vsApi.HRESULT.S_OK ? hresult : undefined;
    const comTask = task.value;
    const comDisk = disk.value;
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
      if (error !== vsApi.HRESULT.S_OK) failure = error;
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
    if (flag(args, 'json')) await writeJson(io.stdout, report);
    else await writeText(io.stdout, renderVs(report));
    if (comTask?.Result === vsApi.VMTaskResult.Cancelled) {
      io.stderr.write(
        `vskit: CANCELLED: ${method}'s task was cancelled (interrupted); what it had written was removed\n`,
      );
      return EXIT_INTERRUPTED;
    }
    if (failure !== undefined) {
      const what = failure === hresult ? `${method} returned` : `${method}'s task ended with`;
      const name = vsApi.hresultName(failure) ?? 'HRESULT';
      io.stderr.write(
        `vskit: ${name} (${vsApi.formatHresultHex(failure)}): ${what} ${vsApi.formatHresult(failure)}\n`,
      );
      return 1;
    }
    return 0;
  },
};
