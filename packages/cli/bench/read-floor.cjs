/**
 * The floor of reading a disk's bytes, for the bench: plain Node.js reading, with blocking calls
 * into one 2 MiB buffer, the file ranges a list (made by `read-list.ts`) names, in its order, and
 * nothing else: no vskit code, no output. Two lists of the same bytes (a chain's and its flat
 * twin's) read in the same time when their files sit in memory of the same speed.
 *
 * Usage: node read-floor.cjs <reads.json>
 */
const { openSync, readFileSync, readSync } = require('node:fs');

const [list] = process.argv.slice(2);
if (list === undefined) throw new Error('usage: node read-floor.cjs <reads.json>');
const reads = JSON.parse(readFileSync(list, 'utf8'));
const files = new Map();
const buffer = new Uint8Array(2 * 2 ** 20);
for (const [path, offset, length] of reads) {
  let fd = files.get(path);
  if (fd === undefined) {
    fd = openSync(path, 'r');
    files.set(path, fd);
  }
  for (let done = 0; done < length; ) {
    const n = readSync(fd, buffer, 0, Math.min(buffer.length, length - done), offset + done);
    if (n === 0) throw new Error(`${path} ends before ${offset + length}`);
    done += n;
  }
}
