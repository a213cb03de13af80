/**
 * `rcml serve` on a network: the SSRF guard's policy by listening address and flags, the
 * Calls API refusing URLs that name internal addresses (400), a name that resolves to one
 * refused at fetch time (11210) with no connection made, the opt-out and the allow list
 * reaching the application, and the failed-authentication limit, over real loopback HTTP.
 * (Tests listen on 127.0.0.1 only, so "not loopback" is forced with `urlGuard: true`.)
 */
import type { EngineEvent } from '@rcml/core';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type LoopbackSite, loopbackLookup, startLoopbackSite } from '../../../test/net/loopbackSite.js';
import { main } from '../src/main.js';
import { type RunningServer, type ServeOptions, startServe } from '../src/serve/startServe.js';
import {
  checkConfiguredUrls,
  isLoopbackHost,
  resolveUrlPolicy,
  urlGuardFromFlags,
} from '../src/serve/urlPolicy.js';

const ACCOUNT = `AC${'7'.repeat(32)}`;
const TOKEN = 'network-test-token';
const AUTH = `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`;

/** The application: answers every request with an empty document, counting connections. */
function startApp(): Promise<LoopbackSite> {
  return startLoopbackSite((_path, res) => {
    res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
  });
}

/** `app.test` resolves to 127.0.0.1, as a public-looking name pointing inside would. */
const lookup = loopbackLookup('app.test');

let app: LoopbackSite;
let server: RunningServer | undefined;
beforeEach(async () => {
  app = await startApp();
});
afterEach(async () => {
  await server?.stop(0);
  server = undefined;
  await app.close();
});

async function serve(options: ServeOptions): Promise<RunningServer> {
  server = await startServe({ accountSid: ACCOUNT, authToken: TOKEN, answerAfter: 0.01, lookup, ...options });
  return server;
}

async function create(params: Record<string, string>, auth = AUTH) {
  const res = await request(`${server!.url}/2012-04-24/Accounts/${ACCOUNT}/Calls.json`, {
    method: 'POST',
    headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ To: '+15550001111', From: '+15550002222', ...params }).toString(),
  });
  return {
    status: res.statusCode,
    headers: res.headers,
    body: (await res.body.json()) as Record<string, unknown>,
  };
}

/** Resolves with the call's notices once it has ended. */
function ended(sid: string): Promise<Array<{ code: number; message: string }>> {
  const engine = server!.runtime.engine;
  const notices: Array<{ code: number; message: string }> = [];
  return new Promise((resolve) => {
    const stop = engine.subscribe((event: EngineEvent) => {
      if (event.type === 'notice' && event.callSid === sid)
        notices.push({ code: event.code, message: event.message });
      if (event.type === 'status' && event.callSid === sid && event.status === 'completed') {
        stop();
        resolve(notices);
      }
    });
  });
}

describe('the policy by listening address and flags', () => {
  it.each(['127.0.0.1', '127.8.0.1', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])(
    '%s is loopback: guard off by default',
    (host) => {
      expect(isLoopbackHost(host)).toBe(true);
      expect(resolveUrlPolicy(host)).toMatchObject({
        guard: false,
        description: expect.stringContaining('off'),
      });
    },
  );

  it.each(['0.0.0.0', '::', '192.168.1.20', '10.0.0.1', 'pbx.example'])(
    '%s is not: guard on by default',
    (host) => {
      expect(isLoopbackHost(host)).toBe(false);
      expect(resolveUrlPolicy(host)).toMatchObject({
        guard: true,
        description: expect.stringContaining(`on: listening on ${host}`),
      });
    },
  );

  it('--allow-private-urls turns it off, --allow-url-host narrows it', () => {
    expect(resolveUrlPolicy('0.0.0.0', urlGuardFromFlags(true, undefined))).toMatchObject({
      guard: false,
      description: expect.stringContaining('--allow-private-urls'),
    });
    const narrowed = resolveUrlPolicy('0.0.0.0', urlGuardFromFlags(false, '10.1.0.0/16, app.internal'));
    expect(narrowed).toMatchObject({ guard: true, allow: ['10.1.0.0/16', 'app.internal'] });
    expect(narrowed.description).toContain('except 10.1.0.0/16, app.internal');
    expect(urlGuardFromFlags(false, undefined)).toBe('auto');
  });

  it('refuses contradictory or malformed flags, naming them (exit 2)', async () => {
    const run = async (...args: string[]) => {
      let stderr = '';
      const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, cwd: '.' };
      return { status: await main(['serve', ...args], io), stderr };
    };
    expect(await run('--allow-private-urls', '--allow-url-host', '10.0.0.0/8')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--allow-private-urls and --allow-url-host'),
    });
    expect(await run('--allow-url-host', '10.0.0.0/99')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--allow-url-host: "10.0.0.0/99" has an invalid prefix length'),
    });
    expect(await run('--allow-url-host', 'bad host!')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('"bad host!"'),
    });
    // The operator's own URLs are checked at startup when the guard would refuse them.
    expect(
      await run(
        '--host',
        '0.0.0.0',
        '--driver',
        'asterisk',
        '--ari-url',
        'http://127.0.0.1:1',
        '--ari-user',
        'u',
        '--ari-password',
        'p',
        '--inbound-url',
        'http://127.0.0.1:3000/voice',
      ),
    ).toMatchObject({
      status: 2,
      stderr: expect.stringContaining(
        '--inbound-url: refused by the SSRF guard: 127.0.0.1 is a loopback address',
      ),
    });
    expect(checkConfiguredUrls.length).toBe(2);
    expect(() =>
      checkConfiguredUrls(resolveUrlPolicy('0.0.0.0'), { '--inbound-status-callback': 'http://10.0.0.8/s' }),
    ).toThrow('add --allow-url-host 10.0.0.8');
    expect(() =>
      checkConfiguredUrls(resolveUrlPolicy('0.0.0.0', { allow: ['10.0.0.0/8'] }), {
        '--inbound-url': 'http://10.0.0.8/',
      }),
    ).not.toThrow();
    expect(() =>
      checkConfiguredUrls(resolveUrlPolicy('127.0.0.1'), { '--inbound-url': 'http://127.0.0.1/' }),
    ).not.toThrow();
    let help = '';
    await main(['serve', '--help'], {
      stdout: { write: (t: string) => (help += t) },
      stderr: { write: () => true },
      cwd: '.',
    } as never);
    expect(help).toContain('--allow-private-urls');
    expect(help).toContain('--allow-url-host');
  });
});

