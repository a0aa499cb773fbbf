/**
 * Emulated host throughput and memory (not a test: numbers only).
 *
 *   npm run bench            (from emulator/)
 *
 * 1. Sequential write then read of a file through the emulated host, against plain memfs doing
 *    the same through its FileHandle API (goal: emulated >= 0.5x memfs).
 * 2. Memory of a sparse 2040 GiB file with a few MiB written (goal: proportional to the bytes
 *    written, not to the size).
 */
import { Volume } from 'memfs';
import { createEmulatedHost } from '../src/index.js';

const MiB = 2 ** 20;
const TOTAL = Number(process.env.BENCH_MIB ?? 256) * MiB;
const BLOCKS = [64 * 1024, MiB];
const ROUNDS = 5;

function block(size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}

/**
 * Best time of each contender over {@link ROUNDS} rounds, the contenders taking turns within a
 * round so that a change in machine load hits both alike.
 */
async function race(contenders: Array<() => Promise<void>>): Promise<number[]> {
  const best = contenders.map(() => Number.POSITIVE_INFINITY);
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, run] of contenders.entries()) {
      const start = process.hrtime.bigint();
      await run();
      best[i] = Math.min(best[i] as number, Number(process.hrtime.bigint() - start) / 1e9);
    }
  }
  return best;
}

const rate = (seconds: number) => `${(TOTAL / MiB / seconds).toFixed(0).padStart(6)} MiB/s`;

async function throughput(blockSize: number): Promise<void> {
  const data = block(blockSize);
  const back = new Uint8Array(blockSize);

  let host = createEmulatedHost({ volumes: [] });
  let vol = new Volume();
  const [emulatedWrite = 0, memfsWrite = 0] = await race([
    async () => {
      host = createEmulatedHost({
        volumes: [{ drive: 'C', fileSystem: 'NTFS', capacityBytes: 2 ** 40 }],
      });
      const file = await host.open('C:\\seq.bin', 'createNew');
      for (let at = 0; at < TOTAL; at += blockSize) await file.write(data, at);
      await file.close();
    },
    async () => {
      vol = new Volume();
      const handle = await vol.promises.open('/seq.bin', 'w+');
      for (let at = 0; at < TOTAL; at += blockSize) await handle.write(data, 0, blockSize, at);
      await handle.close();
    },
  ]);
  const [emulatedRead = 0, memfsRead = 0] = await race([
    async () => {
      const file = await host.open('C:\\seq.bin', 'read');
      for (let at = 0; at < TOTAL; at += blockSize) await file.read(back, at);
      await file.close();
    },
    async () => {
      const handle = await vol.promises.open('/seq.bin', 'r');
      for (let at = 0; at < TOTAL; at += blockSize) await handle.read(back, 0, blockSize, at);
      await handle.close();
    },
  ]);

  const kib = `${blockSize / 1024} KiB blocks`;
  console.log(
    `write ${kib.padEnd(15)} emulated ${rate(emulatedWrite)}  memfs ${rate(memfsWrite)}  ratio ${(memfsWrite / emulatedWrite).toFixed(2)}x`,
  );
  console.log(
    `read  ${kib.padEnd(15)} emulated ${rate(emulatedRead)}  memfs ${rate(memfsRead)}  ratio ${(memfsRead / emulatedRead).toFixed(2)}x`,
  );
}

function settleMemory(): NodeJS.MemoryUsage {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
}

async function sparseMemory(): Promise<void> {
  const written = 4 * MiB;
  const before = settleMemory();
  const host = createEmulatedHost({
    volumes: [{ drive: 'C', fileSystem: 'NTFS', capacityBytes: 4 * 2 ** 40 }],
  });
  const file = await host.open('C:\\sparse.vhd', 'createNew');
  await file.truncate(2040 * 2 ** 30);
  const piece = block(MiB);
  // A few MiB spread over the whole size: the start, the middle and the end.
  for (const at of [0, 1020 * 2 ** 30, 2040 * 2 ** 30 - 2 * MiB, 7 * 2 ** 30]) {
    await file.write(piece, at);
  }
  await file.sync();
  const after = settleMemory();
  const heap = (after.heapUsed - before.heapUsed) / MiB;
  const buffers = (after.arrayBuffers - before.arrayBuffers) / MiB;
  console.log(
    `sparse 2040 GiB file, ${written / MiB} MiB written: heapUsed +${heap.toFixed(1)} MiB, arrayBuffers +${buffers.toFixed(1)} MiB, chunks hold ${(host.storedBytes() / MiB).toFixed(1)} MiB, free ${(host.volumeInfo('C')?.freeBytes ?? 0) / 2 ** 30} GiB`,
  );
  await file.close();
}

// Memory first, before the throughput runs leave buffers for the collector.
await sparseMemory();
console.log(`emulated host vs memfs, ${TOTAL / MiB} MiB sequential, best of ${ROUNDS}`);
for (const size of BLOCKS) await throughput(size);
if ((globalThis as { gc?: () => void }).gc === undefined) {
  console.log('(memory figures are rougher without --expose-gc)');
}
