/**
 * Real loopback HTTP servers for the SSRF guard's tests: a site on 127.0.0.1 that records the
 * paths it is asked for and counts the connections it receives (a refused URL must leave it
 * at 0), and a DNS look-up that resolves chosen names to 127.0.0.1, as a public-looking name
 * pointing inside would.
 */
import type { LookupAddress } from 'node:dns';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LookupFunction } from '@rcml/webhook';

/** A running site. */
export interface LoopbackSite {
  readonly port: number;
  /** The path (without the query) of every request, in order. */
  readonly paths: string[];
  /** Connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

/** Starts a site on 127.0.0.1 (a free port) that answers each request with `answer`. */
export async function startLoopbackSite(
  answer: (path: string, res: ServerResponse) => void,
): Promise<LoopbackSite> {
  const paths: string[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    paths.push(path);
    answer(path, res);
  });
  const state = {
    port: 0,
    paths,
    connections: 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  server.on('connection', () => {
    state.connections += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.port = (server.address() as AddressInfo).port;
  return state;
}

/** A look-up that resolves each of `names` to 127.0.0.1 and any other name to ENOTFOUND. */
export function loopbackLookup(...names: string[]): LookupFunction {
  return (hostname, options, callback) => {
    if (!names.includes(hostname)) {
      callback(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
      return;
    }
    const list: LookupAddress[] = [{ address: '127.0.0.1', family: 4 }];
    if (options.all) callback(null, list);
    else callback(null, '127.0.0.1', 4);
  };
}
