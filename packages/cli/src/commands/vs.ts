import type { ComVMTask } from '@vskit/vs-api';
import { type CliIo, type Command, flag, stringOptions, writeText } from '../command.js';
import { CliError, EXIT_INTERRUPTED, type JsonError, usageError } from '../errors.js';
import { type Row, renderRows, sizeWithBytes, writeJson } from '../output.js';
import { printable } from '../printable.js';
import { createProgress } from '../progress.js';
import { parseSize } from '../sizes.js';
import { checkVolumeFolders, parseVolumes, type VolumeSpec } from '../volumes.js';
import { callDisk, type DiskCall, parseDiskCall } from './vs-disk.js';
import {
  failed,
  type MethodOutcome,
  nameOf,
  type Server,
  type VsApi,
  type VsValue,
} from './vs-outcome.js';

/**
 * What a method returns: a task (waited for), a disk (its properties printed), nothing, or a
 * value (printed).
 */
type Returns = 'task' | 'hardDisk' | 'none' | 'value';

/** The IVMVirtualServer members `vskit vs` can call, with their argument names. */
export const VS_METHODS: Readonly<
  Record<
    string,
    { readonly args: readonly string[]; readonly rest?: string; readonly returns: Returns }
  >
> = {
  CreateDifferencingVirtualHardDisk: { args: ['imagePath', 'parentPath'], returns: 'task' },
  CreateDynamicVirtualHardDisk: { args: ['imagePath', 'sizeMB'], returns: 'task' },
  CreateFixedVirtualHardDisk: { args: ['imagePath', 'sizeMB'], returns: 'task' },
  CreateHostDriveVirtualHardDisk: {
    args: ['imagePath', 'hostDriveIdentifier', 'mountReadOnly'],
    returns: 'task',
  },
  GetHardDisk: { args: ['path'], returns: 'hardDisk' },
  CreateFloppyDiskImage: { args: ['imagePath', 'imageType'], returns: 'none' },
  GetFloppyDiskImageType: { args: ['imagePath'], returns: 'value' },
  GetHardDiskFiles: { args: [], rest: 'additionalSearchPath', returns: 'value' },
  GetFloppyDiskFiles: { args: [], rest: 'additionalSearchPath', returns: 'value' },
  GetDVDFiles: { args: [], rest: 'additionalSearchPath', returns: 'value' },
  get_SearchPaths: { args: [], returns: 'value' },
  put_SearchPaths: { args: [], rest: 'searchPath', returns: 'none' },
  get_DefaultVMConfigurationPath: { args: [], returns: 'value' },
  put_DefaultVMConfigurationPath: { args: ['configurationPath'], returns: 'none' },
  get_HostInfo: { args: [], returns: 'value' },
};

/** One method name of {@link VS_METHODS}. */
export type VsMethod = string;

/** The method named `name` (case-insensitive), or `undefined`. */
export function findVsMethod(name: string): VsMethod | undefined {
  return Object.keys(VS_METHODS).find((m) => m.toLowerCase() === name.toLowerCase());
}

/** Floppy image types by name, for `CreateFloppyDiskImage <imagePath> <imageType>`. */
const FLOPPY_TYPES: Readonly<Record<string, number>> = {
  lowdensity: 1,
  highdensity: 2,
};

/** One command-line word as the argument `name` takes it. */
function convert(name: string, word: string): string | number | boolean {
  if (name === 'sizeMB') {
    if (!/^-?\d+$/.test(word) || !Number.isSafeInteger(Number(word))) {
      throw new CliError('INVALID_NUMBER', `sizeMB '${word}' is not a whole number of MB`, 2);
    }
    return Number(word);
  }
  if (name === 'imageType') {
    const named = FLOPPY_TYPES[word.toLowerCase()];
    if (named !== undefined) return named;
    if (!/^-?\d+$/.test(word) || !Number.isSafeInteger(Number(word))) {
      throw new CliError(
        'INVALID_NUMBER',
        `imageType '${word}' is not LowDensity, HighDensity or a whole number`,
        2,
      );
    }
    return Number(word);
  }
  if (name === 'mountReadOnly') {
    const lower = word.toLowerCase();
    if (lower === 'true' || lower === '1') return true;
    if (lower === 'false' || lower === '0') return false;
    throw usageError(`mountReadOnly '${word}' is not true or false`);
  }
  return word;
}

