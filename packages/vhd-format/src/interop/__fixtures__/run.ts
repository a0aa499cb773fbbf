/** Runs a peer's command line and collects its output. */
import { execFile } from 'node:child_process';

/** What a finished command printed, and how it exited. */
export interface CommandResult {
  readonly status: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs `command args` (no shell) and resolves with its exit status and output, whatever the
 * status; rejects only when the command cannot be started or exceeds `timeoutMs`.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  timeoutMs = 60_000,
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    execFile(
      command,
      args,
      { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 2 ** 20 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`${command} ${args.join(' ')}: ${error.message}\n${stderr}`));
          return;
        }
        resolve({ status: typeof error?.code === 'number' ? error.code : 0, stdout, stderr });
      },
    );
  });
}

/** Runs a command that must succeed; rejects with its output otherwise. */
export async function runChecked(
  command: string,
  args: readonly string[],
  timeoutMs?: number,
): Promise<string> {
  const result = await runCommand(command, args, timeoutMs);
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} exited with ${result.status}\n${result.stderr}${result.stdout}`,
    );
  }
  return result.stdout;
}
