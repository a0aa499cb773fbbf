/**
 * The process's stdout and stderr, with Node.js's stream built only when a command needs the
 * stream itself. Building `process.stdout` loads Node's stream modules (a millisecond or so of
 * every start), and most commands only print a few lines of text: those go out with blocking
 * writes on the descriptor, as Node's own stream writes to a file, a pipe or a terminal on
 * Linux. Anything else asked of the output (a listener, `columns`, backpressure) builds the
 * real stream, and from then on everything goes through it; text written before is already out,
 * so the order holds.
 * @module
 */
import { fstatSync, writeSync } from 'node:fs';

/** Encodes the text written (one encoder for every write). */
const UTF8 = new TextEncoder();

/** What to do when the reader of the output has gone away (EPIPE). */
export type OnBrokenPipe = () => void;

/**
 * `fd`'s output as a stream: `stream()` builds the real one (`process.stdout`) on first need,
 * `onBrokenPipe` runs when a direct write meets EPIPE (the bin ends quietly, as its stream's
 * error listener does; see `quietOnBrokenPipe`).
 */
export function lazyOutput(
  fd: number,
  stream: () => NodeJS.WriteStream,
  onBrokenPipe: OnBrokenPipe,
): NodeJS.WriteStream {
  let real: NodeJS.WriteStream | undefined;
  const built = (): NodeJS.WriteStream => {
    real ??= stream();
    return real;
  };
  const write = (
    chunk: string | Uint8Array,
    encodingOrCallback?: BufferEncoding | ((error?: Error | null) => void),
    callback?: (error?: Error | null) => void,
  ): boolean => {
    const done = typeof encodingOrCallback === 'function' ? encodingOrCallback : callback;
    const encoding = typeof encodingOrCallback === 'string' ? encodingOrCallback : 'utf8';
    if (real !== undefined || (typeof chunk === 'string' && !/^utf-?8$/i.test(encoding))) {
      // An encoding other than UTF-8 is the stream's business.
      return built().write(chunk, encodingOrCallback as BufferEncoding, callback);
    }
    const bytes = typeof chunk === 'string' ? UTF8.encode(chunk) : chunk;
    let at = 0;
    try {
      while (at < bytes.length) at += writeSync(fd, bytes, at, bytes.length - at);
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'EAGAIN') {
        // A descriptor another program left non-blocking: the stream waits for room.
        return built().write(bytes.subarray(at), done);
      }
      if (code === 'EPIPE') {
        onBrokenPipe();
        return false;
      }
      throw error;
    }
    if (done !== undefined) queueMicrotask(() => done(null));
    return true;
  };
  const direct: Record<PropertyKey, unknown> = {
    write,
    fd,
    // Only a character device can be a terminal: a file or a pipe says no without the stream
    // (node:tty's isatty would load the stream modules too).
    get isTTY() {
      if (real === undefined && !isCharacterDevice(fd)) return undefined;
      return built().isTTY;
    },
  };
  return new Proxy(direct, {
    get(target, key) {
      // Its own answers: `isTTY` asks the stream itself once there is one.
      if (key === 'write' || key === 'fd' || key === 'isTTY') return target[key];
      const stream = built();
      const value = Reflect.get(stream, key, stream);
      return typeof value === 'function' ? value.bind(stream) : value;
    },
    set(_target, key, value) {
      return Reflect.set(built(), key, value);
    },
  }) as unknown as NodeJS.WriteStream;
}

function isCharacterDevice(fd: number): boolean {
  try {
    return fstatSync(fd).isCharacterDevice();
  } catch {
    return false;
  }
}