/**
 * Turns the command-line words into the method's arguments: `sizeMB` a whole number,
 * `imageType` a number or LowDensity / HighDensity, `mountReadOnly` true or false; a method
 * with a `rest` argument takes any number of words, as one array.
 */
export function vsArguments(
  method: VsMethod,
  words: readonly string[],
): Array<string | number | boolean | string[]> {
  const spec = VS_METHODS[method];
  if (spec === undefined) throw usageError(`unknown method '${method}'`);
  const names = spec.args;
  const usage = [...names.map((n) => `<${n}>`), ...(spec.rest ? [`[<${spec.rest}>...]`] : [])];
  if (spec.rest ? words.length < names.length : words.length !== names.length) {
    throw usageError(
      usage.length === 0 ? `${method} takes no arguments` : `${method} takes ${usage.join(' ')}`,
    );
  }
  const fixed = names.map((name, i) => convert(name, words[i] as string));
  return spec.rest ? [...fixed, words.slice(names.length)] : fixed;
}

/**
 * `--host-drive ID=SIZE[:mounted]` (the node host's drives for CreateHostDriveVirtualHardDisk
 * and HostInfo): `PhysicalDrive1=8GiB`, `PhysicalDrive0=500GB:mounted`.
 */
export function parseHostDrive(text: string): { id: string; sizeBytes: number; mounted: boolean } {
  const match = /^([^=]+)=([^:]+)(?::(mounted))?$/i.exec(text);
  if (match === null) {
    throw usageError(`--host-drive '${text}' is not ID=SIZE or ID=SIZE:mounted`);
  }
  return {
    id: match[1] as string,
    sizeBytes: parseSize(match[2] as string, '--host-drive'),
    mounted: match[3] !== undefined,
  };
}

/** Why a method (or its task) failed. */
interface Failure {
  readonly hresult: number;
  /** `CreateDynamicVirtualHardDisk failed`, `...'s task failed`. */
  readonly what: string;
  /** vs-api's reason: the argument and what is wrong with it, or the task's ErrorDescription. */
  readonly reason: string | undefined;
}

/** The call of one `returns: 'value' | 'none'` method, as a value. */
async function answerOf(
  vsApi: VsApi,
  server: Server,
  method: VsMethod,
  args: ReadonlyArray<string | number | boolean | string[]>,
): Promise<VsValue | undefined> {
  const [first, second] = args;
  const list = (label: string, paths: string[]): VsValue => ({
    label,
    value: paths,
    text: paths.length === 0 ? '(none)' : paths,
  });
  switch (method) {
    case 'CreateFloppyDiskImage':
      await server.createFloppyDiskImage(String(first), Number(second) as never);
      return undefined;
    case 'GetFloppyDiskImageType': {
      const type = await server.getFloppyDiskImageType(String(first));
      return {
        label: 'imageType',
        value: type,
        text: `${nameOf(vsApi.VMFloppyDiskImageType, type)} (${type})`,
      };
    }
    case 'GetHardDiskFiles':
      return list('files', await server.getHardDiskFiles(first as string[]));
    case 'GetFloppyDiskFiles':
      return list('files', await server.getFloppyDiskFiles(first as string[]));
    case 'GetDVDFiles':
      return list('files', await server.getDVDFiles(first as string[]));
    case 'get_SearchPaths':
      return list('SearchPaths', await server.getSearchPaths());
    case 'put_SearchPaths':
      await server.putSearchPaths(first as string[]);
      return undefined;
    case 'get_DefaultVMConfigurationPath': {
      const path = await server.getDefaultVMConfigurationPath();
      return { label: 'DefaultVMConfigurationPath', value: path, text: path };
    }
    case 'put_DefaultVMConfigurationPath':
      await server.putDefaultVMConfigurationPath(String(first));
      return undefined;
    default: {
      const drives = (await server.getHostInfo()).hostDrives;
      return {
        label: 'HostDrives',
        value: { HostDrives: drives },
        text: drives.length === 0 ? '(none)' : drives,
      };
    }
  }
}

/**
 * Calls `method` on the promise face of `server`, whose VsError carries the HRESULT and the
 * reason (`imagePath: a file exists at C:\\vms\\c.vhd`), and wraps the task or disk in its COM
 * face. The HRESULT is the one `asCom` returns for the same call: the VsError's own, and
 * DISP_E_EXCEPTION for anything else.
 */
