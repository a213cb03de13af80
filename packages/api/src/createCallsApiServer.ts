/**
 * A ready `node:http` server around the Calls API handler, listening on loopback by default.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type CallsApiOptions, createCallsApiHandler } from './createCallsApiHandler.js';

/** Where to listen. */
export interface ListenOptions {
  /** Default 0: a free port. */
  readonly port?: number;
  /** Default `127.0.0.1`. */
  readonly host?: string;
}

/** A Calls API server. */
export interface CallsApiServer {
  /** The underlying server (for embedding: more routes, TLS termination in front, ...). */
  readonly server: Server;
  /** Start listening; resolves with the base URL, e.g. `http://127.0.0.1:8080`. */
  listen(options?: ListenOptions): Promise<string>;
  /** Stop accepting connections, end idle ones and wait for the open requests to finish. */
  close(): Promise<void>;
}

/** Create the server (not listening yet). */
export function createCallsApiServer(options: CallsApiOptions): CallsApiServer {
  const server = createServer(createCallsApiHandler(options));
  // Slow or stalled clients must not hold the server: bounded header and request times.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.on('clientError', (_error, socket) => {
    if (socket.writable)
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  return {
    server,
    listen({ port = 0, host = '127.0.0.1' } = {}) {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address() as AddressInfo;
          const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
          resolve(`http://${shown}:${address.port}`);
        });
      });
    },
    close() {
      return new Promise((resolve, reject) => {
        if (!server.listening) {
          resolve();
          return;
        }
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      });
    },
  };
}
