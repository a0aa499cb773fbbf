/**
 * One long-lived Python process that reads children through pyvhdi on request, so a read costs
 * no process start. Requests go one at a time; the process holds the event loop open only while
 * one is pending, and ends when the suite's process closes its input.
 * @module
 */
import { Buffer } from 'node:buffer';
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';

/**
 * Reads lines `child<TAB>parent<TAB>length` and answers each with an 8-byte little-endian
 * length (-1 when pyvhdi cannot read the pair) and then the bytes.
 */
const SERVER = `
import sys, struct, pyvhdi
out = sys.stdout.buffer
for line in sys.stdin:
    child, parent, n = line.rstrip("\\n").split("\\t")
    try:
        p = pyvhdi.file(); p.open(parent)
        c = pyvhdi.file(); c.open(child); c.set_parent(p)
        data = c.read_buffer_at_offset(int(n), 0)
        c.close(); p.close()
        out.write(struct.pack("<q", len(data))); out.write(data)
    except Exception:
        out.write(struct.pack("<q", -1))
    out.flush()
`;

type Server = ChildProcessByStdio<Writable, Readable, null>;

/** The first bytes of an answer: the length of what follows, or -1. */
const HEAD = 8;

/** A request waiting for its answer. */
interface Waiting {
  readonly resolve: (bytes: Uint8Array | undefined) => void;
}

/** The Python process and the answers it has sent so far. */
class PyvhdiProcess {
  readonly #server: Server;
  #received: Uint8Array[] = [];
  #receivedBytes = 0;
  #waiting: Waiting | undefined;
  #dead = false;

  constructor(python: string) {
    this.#server = spawn(python, ['-c', SERVER], { stdio: ['pipe', 'pipe', 'ignore'] });
    this.#server.stdout.on('data', (chunk: Uint8Array) => {
      this.#received.push(chunk);
      this.#receivedBytes += chunk.length;
      this.#answer();
    });
    const die = () => {
      this.#dead = true;
      this.#waiting?.resolve(undefined);
      this.#waiting = undefined;
    };
    this.#server.on('error', die);
    this.#server.on('exit', die);
    this.#server.stdin.on('error', die);
    this.#idle();
  }

  /** Whether the process is gone (a new one is needed). */
  get dead(): boolean {
    return this.#dead;
  }

  /** The first `length` bytes of `child` over `parent` (files on disk); undefined on failure. */
  read(child: string, parent: string, length: number): Promise<Uint8Array | undefined> {
    if (this.#dead) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      this.#waiting = { resolve };
      (this.#server.stdout as Socket).ref();
      this.#server.ref();
      this.#server.stdin.write(`${child}\t${parent}\t${length}\n`);
    });
  }

  /** Lets the suite's process end while no request waits. */
  #idle(): void {
    // stdio pipes are sockets: an unref'd one does not keep the process alive
    (this.#server.stdout as Socket).unref();
    this.#server.unref();
  }

  #answer(): void {
    if (this.#receivedBytes < HEAD) return;
    const all = Buffer.concat(this.#received, this.#receivedBytes);
    const length = Number(new DataView(all.buffer, all.byteOffset, HEAD).getBigInt64(0, true));
    const end = HEAD + Math.max(0, length);
    if (all.length < end) {
      this.#received = [all];
      return;
    }
    const rest = all.subarray(end);
    this.#received = rest.length > 0 ? [rest] : [];
    this.#receivedBytes = rest.length;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    this.#idle();
    waiting?.resolve(length < 0 ? undefined : new Uint8Array(all.subarray(HEAD, end)));
  }
}

let current: PyvhdiProcess | undefined;
/** The requests, one after another. */
let queue: Promise<unknown> = Promise.resolve();

/**
 * The first `length` bytes of the child at `child` over the parent at `parent` (files on disk)
 * as pyvhdi reads them through `python`, or undefined when it cannot read them.
 */
export function readThroughPyvhdi(
  python: string,
  child: string,
  parent: string,
  length: number,
): Promise<Uint8Array | undefined> {
  const next = queue.then(() => {
    if (current === undefined || current.dead) current = new PyvhdiProcess(python);
    return current.read(child, parent, length);
  });
  queue = next.catch(() => undefined);
  return next;
}