describe('rcml serve with the guard on', () => {
  it.each([
    ['Url', (p: number) => ({ Url: `http://127.0.0.1:${p}/voice` })],
    ['Url', (p: number) => ({ Url: `http://0x7f000001:${p}/voice` })],
    ['Url', (p: number) => ({ Url: `http://localhost:${p}/voice` })],
    [
      'FallbackUrl',
      (p: number) => ({ Url: 'https://app.example/v', FallbackUrl: `http://[::ffff:7f00:1]:${p}/f` }),
    ],
    [
      'StatusCallback',
      () => ({ Url: 'https://app.example/v', StatusCallback: 'http://169.254.169.254/latest' }),
    ],
  ])(
    'refuses a create naming an internal address in %s: 400, nothing created, no connection',
    async (name, params) => {
      const running = await serve({ urlGuard: true });
      expect(running.urlPolicy.guard).toBe(true);
      await expect(running.urlGuard?.assert('wss://app.test/stream')).rejects.toMatchObject({ code: 11210 });
      const res = await create(params(app.port));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 20001,
        message: expect.stringMatching(new RegExp(`^${name}: refused by the SSRF guard`)),
      });
      expect(running.runtime.engine.list({ accountSid: ACCOUNT }).calls).toHaveLength(0);
      expect(app.connections).toBe(0);
    },
  );

  it('a name resolving to an internal address fails the fetch with 11210, without connecting', async () => {
    await serve({ urlGuard: true });
    const res = await create({ Url: `http://app.test:${app.port}/voice` });
    expect(res.status).toBe(201);
    const notices = await ended(String(res.body.sid));
    expect(notices).toContainEqual({
      code: 11210,
      message: expect.stringContaining(
        'refused by the SSRF guard: app.test: 127.0.0.1 is a loopback address',
      ),
    });
    expect(app.connections).toBe(0);
  });

  it('an allow list lets exactly its hosts through', async () => {
    await serve({ urlGuard: { allow: ['app.test'] } });
    const res = await create({ Url: `http://app.test:${app.port}/voice` });
    expect(res.status).toBe(201);
    expect((await ended(String(res.body.sid))).filter((n) => n.code === 11210)).toEqual([]);
    expect(app.paths).toEqual(['/voice']);
    expect((await create({ Url: `http://127.0.0.1:${app.port}/voice` })).status).toBe(400);
  });
});

describe('rcml serve with the guard off', () => {
  it.each([
    ['on loopback by default', {}],
    ['with --allow-private-urls', { urlGuard: false }],
  ] as Array<[string, ServeOptions]>)('%s: local applications are reached', async (_name, options) => {
    const running = await serve(options);
    expect(running.urlPolicy.guard).toBe(false);
    expect(running.urlGuard).toBeNull();
    for (const url of [
      `http://127.0.0.1:${app.port}/a`,
      `http://0x7f000001:${app.port}/b`,
      `http://app.test:${app.port}/c`,
    ]) {
      const res = await create({ Url: url });
      expect(res.status).toBe(201);
      await ended(String(res.body.sid));
    }
    expect(app.paths).toEqual(['/a', '/b', '/c']);
    expect(app.connections).toBeGreaterThan(0);
  });
});

describe('rcml serve limits failed authentications', () => {
  it('answers 429 with Retry-After after 10 failures from one address', async () => {
    await serve({});
    const wrong = `Basic ${Buffer.from(`${ACCOUNT}:guess`).toString('base64')}`;
    for (let i = 0; i < 10; i++)
      expect((await create({ Url: 'https://app.example/' }, wrong)).status).toBe(401);
    const limited = await create({ Url: 'https://app.example/' }, AUTH);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('can be turned off', async () => {
    await serve({ authLimit: false });
    const wrong = `Basic ${Buffer.from(`${ACCOUNT}:guess`).toString('base64')}`;
    for (let i = 0; i < 12; i++)
      expect((await create({ Url: 'https://app.example/' }, wrong)).status).toBe(401);
  });
});
