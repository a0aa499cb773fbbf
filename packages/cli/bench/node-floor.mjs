/**
 * The Node.js floor of a raw export, for the bench: plain Node.js doing the reads and writes
 * `vskit convert in.vhd out.raw` does for a dynamic VHD whose allocated blocks hold no all-zero
 * page (the bench's `flat.vhd`), and nothing else: no vskit code, no checks, no temporary file.
 * Each allocated block's data is read (`pread`) and written at its place in the new file
 * (`pwrite`), which is then given the disk's size; unallocated blocks stay holes.
 *
 * The pipeline is the fastest measured on the bench's machine (see the README's Benchmarks):
 * blocking reads on the main thread, the writes on the thread pool, at most DEPTH blocks in
 * memory.
 *
 * Usage: node node-floor.mjs <in.vhd> <out.raw>
 */
import { closeSync, fstatSync, ftruncateSync, openSync, readSync, write } from 'node:fs';

const DEPTH = 3;
const [input, output] = process.argv.slice(2);
if (input === undefined || output === undefined) {
  throw new Error('usage: node node-floor.mjs <in.vhd> <out.raw>');
}

const source = openSync(input, 'r');
const footer = new DataView(new ArrayBuffer(512));
readSync(source, footer, 0, 512, fstatSync(source).size - 512);
const diskSize = Number(footer.getBigUint64(48));
const header = new DataView(new ArrayBuffer(1024));
readSync(source, header, 0, 1024, Number(footer.getBigUint64(16)));
const tableOffset = Number(header.getBigUint64(16));
const entries = header.getUint32(28);
const blockSize = header.getUint32(32);
const bitmapBytes = Math.ceil(blockSize / 512 / 8 / 512) * 512;
const table = new DataView(new ArrayBuffer(entries * 4));
readSync(source, table, 0, entries * 4, tableOffset);

const target = openSync(output, 'wx');
const free = Array.from({ length: DEPTH }, () => new Uint8Array(blockSize));
const waiting = [];
let underWay = 0;
let failure;
const ended = () => waiting.shift()?.();
for (let block = 0; block < entries && failure === undefined; block++) {
  const sector = table.getUint32(block * 4);
  if (sector === 0xffffffff) continue;
  const at = block * blockSize;
  const length = Math.min(blockSize, diskSize - at);
  while (free.length === 0) await new Promise((resolve) => waiting.push(resolve));
  const buffer = free.pop();
  readSync(source, buffer, 0, length, sector * 512 + bitmapBytes);
  underWay++;
  write(target, buffer, 0, length, at, (error) => {
    failure ??= error ?? undefined;
    underWay--;
    free.push(buffer);
    ended();
  });
}
while (underWay > 0) await new Promise((resolve) => waiting.push(resolve));
if (failure !== undefined) throw failure;
ftruncateSync(target, diskSize);
closeSync(target);
closeSync(source);
