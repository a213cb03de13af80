import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import fc from 'fast-check';
import twilio from 'twilio';
import { request as rawRequest } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import {
  computeSignature,
  createHttpTransport,
  type HttpTransport,
  validateSignature,
} from '../src/index.js';
import { CALL_SID, req } from './support/request.js';
import { startServer, type TestServer } from './support/server.js';

const TOKEN = '12345';
let server: TestServer | undefined;
let transport: HttpTransport | undefined;
afterEach(async () => {
  await transport?.close();
  await server?.close();
  server = undefined;
  transport = undefined;
});

describe('computeSignature', () => {
  it('is HMAC-SHA1 over the URL then the sorted name+value pairs', () => {
    // Expected value computed independently:
    // printf '%s' '<url>CallSidCA1234567890ABCDECaller+12349013030Digits1234From+12349013030To+18005551212'
    //   | openssl dgst -sha1 -hmac 12345 -binary | base64
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = {
      To: '+18005551212',
      CallSid: 'CA1234567890ABCDE',
      Caller: '+12349013030',
      Digits: '1234',
      From: '+12349013030',
    };
    expect(computeSignature(TOKEN, url, params)).toBe('0/KCTR6DLpKmkAf8muzZqo1nDgQ=');
    expect(twilio.validateRequest(TOKEN, '0/KCTR6DLpKmkAf8muzZqo1nDgQ=', url, params)).toBe(true);
  });

  it('agrees with twilio for any parameters (property)', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), fc.string({ maxLength: 20 })),
        fc.string(),
        (params, path) => {
          const url = `https://app.test/${encodeURIComponent(path)}`;
          const ours = computeSignature(TOKEN, url, params);
          expect(ours).toBe(twilio.getExpectedTwilioSignature(TOKEN, url, params));
          expect(validateSignature(TOKEN, ours, url, params)).toBe(true);
        },
      ),
    );
  });

  it('validateSignature refuses a changed parameter, URL, token or signature', () => {
    const url = 'https://app.test/voice';
    const params = { Digits: '12', CallSid: CALL_SID };
    const good = computeSignature(TOKEN, url, params);
    expect(validateSignature(TOKEN, good, url, params)).toBe(true);
    expect(validateSignature(TOKEN, good, url, { ...params, Digits: '13' })).toBe(false);
    expect(validateSignature(TOKEN, good, `${url}?x=1`, params)).toBe(false);
    expect(validateSignature('other', good, url, params)).toBe(false);
    expect(validateSignature(TOKEN, good.slice(1), url, params)).toBe(false);
  });
});

describe('requests signed by the transport', () => {
  it('POST: twilio.validateRequest accepts the signature over URL + form parameters', async () => {
    server = await startServer();
    transport = createHttpTransport({ authToken: TOKEN });
    const params = { CallSid: CALL_SID, Digits: '1 2+3', From: '+15551234567', Name: 'Zoë' };
    const url = `${server.origin}/voice?tenant=a%20b`;
    await transport.send(req(url, { params }));
    const seen = server.seen[0]!;
    const signature = String(seen.headers['x-twilio-signature']);
    const received = Object.fromEntries(new URLSearchParams(seen.body));
    expect(twilio.validateRequest(TOKEN, signature, server.origin + seen.url, received)).toBe(true);
    expect(validateSignature(TOKEN, signature, server.origin + seen.url, received)).toBe(true);
    expect(
      twilio.validateRequest(TOKEN, signature, server.origin + seen.url, { ...received, Digits: '9' }),
    ).toBe(false);
  });

  it('a URL with credentials: basic authentication, and the signature over the URL without them', async () => {
    server = await startServer();
    transport = createHttpTransport({ authToken: TOKEN });
    const url = `http://ann:secret@127.0.0.1:${server.port}/voice`;
    await transport.send(req(url, { params: { CallSid: CALL_SID } }));
    const seen = server.seen[0]!;
    expect(seen.headers.authorization).toBe(`Basic ${Buffer.from('ann:secret').toString('base64')}`);
    const signature = String(seen.headers['x-twilio-signature']);
    expect(twilio.validateRequest(TOKEN, signature, server.origin + seen.url, { CallSid: CALL_SID })).toBe(
      true,
    );
  });

  it('GET: the signature covers the full URL with the query string', async () => {
    server = await startServer();
    transport = createHttpTransport({ authToken: TOKEN });
    await transport.send(
      req(`${server.origin}/voice?keep=1`, { method: 'GET', params: { CallSid: CALL_SID, A: 'x y' } }),
    );
    const seen = server.seen[0]!;
    const signature = String(seen.headers['x-twilio-signature']);
    expect(twilio.validateRequest(TOKEN, signature, server.origin + seen.url, {})).toBe(true);
  });
});

describe('an Express 5 application protected by twilio.webhook()', () => {
  let app: Server | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) => {
      app?.closeAllConnections();
      if (app) app.close(() => resolve());
      else resolve();
    });
    app = undefined;
  });

  async function startApp(): Promise<string> {
    const express5 = express();
    express5.use(express.urlencoded({ extended: false }));
    const protect = twilio.webhook(TOKEN, { validate: true, protocol: 'http' });
    express5.all('/voice', protect, (request, res) => {
      const digits = (request.body as Record<string, string> | undefined)?.Digits ?? request.query.Digits;
      res.type('text/xml').send(`<Response><Say>${String(digits)}</Say></Response>`);
    });
    app = createServer(express5);
    await new Promise<void>((resolve) => app!.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
  }

  it('accepts our POST and GET requests', async () => {
    const origin = await startApp();
    transport = createHttpTransport({ authToken: TOKEN });
    const post = await transport.send(
      req(`${origin}/voice`, { params: { CallSid: CALL_SID, Digits: '4 2' } }),
    );
    expect(post).toMatchObject({ status: 200, body: '<Response><Say>4 2</Say></Response>' });
    const get = await transport.send(
      req(`${origin}/voice?x=1`, { method: 'GET', params: { CallSid: CALL_SID, Digits: '7' } }),
    );
    expect(get).toMatchObject({ status: 200, body: '<Response><Say>7</Say></Response>' });
  });

  it('refuses a request signed with another token, and a tampered body', async () => {
    const origin = await startApp();
    transport = createHttpTransport({ authToken: 'not-the-token' });
    const wrongKey = await transport.send(req(`${origin}/voice`, { params: { Digits: '1' } }));
    expect(wrongKey.status).toBe(403);

    // A valid signature replayed with a changed parameter.
    const signature = computeSignature(TOKEN, `${origin}/voice`, { Digits: '1' });
    const tampered = await rawRequest(`${origin}/voice`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: 'Digits=2',
    });
    expect(tampered.statusCode).toBe(403);
    await tampered.body.dump();
    const untampered = await rawRequest(`${origin}/voice`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
      body: 'Digits=1',
    });
    expect(untampered.statusCode).toBe(200);
    await untampered.body.dump();
  });
});
