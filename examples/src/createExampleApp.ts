/**
 * The example voice application as a real HTTP server on 127.0.0.1: documents for the call,
 * and endpoints for status and recording callbacks that it keeps in memory.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { choice, dialed, menu, recorded } from './voiceApp.js';

/** A request the application received. */
export interface ReceivedRequest {
  readonly method: string;
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
}

/** The running application. */
export interface ExampleApp {
  /** Base URL, e.g. `http://127.0.0.1:40123`; the call starts at `${url}/voice`. */
  readonly url: string;
  /** Every request, in arrival order. */
  readonly received: readonly ReceivedRequest[];
  /** Stop the server (open connections are closed). */
  close(): Promise<void>;
}

const routes: Record<string, (params: Readonly<Record<string, string>>) => string> = {
  '/voice': menu,
  '/menu': choice,
  '/recorded': recorded,
  '/dialed': dialed,
};
/** Callback endpoints: answered 204, their content does not steer the call. */
const CALLBACKS = new Set(['/status', '/recording-status']);
const MAX_BODY = 64 * 1024;

async function readParams(req: IncomingMessage, query: string): Promise<Record<string, string>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('body too large');
    chunks.push(chunk as Buffer);
  }
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query)) params[k] = v;
  for (const [k, v] of new URLSearchParams(Buffer.concat(chunks).toString('utf8'))) params[k] = v;
  return params;
}

/** Start the application on a free port of 127.0.0.1 (or the given one). */
export async function createExampleApp(options: { port?: number } = {}): Promise<ExampleApp> {
  const received: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const [path = '/', query = ''] = (req.url ?? '/').split('?', 2);
    readParams(req, query).then(
      (params) => {
        received.push({ method: req.method ?? 'GET', path, params });
        const route = routes[path];
        if (route !== undefined) {
          const body = route(params);
          res.writeHead(200, { 'Content-Type': 'text/xml; charset=utf-8' });
          res.end(body);
        } else if (CALLBACKS.has(path)) {
          res.writeHead(204).end();
        } else {
          res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
        }
      },
      () => res.writeHead(413).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
