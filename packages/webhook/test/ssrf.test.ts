import type { LookupAddress } from 'node:dns';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport, type HttpTransport, type LookupFunction } from '../src/index.js';
import { createSsrfPolicy } from '../src/ssrf.js';
import { req } from './support/request.js';
import { startServer, type TestServer } from './support/server.js';

let server: TestServer | undefined;
let transport: HttpTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  server = undefined;
  transport = undefined;
});

/** Resolves every name to the given addresses. */
function resolveTo(...addresses: string[]): LookupFunction {
  return (_hostname, options, callback) => {
    const list: LookupAddress[] = addresses.map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
    if (options.all) callback(null, list);
    else callback(null, list[0]!.address, list[0]!.family);
  };
}

describe('the SSRF policy', () => {
  const policy = createSsrfPolicy();
  it.each([
    '127.0.0.1',
    '127.8.9.10',
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '169.254.1.1',
    '100.64.0.1',
    '0.0.0.0',
    '::',
    '::1',
    'fd00:ec2::254',
    'fc00::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:169.254.169.254',
  ])('refuses %s', (address) => {
    expect(policy.refusal(address)).toMatch(/ is a .* address/);
  });

  it.each(['8.8.8.8', '172.32.0.1', '192.169.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8'])(
    'allows %s',
    (address) => {
      expect(policy.refusal(address)).toBeNull();
    },
  );

  it('lets the allow list open addresses, ranges and host names', () => {
    const open = createSsrfPolicy({ allow: ['10.0.0.0/16', '127.0.0.1', 'Internal.Example'] });
    expect(open.refusal('10.0.9.9')).toBeNull();
    expect(open.refusal('10.1.0.1')).not.toBeNull();
    expect(open.refusal('127.0.0.1')).toBeNull();
    expect(open.refusal('127.0.0.2')).not.toBeNull();
    expect(open.isHostAllowed('internal.example')).toBe(true);
  });

  it('rejects a malformed allow entry naming it', () => {
    expect(() => createSsrfPolicy({ allow: ['10.0.0.0/40'] })).toThrow('10.0.0.0/40');
  });
});

describe('the transport with the guard', () => {
  it('is off by default: loopback is reachable', async () => {
    server = await startServer();
    transport = createHttpTransport();
    expect((await transport.send(req(`${server.origin}/doc`))).status).toBe(200);
  });

  it('refuses an internal IP address in the URL (11210) without connecting', async () => {
    server = await startServer();
    transport = createHttpTransport({ ssrfGuard: true });
    for (const url of [
      `${server.origin}/doc`,
      'http://169.254.169.254/latest/meta-data/',
      'http://[::1]:80/',
    ]) {
      await expect(transport.send(req(url))).rejects.toMatchObject({ code: 11210, retryable: false });
    }
    await expect(transport.send(req(`${server.origin}/cb`, { kind: 'callback' }))).rejects.toMatchObject({
      code: 11210,
    });
    expect(server.seen).toHaveLength(0);
  });

  it('checks the resolved address, so a public-looking name for 127.0.0.1 is refused', async () => {
    server = await startServer();
    transport = createHttpTransport({ ssrfGuard: true, lookup: resolveTo('127.0.0.1') });
    const error = await transport
      .send(req(`http://innocent.test:${server.port}/doc`))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 11210, message: expect.stringContaining('innocent.test') });
    expect(server.seen).toHaveLength(0);
  });

  it('checks names resolved by the system resolver too (localhost)', async () => {
    server = await startServer();
    transport = createHttpTransport({ ssrfGuard: true });
    await expect(transport.send(req(`http://localhost:${server.port}/doc`))).rejects.toMatchObject({
      code: 11210,
      message: expect.stringContaining('localhost'),
    });
    expect(server.seen).toHaveLength(0);
  });

  it('refuses a name when any of its addresses is internal', async () => {
    server = await startServer();
    transport = createHttpTransport({ ssrfGuard: true, lookup: resolveTo('8.8.8.8', '10.0.0.1') });
    await expect(transport.send(req(`http://mixed.test:${server.port}/doc`))).rejects.toMatchObject({
      code: 11210,
    });
  });

  it('lets allowed hosts and ranges through', async () => {
    server = await startServer();
    transport = createHttpTransport({
      ssrfGuard: { allow: ['127.0.0.0/8', 'app.test'] },
      lookup: resolveTo('127.0.0.1'),
    });
    expect((await transport.send(req(`${server.origin}/a`))).status).toBe(200);
    expect((await transport.send(req(`http://app.test:${server.port}/b`))).status).toBe(200);
    expect((await transport.send(req(`http://other.test:${server.port}/c`))).status).toBe(200);
    expect(server.seen.map((s) => s.url)).toEqual(['/a', '/b', '/c']);
  });

  it('lets an allowed host name through even when it resolves internally', async () => {
    server = await startServer();
    transport = createHttpTransport({ ssrfGuard: { allow: ['app.test'] }, lookup: resolveTo('127.0.0.1') });
    expect((await transport.send(req(`http://app.test:${server.port}/b`))).status).toBe(200);
    await expect(transport.send(req(`http://other.test:${server.port}/c`))).rejects.toMatchObject({
      code: 11210,
    });
  });
});
