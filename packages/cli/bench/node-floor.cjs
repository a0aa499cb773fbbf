/**
 * The Node.js floor of a raw export, for the bench: plain Node.js doing the reads and writes
 * `vskit convert in.vhd out.raw` does for a dynamic VHD whose allocated blocks hold no all-zero
 * page (the bench's `flat.vhd`), and nothing else: no vskit code, no checks, no temporary file.
 * The allocated blocks are taken in the file's order, two blocks that follow one another in the
 * file per read (with the bitmap between them, as the export's reads take them), read with
 * blocking calls on the main thread; each block's data is written at its place in the new file
 * on the thread pool, sized to one thread as `convert` sizes it, while the next read is made
 * (two buffers); the file is then given the disk's size, and unallocated blocks stay holes.
 *
 * Usage: node node-floor.cjs <in.vhd> <out.raw>
 */
// Before the first thread-pool call, when libuv reads it (a CommonJS script: an ES module's own
// loading may already have started the pool).
process.env.UV_THREADPOOL_SIZE = '1';
const { closeSync, fstatSync, ftruncateSync, openSync, readSync, write } = require('node:fs');

async function main() {
  const [input, output] = process.argv.slice(2);
  if (input === undefined || output === undefined) {
    throw new Error('usage: node node-floor.cjs <in.vhd> <out.raw>');
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

  /** Where block `b`'s data starts in the file. */
  const dataAt = (b) => table.getUint32(b * 4) * 512 + bitmapBytes;
  // Reads of up to two blocks whose data follow one another in the file, in the disk's order.
  const reads = [];
  for (let block = 0; block < entries; block++) {
    if (table.getUint32(block * 4) === 0xffffffff) continue;
    const last = reads.at(-1);
    if (last?.length === 1 && dataAt(block) === dataAt(last[0]) + blockSize + bitmapBytes) {
      last.push(block);
    } else {
      reads.push([block]);
    }
  }

  const target = openSync(output, 'wx');
  const span = 2 * blockSize + bitmapBytes;
  const free = [new Uint8Array(span), new Uint8Array(span)];
  let underWay = 0;
  let failure;
  let wake;
  const ended = () => {
    const resume = wake;
    wake = undefined;
    resume?.();
  };
  for (const blocks of reads) {
    while (free.length === 0 && failure === undefined) await new Promise((r) => (wake = r));
    if (failure !== undefined) break;
    const buffer = free.pop();
    const from = dataAt(blocks[0]);
    readSync(source, buffer, 0, dataAt(blocks.at(-1)) + blockSize - from, from);
    let left = blocks.length;
    for (const block of blocks) {
      const length = Math.min(blockSize, diskSize - block * blockSize);
      underWay++;
      write(target, buffer, dataAt(block) - from, length, block * blockSize, (error) => {
        failure ??= error ?? undefined;
        underWay--;
        if (--left === 0) free.push(buffer);
        ended();
      });
    }
  }
  while (underWay > 0) await new Promise((r) => (wake = r));
  if (failure !== undefined) throw failure;
  ftruncateSync(target, diskSize);
  closeSync(target);
  closeSync(source);
}

main().catch((error) => {
  process.exitCode = 1;
  console.error(error);
});
