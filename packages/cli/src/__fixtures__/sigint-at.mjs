/**
 * A preload (`node --import`) for interruption tests: sends SIGINT to the process itself at one
 * exact point of creating the file VSKIT_TEST_SIGINT_PATH (or the temporary file it is written
 * under), as a Ctrl-C there would:
 * VSKIT_TEST_SIGINT_AT = `before-open` (just before the file is created), `after-open` (the file
 * exists, empty, and the command has not yet seen it) or `first-write` (the first write into it,
 * by `fs.write` or `fs.writeSync`). The file may be created by `fs.open` or `fs.openSync`.
 * A process with no SIGINT listener dies at once, as it would at the keyboard.
 */
import fs from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { isTargetOrTemporary } from './target-path.mjs';

const at = process.env.VSKIT_TEST_SIGINT_AT;
const target = process.env.VSKIT_TEST_SIGINT_PATH;
let targetFd;

function interrupt() {
  process.kill(process.pid, 'SIGINT');
}

function creates(path, flags) {
  if (!isTargetOrTemporary(path, target)) return false;
  return typeof flags === 'number' ? (flags & fs.constants.O_CREAT) !== 0 : /[wax]/.test(flags);
}

const open = fs.open;
fs.open = function patchedOpen(path, flags, ...rest) {
  const callback = rest.pop();
  if (!creates(path, flags)) return open.call(fs, path, flags, ...rest, callback);
  if (at === 'before-open') interrupt();
  return open.call(fs, path, flags, ...rest, (error, fd) => {
    if (!error) targetFd = fd;
    if (!error && at === 'after-open') interrupt();
    callback(error, fd);
  });
};

const openSync = fs.openSync;
fs.openSync = function patchedOpenSync(path, flags, ...rest) {
  if (!creates(path, flags)) return openSync.call(fs, path, flags, ...rest);
  if (at === 'before-open') interrupt();
  const fd = openSync.call(fs, path, flags, ...rest);
  targetFd = fd;
  if (at === 'after-open') interrupt();
  return fd;
};

/** Interrupts at the first write into the file (`first-write`). */
function beforeWrite(fd) {
  if (fd === targetFd && at === 'first-write') {
    targetFd = undefined;
    interrupt();
  }
}

const write = fs.write;
fs.write = function patchedWrite(fd, ...rest) {
  beforeWrite(fd);
  return write.call(fs, fd, ...rest);
};

const writeSync = fs.writeSync;
fs.writeSync = function patchedWriteSync(fd, ...rest) {
  beforeWrite(fd);
  return writeSync.call(fs, fd, ...rest);
};

syncBuiltinESMExports();
