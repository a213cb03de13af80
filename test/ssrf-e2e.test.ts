/**
 * The SSRF guard through the whole engine, over real loopback HTTP: an allowed application
 * (reached by a name the guard lets through) answers with an HTTP redirect, a `<Redirect>`,
 * a `FallbackUrl` or a `StatusCallback` pointing at an internal address. With the guard on,
 * each of those hops fails with notice 11210 (or 14102 for the callback) and the internal
 * server sees no connection; with the guard off, it receives the request.
 */
import { createEngine, type EngineEvent, systemClock } from '@rcml/core';
import { createSimulatedDriver } from '@rcml/driver';
import { createHttpTransport } from '@rcml/webhook';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LoopbackSite, loopbackLookup, startLoopbackSite } from './net/loopbackSite.js';

/** `app.test` is the application (allowed by name); it resolves to 127.0.0.1. */
const lookup = loopbackLookup('app.test');

let app: LoopbackSite;
let internal: LoopbackSite;
beforeEach(async () => {
  internal = await startLoopbackSite((_path, res) =>
    res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>'),
  );
  // The internal target is spelled in hex, so only the guard's literal check can see it.
  const inside = `http://0x7f000001:${internal.port}`;
  app = await startLoopbackSite((path, res) => {
    if (path === '/http-redirect') res.writeHead(302, { location: `${inside}/hop` }).end();
    else if (path === '/verb-redirect') {
      res
        .writeHead(200, { 'content-type': 'text/xml' })
        .end(`<Response><Redirect>${inside}/verb</Redirect></Response>`);
    } else if (path === '/fail') res.writeHead(500).end();
    else res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
  });
});
afterEach(async () => {
  await app.close();
  await internal.close();
});

/** Run one outbound call to completion; the events it produced. */
async function runCall(guard: boolean, params: Record<string, string>): Promise<EngineEvent[]> {
  const driver = createSimulatedDriver({ clock: systemClock, autoAnswerAfter: 0.01 });
  const http = createHttpTransport({
    lookup,
    connectTimeoutMs: 500,
    ...(guard ? { ssrfGuard: { allow: ['app.test'] } } : {}),
  });
  const engine = createEngine({ driver, http, fetchTimeoutMs: 5_000, callbackRetry: { delaysMs: [] } });
  const events: EngineEvent[] = [];
  engine.subscribe((event) => events.push(event));
  try {
    const call = engine.create({ To: '+15550001111', From: '+15550002222', ...params });
    await new Promise<void>((resolve) => {
      const check = () => {
        if (events.some((e) => e.type === 'status' && e.callSid === call.sid && e.status === 'completed'))
          resolve();
      };
      engine.subscribe(check);
      check();
    });
    await engine.shutdown({ mode: 'hangup', deadlineMs: 2_000 });
    await http.drain(2_000);
    return events;
  } finally {
    await http.close();
  }
}

const notices = (events: EngineEvent[]) =>
  events.flatMap((e) => (e.type === 'notice' ? [{ code: e.code, message: e.message }] : []));

const cases: Array<[string, (appUrl: string, inside: string) => Record<string, string>, string]> = [
  ['an HTTP redirect hop', (a) => ({ Url: `${a}/http-redirect` }), '/hop'],
  ['a <Redirect> verb', (a) => ({ Url: `${a}/verb-redirect` }), '/verb'],
  ['the FallbackUrl', (a, i) => ({ Url: `${a}/fail`, FallbackUrl: `${i}/fallback` }), '/fallback'],
];

describe('the engine with the guard on', () => {
  it.each(cases)('%s into an internal address: 11210, no connection', async (_name, params) => {
    const inside = `http://0x7f000001:${internal.port}`;
    const events = await runCall(true, params(`http://app.test:${app.port}`, inside));
    expect(notices(events)).toContainEqual({
      code: 11210,
      message: expect.stringContaining('refused by the SSRF guard: 127.0.0.1 is a loopback address'),
    });
    expect(app.paths.length).toBeGreaterThan(0);
    expect(internal.connections).toBe(0);
  });

  it('a StatusCallback to an internal address: not delivered (14102), no connection', async () => {
    const inside = `http://[::ffff:7f00:1]:${internal.port}`;
    const events = await runCall(true, {
      Url: `http://app.test:${app.port}/doc`,
      StatusCallback: `${inside}/status`,
    });
    expect(notices(events)).toContainEqual({
      code: 14102,
      message: expect.stringContaining('refused by the SSRF guard'),
    });
    expect(app.paths).toEqual(['/doc']);
    expect(internal.connections).toBe(0);
  });
});

describe('the engine with the guard off', () => {
  it.each(cases)('%s reaches the internal server', async (_name, params, path) => {
    const inside = `http://0x7f000001:${internal.port}`;
    const events = await runCall(false, params(`http://app.test:${app.port}`, inside));
    expect(notices(events).filter((n) => n.code === 11210)).toEqual([]);
    expect(internal.paths).toContain(path);
  });
});
