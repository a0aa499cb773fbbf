/**
 * What every command of one {@link VirtualServer} shares: its host and its path reservations.
 * @module
 */
import { type Host, type WindowsPath, windowsPath } from '@vskit/host';
import { type CreationPlan, runCreation } from './creation.js';
import { VsError } from './errors.js';
import { checkFailure, creationFailure, hostErrorIn } from './failures.js';
import { PathReservations } from './reservations.js';
import { formatGuid, type TaskContext, VMTask } from './task.js';

/**
 * The server's preferences: SearchPaths and DefaultVMConfigurationPath. Kept in memory for the
 * host object, shared by every server on it, never written to a volume *(decision)*.
 */
export interface ServerSettings {
  /** IVMVirtualServer.SearchPaths, normalised, no two naming one folder. */
  searchPaths: readonly string[];
  /** IVMVirtualServer.DefaultVMConfigurationPath, normalised, with a trailing backslash. */
  defaultVMConfigurationPath: string;
}

/** DefaultVMConfigurationPath before any put: `%ALLUSERSPROFILE%` as Windows Server 2003 sets it. */
export const DEFAULT_VM_CONFIGURATION_PATH =
  'C:\\Documents and Settings\\All Users\\Documents\\Shared Virtual Machines\\';

/** The state commands share. */
export interface ServerContext {
  /** The host the server runs on. */
  readonly host: Host;
  /** In-process exclusivity for image paths. */
  readonly reservations: PathReservations;
  /** The server's preferences. */
  readonly settings: ServerSettings;
}

/** The reservations of each host, shared by every server on it (one machine, one lock per path). */
const reservationsByHost = new WeakMap<Host, PathReservations>();

/** The preferences of each host's server (one machine, one Virtual Server). */
const settingsByHost = new WeakMap<Host, ServerSettings>();

/**
 * A context for `host`. Path reservations belong to the host, so two `VirtualServer`s on one host
 * object still give one S_OK and one E_ALREADY_EXISTS for concurrent creations of one path.
 */
export function createServerContext(host: Host): ServerContext {
  let reservations = reservationsByHost.get(host);
  if (reservations === undefined) {
    reservations = new PathReservations();
    reservationsByHost.set(host, reservations);
  }
  let settings = settingsByHost.get(host);
  if (settings === undefined) {
    settings = { searchPaths: [], defaultVMConfigurationPath: DEFAULT_VM_CONFIGURATION_PATH };
    settingsByHost.set(host, settings);
  }
  return { host, reservations, settings };
}

/** VM_E_APP_SHUTTING_DOWN once the host application has begun shutting down. */
export function requireRunning(host: Host): void {
  if (host.isShuttingDown()) {
    throw new VsError(
      'VM_E_APP_SHUTTING_DOWN',
      undefined,
      'the application has started shutting down',
    );
  }
}

/** What a command's host checks produce: the plan, given the new image's UUID. */
export type CheckedCreation = (uniqueId: Uint8Array) => Omit<CreationPlan, 'image'>;

/**
 * Runs the host checks of a creation of `image` under the path's lock and, when they pass,
 * reserves the path and starts the task. `checks` gets whether the path is already reserved
 * (a creation under way: E_ALREADY_EXISTS at the existence check). Every failure is a VsError;
 * nothing is written before the task starts. What the checks hold for the write (the plan's
 * `release`) is given up by the task, or here when the task cannot start.
 */
export async function startCreation(
  context: ServerContext,
  image: WindowsPath,
  description: string,
  checks: (reserved: boolean) => Promise<CheckedCreation>,
): Promise<VMTask> {
  const { host, reservations } = context;
  const key = windowsPath.pathKey(image);
  const unlock = await reservations.lock(key);
  let plan: CreationPlan;
  let id: string;
  try {
    const checked = await checks(reservations.isReserved(key));
    const uniqueId = host.randomBytes(16);
    id = formatGuid(host.randomBytes(16));
    plan = { image, ...checked(uniqueId) };
    reservations.reserve(key);
  } catch (error) {
    throw checkFailure(error);
  } finally {
    unlock();
  }
  try {
    return new VMTask({
      description,
      id,
      work: (task) => runCreation(host, plan, task),
      classify: creationFailure,
      onSettled: () => reservations.release(key),
    });
  } catch (error) {
    reservations.release(key);
    await plan.release?.().catch(() => {});
    throw checkFailure(error);
  }
}

/** The context of a creation that runs without a task: never cancelled, progress unseen. */
const WITHOUT_TASK: TaskContext = {
  cancelRequested: false,
  signal: { aborted: false, addEventListener() {}, removeEventListener() {} },
  progress() {},
  throwIfCancelled() {},
  commit() {},
};

/**
 * A creation without a task (CreateFloppyDiskImage): `checks` run under the path's lock (given
 * whether a creation of the path is under way), the path stays reserved while `runCreation`
 * writes the file, and a failed write rejects with the VsError `creationFailure` names
 * (E_DISK_FULL, E_ALREADY_EXISTS, DISP_E_EXCEPTION), having removed what it wrote. Resolves once
 * the file is whole and durable under its name.
 */
export async function createWithoutTask(
  context: ServerContext,
  image: WindowsPath,
  checks: (reserved: boolean) => Promise<Omit<CreationPlan, 'image'>>,
): Promise<void> {
  const { host, reservations } = context;
  const key = windowsPath.pathKey(image);
  const unlock = await reservations.lock(key);
  let plan: CreationPlan;
  try {
    plan = { image, ...(await checks(reservations.isReserved(key))) };
    reservations.reserve(key);
  } catch (error) {
    throw checkFailure(error);
  } finally {
    unlock();
  }
  try {
    await runCreation(host, plan, WITHOUT_TASK);
  } catch (error) {
    const failure = creationFailure(error);
    throw new VsError(failure.hresult, 'imagePath', hostErrorIn(error)?.message, { cause: error });
  } finally {
    reservations.release(key);
  }
}
