/**
 * The application the engine calls, run in its own process (forked) so that serving does not
 * share an event loop with the engine: it answers document requests with an RCML document
 * and status callbacks with 204, on 127.0.0.1. Every request body is read in full before the
 * answer, as a real application does.
 *
 * Routes (POST or GET): `/doc/small`, `/doc/realistic`, `/doc/unique` (the realistic document
 * with a per-request reference: no two answers are equal), `/doc/hold` (B2), `/cb` (callbacks).
 */
import { type ChildProcess, fork } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { B1_SMALL, B2_HOLD, realisticDocument } from './documents.js';

/** The argument that makes this module run as the server process. */
const SERVER_FLAG = '--rcml-bench-app-server';

const XML = 'text/xml; charset=utf-8';

function main(): void {
  const fixed: Record<string, Buffer> = {
    '/doc/small': Buffer.from(B1_SMALL),
    '/doc/realistic': Buffer.from(realisticDocument(null)),
    '/doc/hold': Buffer.from(B2_HOLD),
  };
  let unique = 0;
  const answer = (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? '/').split('?')[0]!;
    if (path === '/cb') {
      res.writeHead(204).end();
      return;
    }
    const body = path === '/doc/unique' ? Buffer.from(realisticDocument(++unique)) : fixed[path];
    if (body === undefined) {
      res.writeHead(404, { 'content-length': '0' }).end();
      return;
    }
    res.writeHead(200, { 'content-type': XML, 'content-length': String(body.length) }).end(body);
  };
  const server = createServer((req, res) => {
    req.on('data', noop);
    req.on('end', () => answer(req, res));
  });
  server.keepAliveTimeout = 30_000;
  server.listen(0, '127.0.0.1', () => {
    process.send?.({ port: (server.address() as AddressInfo).port });
  });
  // The parent going away ends the server.
  process.on('disconnect', () => process.exit(0));
}

function noop(): void {}

/** A running application server process. */
export interface AppServer {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  close(): Promise<void>;
}

/** Fork the application server and wait until it listens. */
export function startAppServer(): Promise<AppServer> {
  const path = fileURLToPath(import.meta.url);
  const child: ChildProcess = fork(path, [SERVER_FLAG], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`the application server exited (${code})`)));
    child.once('message', (message: { port: number }) => {
      child.removeAllListeners('exit');
      resolve({
        origin: `http://127.0.0.1:${message.port}`,
        close: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once('exit', () => done());
            child.disconnect();
          }),
      });
    });
  });
}

if (process.send !== undefined && process.argv.includes(SERVER_FLAG)) main();
