/** libvhdi's Python binding (pyvhdi) as a peer: reads a whole VHD or differencing chain. */
import { readFile } from 'node:fs/promises';
import { findPeers } from './peers.js';
import { runChecked } from './run.js';

/**
 * Opens every layer, links each child to its parent with `set_parent` (bottom up), then reads the
 * top layer's media (all of it, or the first `limit` bytes when `limit` >= 0) in 1 MiB pieces
 * into `sys.argv[1]` and prints the media size.
 */
const READ_CHAIN = `
import sys, pyvhdi
out, limit, paths = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
layers = []
for path in paths:
    f = pyvhdi.file()
    f.open(path)
    layers.append(f)
for i in range(len(layers) - 2, -1, -1):
    layers[i].set_parent(layers[i + 1])
top = layers[0]
size = top.get_media_size()
end = size if limit < 0 else min(size, limit)
with open(out, 'wb') as o:
    offset = 0
    while offset < end:
        n = min(1 << 20, end - offset)
        o.write(top.read_buffer_at_offset(n, offset))
        offset += n
print(size)
`;

/** What pyvhdi read: the media size it reports and every byte of the media. */
export interface PyvhdiRead {
  readonly mediaSize: number;
  readonly bytes: Uint8Array;
}

/**
 * Reads the media of the chain `paths` (top layer first, base last) through pyvhdi, via a raw
 * copy at `rawPath`: all of it, or its first `limitBytes`.
 */
export async function pyvhdiReadChain(
  paths: readonly string[],
  rawPath: string,
  limitBytes = -1,
): Promise<PyvhdiRead> {
  const out = await runChecked(findPeers().python, [
    '-c',
    READ_CHAIN,
    rawPath,
    String(limitBytes),
    ...paths,
  ]);
  return {
    mediaSize: Number(out.trim()),
    bytes: new Uint8Array(await readFile(rawPath)),
  };
}

/**
 * Links the layers as {@link READ_CHAIN} does, then prints the top layer's media size and the hex
 * of `length` bytes at `offset` (for images too large to copy whole).
 */
const READ_AT = `
import sys, pyvhdi
offset, length, paths = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
layers = []
for path in paths:
    f = pyvhdi.file()
    f.open(path)
    layers.append(f)
for i in range(len(layers) - 2, -1, -1):
    layers[i].set_parent(layers[i + 1])
top = layers[0]
print(top.get_media_size())
print(top.read_buffer_at_offset(length, offset).hex())
`;

/**
 * The media size pyvhdi reports for the chain `paths` (top layer first, base last) and the
 * `length` bytes it reads at `offset`.
 */
export async function pyvhdiReadAt(
  paths: readonly string[],
  offset: number,
  length: number,
): Promise<PyvhdiRead> {
  const out = await runChecked(findPeers().python, [
    '-c',
    READ_AT,
    String(offset),
    String(length),
    ...paths,
  ]);
  const [size = '', hex = ''] = out.trim().split('\n');
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++)
    bytes[i] = Number.parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return { mediaSize: Number(size), bytes };
}
