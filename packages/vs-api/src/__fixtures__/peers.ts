/**
 * Test fixtures for reading images with implementations that share no code with vskit:
 * libvhdi's Python binding (pyvhdi) and qemu-img, and whether each is installed here.
 */
import { spawnSync } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { expect } from 'vitest';

/** The Python that has pyvhdi (`VSKIT_PYTHON`, else Debian's). */
export const python = process.env.VSKIT_PYTHON ?? '/usr/bin/python3';

/** Whether pyvhdi can be imported. */
export const hasPyvhdi =
  spawnSync(python, ['-c', 'import pyvhdi'], { stdio: 'ignore' }).status === 0;

/** Whether qemu-img runs. */
export const hasQemu = spawnSync('qemu-img', ['--version'], { stdio: 'ignore' }).status === 0;

/** Whether a missing peer must fail the tests rather than skip them (`VSKIT_REQUIRE_PEERS=1`). */
export const requirePeers = process.env.VSKIT_REQUIRE_PEERS === '1';

/** Writes the whole media of the chain named by the arguments (top first), 1 MiB at a time. */
const READ_CHAIN = `
import sys, pyvhdi
files = []
for path in sys.argv[1:]:
    f = pyvhdi.file(); f.open(path); files.append(f)
for child, parent in zip(files, files[1:]):
    child.set_parent(parent)
top = files[0]
size, offset = top.get_media_size(), 0
while offset < size:
    n = min(1 << 20, size - offset)
    sys.stdout.buffer.write(top.read_buffer_at_offset(n, offset))
    offset += n
`;

/** The virtual disk of a chain (host paths, top first, each layer's parent next) as pyvhdi reads it. */
export function pyvhdiRead(...paths: string[]): Buffer {
  const run = spawnSync(python, ['-c', READ_CHAIN, ...paths], { maxBuffer: 64 * 2 ** 20 });
  expect(run.status, String(run.stderr)).toBe(0);
  return run.stdout;
}

/** The virtual disk of the VHD at host path `path` as qemu-img reads it (`-f vpc`). */
export async function qemuRead(path: string): Promise<Buffer> {
  const out = `${path}.raw`;
  const run = spawnSync('qemu-img', ['convert', '-f', 'vpc', '-O', 'raw', path, out]);
  expect(run.status, String(run.stderr)).toBe(0);
  try {
    return await readFile(out);
  } finally {
    await rm(out, { force: true });
  }
}
