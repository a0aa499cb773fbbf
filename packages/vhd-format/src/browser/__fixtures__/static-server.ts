/** A tiny static HTTP server on 127.0.0.1 for the browser test: fixed routes, GET only. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, relative, resolve, sep } from 'node:path';

/** The content types a page needs; a module script must be served as JavaScript. */
const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml; charset=utf-8',
  '.vhd': 'application/octet-stream',
};

/** What the server answers for one URL path: a file on disk, or nothing (404). */
export type Resolve = (path: string) => string | undefined;

/** A running server. */
export interface StaticServer {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  /** Paths that were asked for and not found, in order. */
  readonly notFound: readonly string[];
  /** Every path served, in order. */
  readonly served: readonly string[];
  /** Stops listening and drops open connections. */
  close(): Promise<void>;
}

/**
 * The file under `root` that `rest` (a URL path below a mount point) names, or undefined when
 * it would leave `root`.
 */
export function within(root: string, rest: string): string | undefined {
  const path = resolve(root, `.${sep}${decodeURIComponent(rest)}`);
  const inside = relative(root, path);
  return inside === '' || inside.startsWith('..') || inside.startsWith(sep) ? undefined : path;
}

/** Starts a server on 127.0.0.1 (a free port) that serves what `resolvePath` maps each path to. */
export async function startStaticServer(resolvePath: Resolve): Promise<StaticServer> {
  const notFound: string[] = [];
  const served: string[] = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const answer = async () => {
      const file = request.method === 'GET' ? resolvePath(path) : undefined;
      const info = file === undefined ? undefined : await stat(file).catch(() => undefined);
      if (file === undefined || info === undefined || !info.isFile()) {
        notFound.push(path);
        response.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      served.push(path);
      response.writeHead(200, {
        'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
        'content-length': info.size,
        'cache-control': 'no-store',
      });
      createReadStream(file).pipe(response);
    };
    answer().catch(() => response.destroy());
  });
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    notFound,
    served,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
