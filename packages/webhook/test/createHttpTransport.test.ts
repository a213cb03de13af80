import type { RcmlError } from '@rcml/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpTransport, type HttpTransport } from '../src/index.js';
import { ACCOUNT_SID, CALL_SID, req } from './support/request.js';
import { startServer, type TestServer, writable } from './support/server.js';

let server: TestServer;
let transport: HttpTransport;
afterEach(async () => {
  await transport?.close();
  await server?.close();
});

function query(url: string): Record<string, string> {
  return Object.fromEntries(new URL(url, 'http://x').searchParams);
}

describe('request encoding', () => {
  it('GET appends the parameters to the existing query, keeping it as written', async () => {
    server = await startServer();
    transport = createHttpTransport();
    await transport.send(
      req(`${server.origin}/doc?x=1&y=a%20b`, {
        method: 'GET',
        params: { CallSid: CALL_SID, Text: 'a b+c é&d=e' },
      }),
    );
    const seen = server.seen[0]!;
    expect(seen.method).toBe('GET');
    expect(seen.url.startsWith('/doc?x=1&y=a%20b&CallSid=')).toBe(true);
    expect(query(seen.url)).toEqual({ x: '1', y: 'a b', CallSid: CALL_SID, Text: 'a b+c é&d=e' });
    expect(seen.body).toBe('');
  });

  it('GET without a query gets one; a fragment is never sent', async () => {
    server = await startServer();
    transport = createHttpTransport();
    await transport.send(req(`${server.origin}/doc#frag`, { method: 'GET', params: { A: '1' } }));
    expect(server.seen[0]!.url).toBe('/doc?A=1');
  });

  it('POST sends the parameters form-encoded in UTF-8 (spaces as +, + escaped)', async () => {
    server = await startServer();
    transport = createHttpTransport();
    const params = { CallSid: CALL_SID, Text: 'a b+c', Name: 'Zoë 日本' };
    await transport.send(req(`${server.origin}/doc?keep=1`, { params }));
    const seen = server.seen[0]!;
    expect(seen.method).toBe('POST');
    expect(seen.url).toBe('/doc?keep=1');
    expect(seen.headers['content-type']).toBe('application/x-www-form-urlencoded; charset=utf-8');
    expect(seen.body).toContain('Text=a+b%2Bc');
    expect(Object.fromEntries(new URLSearchParams(seen.body))).toEqual(params);
  });

  it('sends the User-Agent, the CallSid header and extra headers', async () => {
    server = await startServer();
    transport = createHttpTransport({ userAgent: 'test-agent/1', headers: { 'X-Tenant': 'blue' } });
    await transport.send(req(`${server.origin}/doc`));
    const headers = server.seen[0]!.headers;
    expect(headers['user-agent']).toBe('test-agent/1');
    expect(headers['x-rcml-call-sid']).toBe(CALL_SID);
    expect(headers['x-tenant']).toBe('blue');
    expect(headers['x-twilio-signature']).toBeUndefined();
  });

  it('extra headers cannot replace the ones the transport sets', async () => {
    server = await startServer();
    transport = createHttpTransport({
      userAgent: 'ours/1',
      headers: { 'User-Agent': 'theirs', 'X-RCML-CALL-SID': 'forged' },
    });
    await transport.send(req(`${server.origin}/doc`));
    const raw = server.seen[0]!.headers;
    expect(raw['user-agent']).toBe('ours/1');
    expect(raw['x-rcml-call-sid']).toBe(CALL_SID);
  });

  it('uses a default User-Agent and a configurable CallSid header', async () => {
    server = await startServer();
    transport = createHttpTransport({ callSidHeader: 'X-Call' });
    await transport.send(req(`${server.origin}/doc`, { kind: 'callback' }));
    expect(server.seen[0]!.headers['user-agent']).toMatch(/^rcml-engine\//);
    expect(server.seen[0]!.headers['x-call']).toBe(CALL_SID);
  });

  it('refuses a URL that is not absolute http(s) with 11210, naming it', async () => {
    transport = createHttpTransport();
    await expect(transport.send(req('ftp://example.test/doc'))).rejects.toMatchObject({ code: 11210 });
    await expect(transport.send(req('/relative'))).rejects.toMatchObject({
      code: 11210,
      message: expect.stringContaining('/relative'),
    });
  });
});

describe('options', () => {
  it('refuses invalid numbers, naming the option', () => {
    expect(() => createHttpTransport({ maxBodyBytes: 0 })).toThrow('maxBodyBytes');
    expect(() => createHttpTransport({ callbackConcurrency: 1.5 })).toThrow('callbackConcurrency');
    expect(() => createHttpTransport({ headersTimeoutMs: Number.NaN })).toThrow('headersTimeoutMs');
  });
});

describe('answers', () => {
  it('returns a 3xx with its Location, without following it', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(302, { location: '/elsewhere' }).end();
    });
    transport = createHttpTransport();
    const answer = await transport.send(req(`${server.origin}/doc`));
    expect(answer).toMatchObject({ status: 302, location: '/elsewhere' });
    expect(server.seen).toHaveLength(1);
  });

  it('returns a 500 as an answer, with its body', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('boom');
    });
    transport = createHttpTransport();
    const answer = await transport.send(req(`${server.origin}/doc`));
    expect(answer).toEqual({ status: 500, contentType: 'text/plain', location: null, body: 'boom' });
  });

  it('passes any content type through for the engine to judge', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"a":1}');
    });
    transport = createHttpTransport();
    const answer = await transport.send(req(`${server.origin}/doc`));
    expect(answer).toMatchObject({ status: 200, contentType: 'application/json', body: '{"a":1}' });
  });

  it('decodes the body as UTF-8 even when split inside a character', async () => {
    server = await startServer(async (_req, res) => {
      const bytes = Buffer.from('<Response><Say>é日</Say></Response>');
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.write(bytes.subarray(0, 17));
      await new Promise((resolve) => setImmediate(resolve));
      res.end(bytes.subarray(17));
    });
    transport = createHttpTransport();
    expect((await transport.send(req(`${server.origin}/doc`))).body).toBe(
      '<Response><Say>é日</Say></Response>',
    );
  });

  it('does not read audio bodies', async () => {
    let finished = false;
    server = await startServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'audio/mpeg' });
      const chunk = Buffer.alloc(64 * 1024, 1);
      for (let i = 0; i < 160 && !res.destroyed; i++) {
        if (!res.write(chunk)) await writable(res);
      }
      finished = !res.destroyed;
      res.end();
    });
    transport = createHttpTransport();
    const answer = await transport.send(req(`${server.origin}/tune.mp3`, { method: 'GET' }));
    expect(answer).toEqual({ status: 200, contentType: 'audio/mpeg', location: null, body: '' });
    await server.close();
    expect(finished).toBe(false);
  });
});

