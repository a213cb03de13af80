import type { LookupAddress } from 'node:dns';
import { RcmlError } from '@rcml/core';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport, type HttpTransport, type LookupFunction } from '../src/index.js';
import { req } from './support/request.js';
import { gate, startServer, type TestServer } from './support/server.js';

let server: TestServer | undefined;
let transport: HttpTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  server = undefined;
  transport = undefined;
});

async function failure(promise: Promise<unknown>): Promise<RcmlError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the request to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RcmlError);
  return error as RcmlError;
}

/** A lookup that answers every name with 127.0.0.1, or fails as told. */
function lookupTo(result: string | NodeJS.ErrnoException): LookupFunction {
  return (_hostname, options, callback) => {
    if (typeof result !== 'string') return callback(result, '');
    const entry: LookupAddress = { address: result, family: 4 };
    if (options.all) callback(null, [entry]);
    else callback(null, entry.address, entry.family);
  };
}

describe('connection failures are 11205 and retryable', () => {
  it('connection refused', async () => {
    const closed = await startServer();
    const origin = closed.origin;
    await closed.close();
    transport = createHttpTransport();
    const error = await failure(transport.send(req(`${origin}/doc`)));
    expect(error).toMatchObject({ code: 11205, retryable: true });
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('reset in the middle of the body', async () => {
    server = await startServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.write('<Response><Say>half');
      await new Promise((resolve) => setImmediate(resolve));
      res.socket?.resetAndDestroy();
    });
    transport = createHttpTransport();
    expect(await failure(transport.send(req(`${server.origin}/doc`)))).toMatchObject({
      code: 11205,
      retryable: true,
    });
  });

  it('closed before any response', async () => {
    server = await startServer((_req, res) => {
      res.socket?.destroy();
    });
    transport = createHttpTransport();
    expect(await failure(transport.send(req(`${server.origin}/doc`)))).toMatchObject({ code: 11205 });
  });

  it('a server that never answers: the engine aborting the signal ends the request', async () => {
    const hold = gate();
    server = await startServer(() => hold.promise);
    transport = createHttpTransport();
    const controller = new AbortController();
    const pending = failure(transport.send(req(`${server.origin}/doc`, { signal: controller.signal })));
    await server.received(1);
    controller.abort(new Error('fetch timeout'));
    const error = await pending;
    expect(error).toMatchObject({ code: 11205, retryable: true });
    expect(error.message).toContain('fetch timeout');
    hold.open();
  });

  it('a server that never answers: the headers timeout ends the request', async () => {
    const hold = gate();
    server = await startServer(() => hold.promise);
    transport = createHttpTransport({ headersTimeoutMs: 50 });
    const error = await failure(transport.send(req(`${server.origin}/doc`)));
    expect(error).toMatchObject({ code: 11205, retryable: true });
    expect(error.message).toContain('no response headers');
    hold.open();
  });

  it('a body that stalls: the body timeout ends the request', async () => {
    const hold = gate();
    server = await startServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.write('<Response>');
      await hold.promise;
    });
    transport = createHttpTransport({ bodyTimeoutMs: 50 });
    expect(await failure(transport.send(req(`${server.origin}/doc`)))).toMatchObject({ code: 11205 });
    hold.open();
  });

  it('a connection that never completes: the connect timeout ends it', async () => {
    // A lookup that never answers keeps the socket from ever connecting.
    transport = createHttpTransport({ connectTimeoutMs: 50, lookup: () => {} });
    const error = await failure(transport.send(req('http://never.test/doc')));
    expect(error).toMatchObject({ code: 11205, retryable: true });
    expect(error.message).toContain('connect timeout');
  });

  it('a reset injected through a MockAgent', async () => {
    const agent = new MockAgent();
    agent.disableNetConnect();
    agent
      .get('http://app.test')
      .intercept({ path: '/doc', method: 'POST' })
      .replyWithError(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    transport = createHttpTransport({ dispatcher: agent });
    expect(await failure(transport.send(req('http://app.test/doc')))).toMatchObject({
      code: 11205,
      retryable: true,
    });
    await agent.close();
  });
});

describe('host name failures are 11210', () => {
  it('a name that does not resolve', async () => {
    const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.test'), { code: 'ENOTFOUND' });
    transport = createHttpTransport({ lookup: lookupTo(notFound) });
    expect(await failure(transport.send(req('http://nowhere.test/doc')))).toMatchObject({
      code: 11210,
      retryable: false,
    });
  });

  it('a temporary resolver failure is retryable', async () => {
    const again = Object.assign(new Error('getaddrinfo EAI_AGAIN slow.test'), { code: 'EAI_AGAIN' });
    transport = createHttpTransport({ lookup: lookupTo(again) });
    expect(await failure(transport.send(req('http://slow.test/doc')))).toMatchObject({
      code: 11210,
      retryable: true,
    });
  });

  it('a name the lookup maps to a live server works (and the Host header keeps the name)', async () => {
    server = await startServer();
    transport = createHttpTransport({ lookup: lookupTo('127.0.0.1') });
    const answer = await transport.send(req(`http://app.test:${server.port}/doc`));
    expect(answer.status).toBe(200);
    expect(server.seen[0]!.headers.host).toBe(`app.test:${server.port}`);
  });
});

describe('closing', () => {
  it('refuses requests after close', async () => {
    transport = createHttpTransport();
    await transport.close();
    await expect(transport.send(req('http://127.0.0.1:9/doc'))).rejects.toMatchObject({ code: 11205 });
    await expect(transport.send(req('http://127.0.0.1:9/cb', { kind: 'callback' }))).rejects.toMatchObject({
      code: 14101,
    });
  });

  it('aborts requests in flight on close', async () => {
    const hold = gate();
    server = await startServer(() => hold.promise);
    transport = createHttpTransport();
    const pending = failure(transport.send(req(`${server.origin}/doc`)));
    await server.received(1);
    await transport.close();
    expect(await pending).toMatchObject({ code: 11205 });
    hold.open();
  });
});
