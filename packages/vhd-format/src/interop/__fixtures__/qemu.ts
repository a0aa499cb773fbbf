/** qemu-img and qemu-io as peers: inspect, convert to raw, create and fill VHD images. */
import { readFile } from 'node:fs/promises';
import { findPeers } from './peers.js';
import { runChecked, runCommand } from './run.js';

/** The facts `qemu-img info --output=json` reports that the tests compare. */
export interface QemuInfo {
  readonly format: string;
  readonly virtualSize: number;
  readonly clusterSize: number | undefined;
}

/** `qemu-img info -f vpc --output=json` (pitfall 20: always `-f vpc`, qemu does not probe fixed VHDs). */
export async function qemuInfo(path: string): Promise<QemuInfo> {
  const out = await runChecked(findPeers().qemuImg, ['info', '-f', 'vpc', '--output=json', path]);
  const json = JSON.parse(out) as {
    format: string;
    'virtual-size': number;
    'cluster-size'?: number;
  };
  return {
    format: json.format,
    virtualSize: json['virtual-size'],
    clusterSize: json['cluster-size'],
  };
}

/** What `qemu-img check` said: `supported: false` when the driver has no checker (vpc in qemu 7). */
export interface QemuCheck {
  readonly supported: boolean;
  readonly ok: boolean;
  readonly output: string;
}

/** qemu-img's exit status for "This image format does not support checks". */
const CHECK_UNSUPPORTED = 63;

/** `qemu-img check -f vpc`. */
export async function qemuCheck(path: string): Promise<QemuCheck> {
  const result = await runCommand(findPeers().qemuImg, ['check', '-f', 'vpc', path]);
  const output = `${result.stdout}${result.stderr}`;
  const supported = !(
    result.status === CHECK_UNSUPPORTED && output.includes('does not support checks')
  );
  return { supported, ok: supported && result.status === 0, output };
}

/** `qemu-img convert -f vpc -O raw`, then the raw bytes (for images small enough to hold). */
export async function qemuReadAll(path: string, rawPath: string): Promise<Uint8Array> {
  await runChecked(findPeers().qemuImg, ['convert', '-f', 'vpc', '-O', 'raw', path, rawPath]);
  return new Uint8Array(await readFile(rawPath));
}

/** `qemu-img create -f vpc -o subformat=...[,force_size=on] path size`. */
export async function qemuCreate(
  path: string,
  o: { subformat: 'dynamic' | 'fixed'; sizeBytes: number; forceSize?: boolean },
): Promise<void> {
  const options = [`subformat=${o.subformat}`];
  if (o.forceSize) options.push('force_size=on');
  await runChecked(findPeers().qemuImg, [
    'create',
    '-q',
    '-f',
    'vpc',
    '-o',
    options.join(','),
    path,
    String(o.sizeBytes),
  ]);
}

/**
 * Runs qemu-io commands (e.g. `write -P 0xab 1M 64k`) on a VHD. qemu-io reports failed
 * commands on its output but still exits 0, so any "failed" line rejects.
 */
export async function qemuIo(path: string, commands: readonly string[]): Promise<string> {
  const args = ['-f', 'vpc'];
  for (const command of commands) args.push('-c', command);
  args.push(path);
  const out = await runChecked(findPeers().qemuIo, args);
  if (/fail|error/i.test(out)) throw new Error(`qemu-io ${commands.join('; ')}: ${out}`);
  return out;
}
