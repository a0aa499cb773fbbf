/**
 * Writing bytes to stdout so that a reader that stops early (`| head -c 100`) ends the command
 * quietly instead of with an EPIPE error.
 * @module
 */
import type { Writable } from 'node:stream';

/** Writes to a stream that may be closed by its reader. */
export interface ByteSink {
  /** Writes `bytes`; resolves `false` once the reader has gone (EPIPE), then ignores writes. */
  write(bytes: Uint8Array): Promise<boolean>;
  /** Stops listening for the stream's errors. */
  release(): void;
}

function isBrokenPipe(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'EPIPE' || code === 'ERR_STREAM_DESTROYED';
}

/** A {@link ByteSink} over `stream`. Errors other than a closed pipe still reject. */
export function byteSink(stream: Writable): ByteSink {
  let closed = false;
  const onError = (error: unknown) => {
    if (isBrokenPipe(error)) closed = true;
  };
  stream.on('error', onError);
  return {
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
