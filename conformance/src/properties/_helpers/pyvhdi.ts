/**
 * Reading a child through pyvhdi (libvhdi's Python binding) when it is installed: the host's
 * files are copied to a temporary folder (child and parent side by side) and read there.
 * @module
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Host } from '@vskit/host';
import { readThroughPyvhdi } from './pyvhdi-process.js';

const PYTHON = '/usr/bin/python3';

let available: Promise<boolean> | undefined;

function run(args: string[]): Promise<{ code: number; stdout: Buffer }> {
  return new Promise((resolve) => {
    execFile(PYTHON, args, { encoding: 'buffer', maxBuffer: 1 << 24 }, (error, stdout) => {
      resolve({ code: error ? 1 : 0, stdout: stdout as Buffer });
    });
  });
}

/** Whether `python3 -c 'import pyvhdi'` works here. */
export function pyvhdiAvailable(): Promise<boolean> {
  available ??= run(['-c', 'import pyvhdi']).then((r) => r.code === 0);
  return available;
}

/**
 * The first `length` bytes of the child as pyvhdi reads them, or `undefined` when pyvhdi is not
 * installed.
 */
export async function pyvhdiReads(
  host: Host,
  child: string,
  parent: string,
  length: number,
): Promise<Uint8Array | undefined> {
  if (!(await pyvhdiAvailable())) return undefined;
  const dir = await mkdtemp(join(tmpdir(), 'vskit-pyvhdi-'));
  try {
    await writeFile(join(dir, 'child.vhd'), await host.readFile(child));
    await writeFile(join(dir, 'parent.vhd'), await host.readFile(parent));
    const bytes = await readThroughPyvhdi(
      PYTHON,
      join(dir, 'child.vhd'),
      join(dir, 'parent.vhd'),
      length,
    );
    return bytes ?? new Uint8Array(0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