async function callMethod(
  vsApi: VsApi,
  server: Server,
  method: VsMethod,
  methodArgs: ReadonlyArray<string | number | boolean | string[]>,
): Promise<MethodOutcome> {
  const [first, second, third] = methodArgs;
  const ok = vsApi.HRESULT.S_OK;
  try {
    const returns = VS_METHODS[method]?.returns;
    if (method === 'GetHardDisk') {
      return { hresult: ok, disk: vsApi.comHardDisk(await server.getHardDisk(String(first))) };
    }
    if (returns === 'value' || returns === 'none') {
      const value = await answerOf(vsApi, server, method, methodArgs);
      return value === undefined ? { hresult: ok } : { hresult: ok, value };
    }
    const task =
      method === 'CreateDifferencingVirtualHardDisk'
        ? await server.createDifferencingVirtualHardDisk(String(first), String(second))
        : method === 'CreateDynamicVirtualHardDisk'
          ? await server.createDynamicVirtualHardDisk(String(first), Number(second))
          : method === 'CreateHostDriveVirtualHardDisk'
            ? await server.createHostDriveVirtualHardDisk(
                String(first),
                String(second),
                third === true,
              )
            : await server.createFixedVirtualHardDisk(String(first), Number(second));
    return { hresult: ok, task: vsApi.comTask(task) };
  } catch (error) {
    return failed(vsApi, error);
  }
}