describe('body cap', () => {
  it('refuses a declared Content-Length over the cap without reading it (11750)', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml', 'content-length': String(10 * 1024 * 1024) });
      res.write('<Response>');
    });
    transport = createHttpTransport();
    await expect(transport.send(req(`${server.origin}/doc`))).rejects.toMatchObject({ code: 11750 });
  });

  it('stops a chunked 10 MB body while streaming, long before the end (11750)', async () => {
    let written = 0;
    let completed = false;
    const total = 10 * 1024 * 1024;
    server = await startServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/xml' });
      const chunk = Buffer.alloc(16 * 1024, 0x20);
      while (written < total && !res.destroyed) {
        written += chunk.length;
        if (!res.write(chunk)) await writable(res);
      }
      completed = !res.destroyed;
      res.end();
    });
    transport = createHttpTransport();
    const error = (await transport.send(req(`${server.origin}/doc`)).catch((e: unknown) => e)) as RcmlError;
    expect(error.code).toBe(11750);
    expect(error.retryable).toBe(false);
    await server.close();
    expect(completed).toBe(false);
    expect(written).toBeLessThan(total);
  });

  it('accepts a body exactly at a configured cap and refuses one byte more', async () => {
    server = await startServer((req, res) => {
      const size = req.url === '/ok' ? 100 : 101;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('x'.repeat(50));
      res.end('x'.repeat(size - 50));
    });
    transport = createHttpTransport({ maxBodyBytes: 100 });
    expect((await transport.send(req(`${server.origin}/ok`))).body).toHaveLength(100);
    await expect(transport.send(req(`${server.origin}/over`))).rejects.toMatchObject({ code: 11750 });
  });
});

describe('signing', () => {
  it('signs with the token of the request account, or not at all', async () => {
    server = await startServer();
    transport = createHttpTransport({
      authToken: (account) => (account === ACCOUNT_SID ? 'secret' : undefined),
      signatureHeader: 'X-Signature',
    });
    await transport.send(req(`${server.origin}/a`));
    await transport.send(req(`${server.origin}/b`, { accountSid: 'AC1' }));
    expect(server.seen[0]!.headers['x-signature']).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(server.seen[1]!.headers['x-signature']).toBeUndefined();
  });
});
