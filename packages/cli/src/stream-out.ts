/**
 * Writing bytes to stdout: straight to the descriptor when stdout is a regular file, through the
 * stream otherwise (pipes and terminals, which Node makes non-blocking), so that a reader that
 * stops early (`| head -c 100`) ends the command quietly instead of with an EPIPE error.
 * @module
 */
import { fstatSync, writeSync } from 'node:fs';
import type { Writable } from 'node:stream';

/** Writes to a stream that may be closed by its reader. */
export interface ByteSink {
  /** Writes `bytes`; resolves `false` once the reader has gone (EPIPE), then ignores writes. */
  write(bytes: Uint8Array): Promise<boolean>;
  /**
   * Whether the buffer passed to `write` may be filled again once `write` has resolved. A
   * stream of the process (stdout on a file, a pipe or a terminal) is done with the bytes when it
   * calls back; any other stream may keep the very buffer (a `PassThrough` hands it on as it is),
   * so each write needs a buffer of its own.
   */
  readonly reusesBuffers: boolean;
  /** Stops listening for the stream's errors. */
  release(): void;
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
  return {
    reusesBuffers: descriptorOf(stream) !== undefined,
    write(bytes) {
      if (closed) return Promise.resolve(false);
      return new Promise((resolve, reject) => {
        stream.write(bytes, (error) => {
          if (!error) resolve(true);
          else if (isBrokenPipe(error)) {
            closed = true;
            resolve(false);
          } else reject(error);
        });
      });
    },
    release() {
      stream.off('error', onError);
    },
  };
}

/**
 * A {@link ByteSink} writing with `writeSync` at the descriptor's own offset (what a shell's
 * `> file` or `>> file` set up), with no stream in between.
 */
export function descriptorSink(fd: number): ByteSink {
  return {
    reusesBuffers: true,
    write(bytes) {
      for (let done = 0; done < bytes.length; ) {
        done += writeSync(fd, bytes, done, bytes.length - done);
      }
      return Promise.resolve(true);
    },
    release() {},
  };
}

/**
 * Where a command's data output goes: {@link descriptorSink} when `stream` is the process's stdout
 * on a regular file, {@link byteSink} otherwise.
 */
export function outputSink(stream: Writable): ByteSink {
  const fd = descriptorOf(stream);
  return fd !== undefined && isRegularFileDescriptor(fd) ? descriptorSink(fd) : byteSink(stream);
}
