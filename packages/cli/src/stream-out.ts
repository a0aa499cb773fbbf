/**
 * Writing bytes to stdout: straight to the descriptor when stdout is a regular file (leaving holes
 * for runs of zeros when `sparse-output.ts` allows it), through the stream otherwise (pipes and
 * terminals, which Node makes non-blocking), so that a reader that stops early
 * (`| head -c 100`) ends the command quietly instead of with an EPIPE error.
 * @module
 */
import { fstatSync, ftruncateSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { holeStart } from './sparse-output.js';

/** Writes to a stream that may be closed by its reader. */
export interface ByteSink {
  /** Writes `bytes`; resolves `false` once the reader has gone (EPIPE), then ignores writes. */
  write(bytes: Uint8Array): Promise<boolean>;
  /**
   * Writes `length` zero bytes, or, into a file where holes are allowed, leaves a hole of that
   * size (the file reads the same). Resolves as `write` does.
   */
  zeros(length: number): Promise<boolean>;
  /** Whether `zeros` leaves holes instead of writing. */
  readonly sparse: boolean;
  /**
   * Whether the buffer passed to `write` may be filled again once `write` has resolved. A
   * stream of the process (stdout on a file, a pipe or a terminal) is done with the bytes when it
   * calls back; any other stream may keep the very buffer (a `PassThrough` hands it on as it is),
   * so each write needs a buffer of its own.
   */
  readonly reusesBuffers: boolean;
  /**
   * Ends the output: a sink that left holes sets the file's size to its end (a hole at the end
   * is only a size); a stream's sink stops listening for the stream's errors.
   */
  release(): void;
}

/** Zeros for dense sinks to write from; never written to, so any sink may keep it. */
let zeroBuffer = new Uint8Array(0);

/** Writes `length` zeros through `write`, from one shared zero buffer. */
async function writeZeros(
  write: (bytes: Uint8Array) => Promise<boolean>,
  length: number,
): Promise<boolean> {
  if (zeroBuffer.length < Math.min(length, 2 ** 21)) {
    zeroBuffer = new Uint8Array(Math.min(length, 2 ** 21));
  }
  for (let done = 0; done < length; ) {
    const n = Math.min(zeroBuffer.length, length - done);
    if (!(await write(zeroBuffer.subarray(0, n)))) return false;
    done += n;
  }
  return true;
}

function isBrokenPipe(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/** The descriptor behind `stream` when it is one of the process's own (stdout, stderr). */
export function descriptorOf(stream: Writable): number | undefined {
  const fd = (stream as { fd?: unknown }).fd;
  return typeof fd === 'number' && Number.isInteger(fd) && fd >= 0 ? fd : undefined;
}

/** Whether `fd` is a regular file (not a pipe, socket, terminal or device). */
export function isRegularFileDescriptor(fd: number): boolean {
  try {
    return fstatSync(fd).isFile();
  } catch {
    return false;
  }
}

/** A {@link ByteSink} over `stream`. Errors other than a closed pipe still reject. */
export function byteSink(stream: Writable): ByteSink {
  let closed = false;
  const onError = (error: unknown) => {
    if (isBrokenPipe(error)) closed = true;
  };
  stream.on('error', onError);
  const write = (bytes: Uint8Array) => {
    if (closed) return Promise.resolve(false);
    return new Promise<boolean>((resolve, reject) => {
      stream.write(bytes, (error) => {
        if (!error) resolve(true);
        else if (isBrokenPipe(error)) {
          closed = true;
          resolve(false);
        } else reject(error);
      });
    });
  };
  return {
    reusesBuffers: descriptorOf(stream) !== undefined,
    sparse: false,
    write,
    zeros: (length) => writeZeros(write, length),
    release() {
      stream.off('error', onError);
    },
  };
}

/**
 * A {@link ByteSink} writing with `writeSync` at the descriptor's own offset (what a shell's
 * `> file` or `>> file` set up), with no stream in between; zeros are written.
 */
export function descriptorSink(fd: number): ByteSink {
  const write = (bytes: Uint8Array) => {
    for (let done = 0; done < bytes.length; ) {
      done += writeSync(fd, bytes, done, bytes.length - done);
    }
    return Promise.resolve(true);
  };
  return {
    reusesBuffers: true,
    sparse: false,
    write,
    zeros: (length) => writeZeros(write, length),
    release() {},
  };
}

/**
 * A {@link ByteSink} into the regular file `fd` from position `start` on, which leaves holes for
 * zeros: bytes are written at their own positions (`writeSync` with a position), zeros only
 * move the position on, and `release` sets the file's size to where the output ended. The
 * descriptor's own offset stays at `start` (see `sparse-output.ts` for when that is safe).
 */
export function sparseFileSink(fd: number, start: number): ByteSink {
  let at = start;
  return {
    reusesBuffers: true,
    sparse: true,
    write(bytes) {
      for (let done = 0; done < bytes.length; ) {
        done += writeSync(fd, bytes, done, bytes.length - done, at + done);
      }
      at += bytes.length;
      return Promise.resolve(true);
    },
    zeros(length) {
      at += length;
      return Promise.resolve(true);
    },
    release() {
      if (fstatSync(fd).size < at) ftruncateSync(fd, at);
    },
  };
}

/**
 * Where a command's data output goes when stdout is `stream`: a {@link sparseFileSink} when it is
 * the process's stdout on a regular file that may hold holes (and `holes` is true), a
 * {@link descriptorSink} on any other regular file, a {@link byteSink} otherwise.
 */
export function outputSink(stream: Writable, holes = false): ByteSink {
  const fd = descriptorOf(stream);
  if (fd === undefined || !isRegularFileDescriptor(fd)) return byteSink(stream);
  const start = holes ? holeStart(fd) : undefined;
  return start === undefined ? descriptorSink(fd) : sparseFileSink(fd, start);
}
