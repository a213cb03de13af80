/**
 * A real `node:http` server on 127.0.0.1 for the transport tests. Each request is recorded
 * and answered by the test's handler; handlers hold a request open by awaiting a promise the
 * test resolves, never a timer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request as the server saw it. */
export interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void | Promise<void>;

export interface TestServer {
  readonly origin: string;
  readonly port: number;
  readonly seen: Seen[];
  /** Requests whose handler has not finished. */
  readonly open: () => number;
  /** Resolves when the server has received `count` requests in total. */
  received(count: number): Promise<void>;
  handle(handler: Handler): void;
  close(): Promise<void>;
}

/** Starts a server; the default handler answers 200 `text/xml` `<Response/>`. */
export async function startServer(handler?: Handler): Promise<TestServer> {
  let current: Handler =
    handler ??
    ((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
    });
  const seen: Seen[] = [];
  const waiters: Array<{ count: number; wake: () => void }> = [];
  let open = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const entry: Seen = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf-8'),
      };
      seen.push(entry);
      open += 1;
      for (const waiter of waiters.filter((w) => seen.length >= w.count)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.wake();
      }
      Promise.resolve(current(req, res, entry))
        .catch(() => res.destroy())
        .finally(() => {
          open -= 1;
        });
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    seen,
    open: () => open,
    received: (count) =>
      seen.length >= count ? Promise.resolve() : new Promise((wake) => waiters.push({ count, wake })),
    handle(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A promise with its resolver, for holding a response until the test says so. */
export function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** Waits until `res` can take more data or is closed (whichever comes first). */
export function writable(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}