/** What `vs --json` prints. */
export interface VsReport {
  /** The IVMVirtualServer method, or `disk` for a member of the disk GetHardDisk returns. */
  readonly method: VsMethod;
  /** For `disk`: the IVMHardDisk member read or called (`Type`, `Merge`, `put_Parent`, ...). */
  readonly member?: string;
  readonly arguments: ReadonlyArray<string | number | boolean | string[]>;
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
  /** What a value-returning member answered (a disk member, a file list, a path, ...). */
  readonly value?: unknown;
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

/** The human text of `vskit vs`. */
export function renderVs(report: VsReport, value?: VsValue): string {
  const lines = [report.hresultText];
  const rows: Row[] = [];
  if (value !== undefined) rows.push([value.label, value.text]);
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
  usage: [
    'vs <Method> <args...> --volume C=/some/dir[:NTFS|FAT32|FAT16] ... [--host-drive ID=SIZE[:mounted] ...] [--json]',
    'vs disk <path> <Member> [<args>...] --volume C=/some/dir ... [--json]',
  ],
  help: `Runs one IVMVirtualServer method with Virtual Server 2005's semantics (checks, their order,
HRESULTs, what the files hold) on real folders standing for Windows drives. Paths are Windows
paths on those drives. The method's HRESULT is printed as NAME (0xXXXXXXXX); for a method that
returns a task, vskit waits for it and prints its Result and Error.

Methods (IVMVirtualServer):
  CreateDifferencingVirtualHardDisk <imagePath> <parentPath>
  CreateDynamicVirtualHardDisk <imagePath> <sizeMB>
  CreateFixedVirtualHardDisk <imagePath> <sizeMB>
  CreateHostDriveVirtualHardDisk <imagePath> <hostDriveIdentifier> <mountReadOnly: true|false>
  GetHardDisk <path>
  CreateFloppyDiskImage <imagePath> <LowDensity|HighDensity|number>
  GetFloppyDiskImageType <imagePath>
  GetHardDiskFiles|GetFloppyDiskFiles|GetDVDFiles [<additionalSearchPath>...]
  get_SearchPaths, put_SearchPaths [<searchPath>...]
  get_DefaultVMConfigurationPath, put_DefaultVMConfigurationPath <configurationPath>
  get_HostInfo                       prints IVMHostInfo.HostDrives

Members of the IVMHardDisk that GetHardDisk returns for <path>:
  disk <path> File|Type|SizeInGuest|SizeOnHost|HostFreeDiskSpace|HostDriveIdentifier|Parent
  (get_Type is accepted for Type; S_FALSE, for a disk without parent or host drive, exits 0)
  disk <path> Merge                  a task: this differencing disk written into its parent
  disk <path> MergeTo <newPath> <Dynamic|FixedSize|0|1>
                                     a task: the chain flattened into a new image
  disk <path> Compact                a task: the space of blocks holding nothing given back
  disk <path> Convert <newPath> <Dynamic|FixedSize|0|1>
                                     a task: this disk copied into a new image of that type
  disk <path> put_Parent <parentPath>
                                     re-links this differencing disk to its parent at a new
                                     place (GetHardDisk on <parentPath>, then Parent put)

Each run is a new server: what put_SearchPaths and put_DefaultVMConfigurationPath set lasts for
that run only (they check their paths and print the HRESULT).

Options:
  --volume X=/dir[:FS]   a drive: letter X stands for folder /dir with file system FS
                         (NTFS by default; FAT32 and FAT16 bring their file-size limits)
  --host-drive ID=SIZE[:mounted]
                         a physical host drive (none by default): PhysicalDrive1=8GiB
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
  $ vskit vs disk 'C:\\vms\\c.vhd' put_Parent 'C:\\store\\p.vhd' --volume C=/srv/c
  S_OK (0x00000000)
  $ vskit vs disk 'C:\\vms\\c.vhd' Convert 'C:\\out\\flat.vhd' FixedSize --volume C=/srv/c
  S_OK (0x00000000)
    task result  Success (0)
    task error   S_OK (0x00000000)
  $ vskit vs CreateDynamicVirtualHardDisk 'C:\\base\\p.vhd' 64 --volume C=/srv/c
  E_ALREADY_EXISTS (0x800700B7)
  vskit: E_ALREADY_EXISTS (0x800700B7): CreateDynamicVirtualHardDisk failed: imagePath: ...
`,
  options: {
    volume: { type: 'string', multiple: true },
    'host-drive': { type: 'string', multiple: true },
    json: { type: 'boolean' },
  },
  async run(args, io) {
    const [methodWord, ...words] = args.positionals;
    const methods = Object.keys(VS_METHODS).join(', ');
    if (methodWord === undefined) throw usageError(`missing <Method>: one of ${methods}, disk`);
    let method: VsMethod;
    let disk: DiskCall | undefined;
    let methodArgs: Array<string | number | boolean | string[]>;
    if (methodWord.toLowerCase() === 'disk') {
      disk = parseDiskCall(words);
      method = 'disk';
      methodArgs = [disk.path, disk.member, ...disk.args];
    } else {
      const found = findVsMethod(methodWord);
      if (found === undefined) {
        throw usageError(`unknown method '${methodWord}': one of ${methods}, disk`);
      }
      method = found;
      methodArgs = vsArguments(method, words);
    }
    const hostDrives = stringOptions(args, 'host-drive').map(parseHostDrive);
    const volumes = parseVolumes(stringOptions(args, 'volume'));
    if (volumes.length === 0) throw usageError('give at least one --volume X=/folder');
    await checkVolumeFolders(volumes);

    const [{ createNodeHost }, vsApi] = await Promise.all([
      import('@vskit/host-node'),
      import('@vskit/vs-api'),
    ]);
    const host = createNodeHost({
      volumes: volumes.map((v) => ({ drive: v.drive, root: v.root, fileSystem: v.fileSystem })),
      hostDrives,
    });
    const server = new vsApi.VirtualServer(host);
    const outcome =
      disk === undefined
        ? await callMethod(vsApi, server, method, methodArgs)
        : await callDisk(vsApi, server, disk);
    const { hresult } = outcome;
    let report: VsReport = {
      method,
      ...(disk === undefined ? {} : { member: disk.member }),
      arguments: methodArgs,
      volumes,
      hresult,
      hresultText: vsApi.formatHresult(hresult),
    };
    const what = disk === undefined ? method : `disk ${disk.member}`;
    let failure: Failure | undefined = vsApi.succeeded(hresult)
      ? undefined
      : { hresult, what: `${what} failed`, reason: outcome.reason };
    if (failure === undefined && outcome.value !== undefined) {
      report = { ...report, value: outcome.value.value };
    }
    const comTask = outcome.task;
    const comDisk = outcome.disk;
    if (failure === undefined && comTask) {
      await waitForTask(comTask, io, what);
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
          what: `${what}'s task failed`,
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
      ? `${what}'s task was cancelled (interrupted); what it had written was removed`
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
    else await writeText(io.stdout, renderVs(report, outcome.value));
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
