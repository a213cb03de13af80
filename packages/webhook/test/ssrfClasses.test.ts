/**
 * The SSRF guard over real loopback HTTP, class by class: with the guard on, each refused
 * class (in each spelling the URL parser accepts, and as a DNS name resolving to it) fails with
 * 11210 and the server sees no connection at all; with the guard off, or opened by an allow
 * list, the same URLs reach the server. Addresses that are not on this machine (private,
 * link-local, metadata) are never connected to: their opt-out is checked on the policy.
 */
import type { LookupAddress } from 'node:dns';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createHttpTransport,
  createUrlGuard,
  embeddedIPv4,
  type HttpTransport,
  type LookupFunction,
} from '../src/index.js';
import { req } from './support/request.js';

/** A server on 127.0.0.1 that counts connections (not just requests). */
interface CountingServer {
  readonly port: number;
  connections: number;
  requests: number;
  close(): Promise<void>;
}

async function startCounting(): Promise<CountingServer> {
  const server: Server = createServer((request, res) => {
    state.requests += 1;
    request.resume();
    res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
  });
  const state = {
    port: 0,
    connections: 0,
    requests: 0,
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

/** Test DNS: each name resolves to the listed addresses; anything else does not resolve. */
const DNS: Record<string, string[]> = {
  'loopback.test': ['127.0.0.1'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'private.test': ['10.0.0.5'],
  'private172.test': ['172.20.1.1'],
  'private192.test': ['192.168.0.10'],
  'metadata.test': ['169.254.169.254'],
  'linklocal6.test': ['fe80::1'],
  'ula.test': ['fd00:ec2::254'],
  'zero.test': ['0.0.0.0'],
  'v6loopback.test': ['::1'],
  'mixed.test': ['93.184.216.34', '10.0.0.1'],
  localhost: ['127.0.0.1'],
};
let lookups: string[] = [];
const lookup: LookupFunction = (hostname, options, callback) => {
  lookups.push(hostname);
  const found = DNS[hostname.toLowerCase().replace(/\.$/, '')];
  if (found === undefined) {
    callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
    return;
  }
  const list: LookupAddress[] = found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  if (options.all) callback(null, list);
  else callback(null, list[0]!.address, list[0]!.family);
};

let server: CountingServer;
let transport: HttpTransport | undefined;
beforeEach(async () => {
  server = await startCounting();
  lookups = [];
});
afterEach(async () => {
  await transport?.close();
  transport = undefined;
  await server.close();
});

/** Loopback in every spelling that reaches this server, literal or by name. */
const reachesServer = (port: number): Array<[string, string]> => [
  ['loopback', `http://127.0.0.1:${port}/`],
  ['loopback, short form', `http://127.1:${port}/`],
  ['loopback, decimal', `http://2130706433:${port}/`],
  ['loopback, hex', `http://0x7f000001:${port}/`],
  ['loopback, octal', `http://0177.0.0.1:${port}/`],
  ['IPv4-mapped IPv6, dotted', `http://[::ffff:127.0.0.1]:${port}/`],
  ['IPv4-mapped IPv6, hex', `http://[::ffff:7f00:1]:${port}/`],
  ['IPv4-mapped IPv6, uncompressed', `http://[0:0:0:0:0:ffff:7f00:1]:${port}/`],
  ['unspecified 0.0.0.0 (connects to this host)', `http://0.0.0.0:${port}/`],
  ['localhost', `http://localhost:${port}/`],
  ['LOCALHOST. (case, trailing dot)', `http://LOCALHOST.:${port}/`],
  ['a name resolving to 127.0.0.1', `http://loopback.test:${port}/`],
  ['a name resolving to ::ffff:127.0.0.1', `http://mapped.test:${port}/`],
];

/** Classes that are not on this machine: never connected to, with or without the guard. */
const elsewhere = (port: number): Array<[string, string]> => [
  ['private 10/8', `http://10.1.2.3:${port}/`],
  ['private 172.16/12', `http://172.31.255.254:${port}/`],
  ['private 192.168/16', `http://192.168.1.1:${port}/`],
  ['private, decimal spelling', `http://167772161:${port}/`],
  ['private IPv6 fc00::/7', `http://[fc00::1]:${port}/`],
  ['link-local 169.254/16', `http://169.254.1.1:${port}/`],
  ['cloud metadata', `http://169.254.169.254:${port}/latest/meta-data/`],
  ['cloud metadata, hex', `http://0xa9fea9fe:${port}/`],
  ['cloud metadata, IPv4-mapped', `http://[::ffff:a9fe:a9fe]:${port}/`],
  ['AWS IPv6 metadata', `http://[fd00:ec2::254]:${port}/`],
  ['link-local IPv6 fe80::/10', `http://[fe80::1]:${port}/`],
  ['IPv6 loopback', `http://[::1]:${port}/`],
  ['IPv6 unspecified', `http://[::]:${port}/`],
  ['NAT64 of loopback', `http://[64:ff9b::7f00:1]:${port}/`],
  ['6to4 of a private address', `http://[2002:a00:1::]:${port}/`],
  ['a name resolving to 10.0.0.5', `http://private.test:${port}/`],
  ['a name resolving to 172.20.1.1', `http://private172.test:${port}/`],
  ['a name resolving to 192.168.0.10', `http://private192.test:${port}/`],
  ['a name resolving to 169.254.169.254', `http://metadata.test:${port}/`],
  ['a name resolving to fe80::1', `http://linklocal6.test:${port}/`],
  ['a name resolving to fd00:ec2::254', `http://ula.test:${port}/`],
  ['a name resolving to 0.0.0.0', `http://zero.test:${port}/`],
  ['a name resolving to ::1', `http://v6loopback.test:${port}/`],
  ['a name with one public and one private address', `http://mixed.test:${port}/`],
];

describe('with the guard on, every refused class fails with 11210 before any connection', () => {
  it.each([...reachesServer(0).map(([name]) => name), ...elsewhere(0).map(([name]) => name)])(
    '%s',
    async (name) => {
      const all = [...reachesServer(server.port), ...elsewhere(server.port)];
      const url = all.find(([n]) => n === name)![1];
      // A short connect timeout: a connection attempt would show as 11205, not 11210.
      transport = createHttpTransport({ ssrfGuard: true, lookup, connectTimeoutMs: 300 });
      for (const kind of ['fetch', 'callback'] as const) {
        const error = await transport.send(req(url, { kind })).catch((e: unknown) => e);
        expect(error).toMatchObject({
          name: 'RcmlError',
          code: 11210,
          retryable: false,
          message: expect.stringMatching(/refused by the SSRF guard: .* (address|name)/),
        });
      }
      expect(server.connections).toBe(0);
      expect(server.requests).toBe(0);
    },
  );

  it('names the class and the metadata service in the message', async () => {
    transport = createHttpTransport({ ssrfGuard: true, lookup });
    const message = (url: string) =>
      transport!.send(req(url)).then(
        () => '',
        (e: Error) => e.message,
      );
    expect(await message('http://169.254.169.254/latest/')).toContain(
      '169.254.169.254 is a link-local address (cloud metadata service)',
    );
    expect(await message('http://0x7f000001/')).toContain('127.0.0.1 is a loopback address');
    expect(await message('http://[::ffff:7f00:1]/')).toContain(
      '::ffff:7f00:1 (127.0.0.1) is a loopback address',
    );
    expect(await message('http://private.test/')).toContain(
      'private.test: 10.0.0.5 is a private (RFC 1918) address',
    );
  });

  it('refuses `localhost` by its name, without asking DNS', async () => {
    transport = createHttpTransport({ ssrfGuard: true, lookup });
    await expect(transport.send(req(`http://localhost:${server.port}/`))).rejects.toMatchObject({
      code: 11210,
    });
    await expect(transport.send(req(`http://api.localhost:${server.port}/`))).rejects.toMatchObject({
      code: 11210,
    });
    expect(lookups).toEqual([]);
  });

  it('still fetches public names (the guard refuses only what it must)', async () => {
    transport = createHttpTransport({ ssrfGuard: true, lookup, connectTimeoutMs: 300 });
    // No such name: a DNS failure (11210 "bad host name"), not a guard refusal.
    const error = (await transport.send(req('http://nowhere.test/')).catch((e: Error) => e)) as Error;
    expect(error).toMatchObject({ code: 11210, message: expect.stringContaining('ENOTFOUND') });
    expect(error.message).not.toContain('SSRF');
  });
});

describe('with the guard off (the opt-out), the same URLs are fetched', () => {
  it.each(reachesServer(0).map(([name]) => name))('%s', async (name) => {
    const url = reachesServer(server.port).find(([n]) => n === name)![1];
    transport = createHttpTransport({ lookup });
    expect((await transport.send(req(url))).status).toBe(200);
    expect((await transport.send(req(url, { kind: 'callback' }))).status).toBe(200);
    expect(server.connections).toBeGreaterThan(0);
    expect(server.requests).toBe(2);
  });

  it('an allow list of ranges and names opens exactly what it lists', async () => {
    transport = createHttpTransport({
      ssrfGuard: { allow: ['127.0.0.0/8', 'mapped.test'] },
      lookup,
      connectTimeoutMs: 300,
    });
    for (const [, url] of reachesServer(server.port).filter(([n]) => !n.startsWith('unspecified'))) {
      if (url.includes('localhost') || url.includes('LOCALHOST')) continue; // names: not in the list
      expect((await transport.send(req(url))).status).toBe(200);
    }
    await expect(transport.send(req(`http://0.0.0.0:${server.port}/`))).rejects.toMatchObject({
      code: 11210,
    });
    await expect(transport.send(req(`http://localhost:${server.port}/`))).rejects.toMatchObject({
      code: 11210,
    });
    await expect(transport.send(req(`http://metadata.test:${server.port}/`))).rejects.toMatchObject({
      code: 11210,
    });
  });

  it.each(elsewhere(0).map(([name]) => name))('%s: allowed by the policy once listed', (name) => {
    const url = elsewhere(server.port).find(([n]) => n === name)![1];
    const open = createUrlGuard({
      allow: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '169.254.0.0/16', '::/0', '0.0.0.0/8'],
    });
    const host = new URL(url).hostname.replace(/^\[|\]$/g, '');
    expect(createUrlGuard().policy.hostRefusal(host) ?? 'needs DNS').not.toBeNull();
    expect(open.check(url)).toBeNull();
    for (const address of DNS[host] ?? []) expect(open.policy.refusal(address)).toBeNull();
  });
});

describe('createUrlGuard: the check for connections made outside the transport', () => {
  const guard = createUrlGuard({ lookup, allow: ['app.test'] });

  it('check() judges the URL alone, in every spelling', () => {
    expect(guard.check('http://2130706433/')).toContain('127.0.0.1 is a loopback address');
    expect(guard.check('ws://[::ffff:a9fe:a9fe]/stream')).toContain('cloud metadata');
    expect(guard.check('wss://localhost/x')).toContain('loopback name');
    expect(guard.check('https://example.com/')).toBeNull();
    expect(guard.check('http://private.test/')).toBeNull(); // a name: only DNS can tell
    expect(guard.check('not a url')).toBeNull();
  });

  it('assert() resolves names and rejects with 11210', async () => {
    await expect(guard.assert('wss://private.test/stream')).rejects.toMatchObject({
      code: 11210,
      message: expect.stringContaining('10.0.0.5 is a private'),
    });
    await expect(guard.assert('ws://0177.0.0.1:8080/')).rejects.toMatchObject({ code: 11210 });
    await expect(guard.assert('wss://nowhere.test/')).rejects.toMatchObject({
      code: 11210,
      message: expect.stringContaining('ENOTFOUND'),
    });
    await expect(guard.assert('ftp://example.com/')).rejects.toMatchObject({ code: 11210 });
    await expect(guard.assert('https://app.test/ok')).resolves.toBeUndefined();
  });

  it('lookup refuses internal addresses for net.connect-style callers', async () => {
    const result = await new Promise<unknown>((resolve) =>
      guard.lookup('metadata.test', {}, (err, address) => resolve(err ?? address)),
    );
    expect(result).toMatchObject({ code: 'ERR_RCML_SSRF_REFUSED' });
  });

  it('createAgent() checks every connection, literal or named, over real HTTP', async () => {
    const { request } = await import('undici');
    const agent = createUrlGuard({ lookup }).createAgent({ connectTimeoutMs: 300 });
    try {
      for (const url of [`http://0x7f000001:${server.port}/`, `http://loopback.test:${server.port}/`]) {
        await expect(request(url, { dispatcher: agent })).rejects.toMatchObject({
          code: 'ERR_RCML_SSRF_REFUSED',
        });
      }
      expect(server.connections).toBe(0);
      const open = createUrlGuard({ lookup, allow: ['127.0.0.1'] }).createAgent();
      const res = await request(`http://loopback.test:${server.port}/`, { dispatcher: open });
      await res.body.dump();
      expect(res.statusCode).toBe(200);
      await open.close();
    } finally {
      await agent.close();
    }
  });
});

describe('embedded IPv4 addresses', () => {
  it.each([
    ['::ffff:7f00:1', '127.0.0.1'],
    ['::ffff:127.0.0.1', '127.0.0.1'],
    ['::ffff:0:a00:1', '10.0.0.1'],
    ['::7f00:1', '127.0.0.1'],
    ['64:ff9b::a9fe:a9fe', '169.254.169.254'],
    ['2002:c0a8:101::1', '192.168.1.1'],
    ['2001:db8::1', null],
    ['::1', null],
  ])('%s carries %s', (address, inner) => {
    expect(embeddedIPv4(address)).toBe(inner);
  });
});
