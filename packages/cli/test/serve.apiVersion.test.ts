/**
 * A call speaks the API version it was created through: created under `/2010-04-01/` (the
 * path the official `twilio` client uses), its requests carry `ApiVersion=2010-04-01` and
 * its representation `api_version: "2010-04-01"`; under `/2012-04-24/`, `2012-04-24`.
 * Real engine, simulated driver, real HTTP (rcml serve in-process).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServe } from '../src/serve/startServe.js';

const ACCOUNT = `AC${'3'.repeat(32)}`;
const TOKEN = 'api-version-token';

const stops: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const stop of stops.splice(0).reverse()) await stop();
});

/** An app that hangs up every call and keeps the parameters of every request, by path. */
async function startApp() {
  const seen: { path: string; params: Record<string, string> }[] = [];
  let statusArrived: () => void = () => {};
  /** Resolves when the completed callback (the call's last request) has arrived. */
  const completed = new Promise<void>((resolve) => {
    statusArrived = resolve;
  });
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', params: Object.fromEntries(new URLSearchParams(body)) });
      if (req.url === '/status') statusArrived();
      res.writeHead(200, { 'content-type': 'text/xml' });
      res.end('<Response><Hangup/></Response>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stops.push(
    () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(resolve);
      }),
  );
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, completed };
}

async function serve(): Promise<RunningServer> {
  const server = await startServe({ accountSid: ACCOUNT, authToken: TOKEN, answerAfter: 0.05 });
  stops.push(() => server.stop(1000));
  return server;
}

describe('ApiVersion follows the route a call was created through', () => {
  it('the twilio client (/2010-04-01/): ApiVersion=2010-04-01 on every request, api_version 2010-04-01', async () => {
    const server = await serve();
    const app = await startApp();
    const client = twilio(ACCOUNT, TOKEN);
    client.api.baseUrl = server.url;
    const call = await client.calls.create({
      to: '+15550001111',
      from: '+15550002222',
      url: `${app.url}/voice`,
      statusCallback: `${app.url}/status`,
    });
    expect(call.apiVersion).toBe('2010-04-01');
    await app.completed;
    expect(app.seen.map((r) => [r.path, r.params.ApiVersion])).toEqual([
      ['/voice', '2010-04-01'],
      ['/status', '2010-04-01'],
    ]);
    expect((await client.calls(call.sid).fetch()).apiVersion).toBe('2010-04-01');
    // The call keeps its version whichever path reads it.
    const auth = `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`;
    const res = await request(`${server.url}/2012-04-24/Accounts/${ACCOUNT}/Calls/${call.sid}.json`, {
      headers: { authorization: auth },
    });
    expect(((await res.body.json()) as { api_version: string }).api_version).toBe('2010-04-01');
  });

  it('/2012-04-24/: ApiVersion=2012-04-24 and api_version 2012-04-24', async () => {
    const server = await serve();
    const app = await startApp();
    const auth = `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`;
    const res = await request(`${server.url}/2012-04-24/Accounts/${ACCOUNT}/Calls.json`, {
      method: 'POST',
      headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        To: '+15550001111',
        From: '+15550002222',
        Url: `${app.url}/voice`,
        StatusCallback: `${app.url}/status`,
      }).toString(),
    });
    expect(res.statusCode).toBe(201);
    const created = (await res.body.json()) as { sid: string; api_version: string };
    expect(created.api_version).toBe('2012-04-24');
    await app.completed;
    expect(app.seen.map((r) => [r.path, r.params.ApiVersion])).toEqual([
      ['/voice', '2012-04-24'],
      ['/status', '2012-04-24'],
    ]);
  });
});
