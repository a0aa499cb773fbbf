/**
 * A preload (`node --import`) for failure tests: the VSKIT_TEST_FAIL_WRITE_AT-th write (counted
 * from 1) into the file VSKIT_TEST_FAIL_WRITE_PATH, or the temporary file it is written under,
 * fails with ENOSPC, as on a full disk; every other write goes through. Both `fs.write` (the
 * thread pool's) and `fs.writeSync` are counted, into a file opened by `fs.open` or `fs.openSync`.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { isTargetOrTemporary } from './target-path.mjs';

const failAt = Number(process.env.VSKIT_TEST_FAIL_WRITE_AT);
const target = process.env.VSKIT_TEST_FAIL_WRITE_PATH;
const targetFds = new Set();
let writes = 0;

function full() {
  return Object.assign(new Error('ENOSPC: no space left on device, write'), {
    code: 'ENOSPC',
    errno: -28,
    syscall: 'write',
  });
}

/** Whether this write into the target is the one that fails. */
function failsNow(fd) {
  return targetFds.has(fd) && ++writes === failAt;
}

const open = fs.open;
fs.open = function patchedOpen(path, flags, ...rest) {
  const callback = rest.pop();
  return open.call(fs, path, flags, ...rest, (error, fd) => {
    if (!error && isTargetOrTemporary(path, target)) targetFds.add(fd);
    callback(error, fd);
  });
};

const openSync = fs.openSync;
fs.openSync = function patchedOpenSync(path, flags, ...rest) {
  const fd = openSync.call(fs, path, flags, ...rest);
  if (isTargetOrTemporary(path, target)) targetFds.add(fd);
  return fd;
};

const write = fs.write;
fs.write = function patchedWrite(fd, ...rest) {
  if (!failsNow(fd)) return write.call(fs, fd, ...rest);
  const callback = rest.pop();
  setImmediate(() => callback(full()));
};

const writeSync = fs.writeSync;
fs.writeSync = function patchedWriteSync(fd, ...rest) {
  if (failsNow(fd)) throw full();
  return writeSync.call(fs, fd, ...rest);
};

syncBuiltinESMExports();
