/**
 * What makes the Calls API safe to put on a network: a credential check that does the same
 * work whichever part is wrong, a per-address limit on failed authentications (429 with
 * `Retry-After`, on an injected clock, with bounded memory), and the refusal of URLs that name
 * internal addresses when a URL check is configured.
 */
import type { IncomingMessage } from 'node:http';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { authenticate } from '../src/auth.js';
import { createAuthLimiter } from '../src/authLimit.js';
import { checkRequestUrls } from '../src/urlPolicy.js';
import {
  ACCOUNT,
  AUTH,
  basic,
  call,
  callsPath,
  FORM,
  form,
  type Harness,
  NEW_CALL,
  OTHER,
  startApi,
  TOKEN,
} from './helpers.js';

let api: Harness | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('the credential check', () => {
  const tokens: Record<string, string> = { [ACCOUNT]: TOKEN, [OTHER]: 'other-token' };
  /** Runs one check, recording what was compared and which account was looked up. */
  function run(header: string, pathAccount = ACCOUNT) {
    const compared: Array<[number, number]> = [];
    const looked: string[] = [];
    const ok = authenticate(
      header,
      pathAccount,
      (sid) => {
        looked.push(sid);
        return tokens[sid];
      },
      (a, b) => {
        compared.push([a.length, b.length]);
        return a.equals(b);
      },
    );
    return { ok, compared, looked };
  }

  it.each([
    ['right account and token', basic(ACCOUNT, TOKEN), ACCOUNT, true],
    ['wrong token', basic(ACCOUNT, 'not-the-token'), ACCOUNT, false],
    ['wrong account SID, right token', basic(OTHER, TOKEN), ACCOUNT, false],
    ['both wrong', basic(`AC${'9'.repeat(32)}`, 'x'), ACCOUNT, false],
    ["another account's own credentials", basic(OTHER, 'other-token'), ACCOUNT, false],
    ['unknown account in the path', basic(`AC${'9'.repeat(32)}`, TOKEN), `AC${'9'.repeat(32)}`, false],
    ['a very long password', basic(ACCOUNT, 'p'.repeat(5000)), ACCOUNT, false],
    ['an empty user', basic('', TOKEN), ACCOUNT, false],
  ])(
    '%s: both parts compared, as 32-byte digests, one lookup by the path',
    (_name, header, path, expected) => {
      const { ok, compared, looked } = run(header, path);
      expect(ok).toBe(expected);
      expect(compared).toEqual([
        [32, 32],
        [32, 32],
      ]);
      expect(looked).toEqual([path]);
    },
  );

  it('uses timingSafeEqual by default', () => {
    expect(authenticate(AUTH, ACCOUNT, (sid) => tokens[sid])).toBe(true);
    expect(authenticate(basic(ACCOUNT, 'nope'), ACCOUNT, (sid) => tokens[sid])).toBe(false);
    expect(authenticate(undefined, ACCOUNT, (sid) => tokens[sid])).toBe(false);
    expect(
      authenticate(AUTH, ACCOUNT, () => {
        throw new Error('lookup failed');
      }),
    ).toBe(false);
  });
});

describe('the failed-authentication limiter', () => {
  it('allows a burst, then one more per refill period, with the wait in whole seconds', () => {
    let now = 0;
    const limiter = createAuthLimiter({ burst: 3, refillMs: 2_500, now: () => now });
    for (let i = 0; i < 3; i++) {
      expect(limiter.retryAfter('a')).toBe(0);
      limiter.failed('a');
    }
    expect(limiter.retryAfter('a')).toBe(3); // 2.5 s, rounded up
    now = 1_000;
    expect(limiter.retryAfter('a')).toBe(2);
    expect(limiter.retryAfter('b')).toBe(0); // per address
    now = 2_500;
    expect(limiter.retryAfter('a')).toBe(0);
    limiter.failed('a');
    expect(limiter.retryAfter('a')).toBe(3);
  });

  it('forgets an address once its budget has refilled', () => {
    let now = 0;
    const limiter = createAuthLimiter({ burst: 2, refillMs: 1_000, now: () => now });
    limiter.failed('a');
    expect(limiter.size).toBe(1);
    now = 1_000;
    expect(limiter.retryAfter('a')).toBe(0);
    expect(limiter.size).toBe(0);
  });

  it('tracks at most maxClients addresses, forgetting the oldest failure first', () => {
    let now = 0;
    const limiter = createAuthLimiter({ burst: 1, refillMs: 60_000, maxClients: 100, now: () => now });
    for (let i = 0; i < 10_000; i++) {
      now = i;
      limiter.failed(`10.0.${i >> 8}.${i & 255}`);
    }
    expect(limiter.size).toBe(100);
    expect(limiter.retryAfter('10.0.39.15')).toBeGreaterThan(0); // 9999: recent, still limited
    expect(limiter.retryAfter('10.0.0.0')).toBe(0); // forgotten
  });

  it('refuses invalid options, naming them', () => {
    expect(() => createAuthLimiter({ burst: 0 })).toThrow('authLimit.burst');
    expect(() => createAuthLimiter({ refillMs: Number.NaN })).toThrow('authLimit.refillMs');
  });
});

describe('the limit over real HTTP', () => {
  let now = 0;
  const client = (req: IncomingMessage) => String(req.headers['x-test-client'] ?? 'none');

  it('answers 429 with Retry-After past the burst, even to right credentials, per client', async () => {
    now = 0;
    api = await startApi({
      authLimit: { burst: 3, refillMs: 10_000, now: () => now },
      clientAddress: client,
    });
    const as = async (who: string, auth: string) => {
      const res = await request(`${api!.url}${callsPath()}.json`, {
        headers: { authorization: auth, 'x-test-client': who },
      });
      const text = await res.body.text();
      return {
        status: res.statusCode,
        headers: res.headers,
        body: JSON.parse(text) as Record<string, unknown>,
      };
    };
    for (let i = 0; i < 3; i++) expect((await as('attacker', basic(ACCOUNT, `guess${i}`))).status).toBe(401);
    const limited = await as('attacker', AUTH);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('10');
    expect(limited.body).toMatchObject({ code: 20429, status: 429 });
    expect(String(limited.body.message)).toContain('too many failed authentications');
    // Another address is not affected; a request with no credentials at all costs nothing.
    expect((await as('someone-else', AUTH)).status).toBe(200);
    now = 10_000;
    expect((await as('attacker', AUTH)).status).toBe(200);
    expect((await as('attacker', basic(ACCOUNT, 'again'))).status).toBe(401);
    expect((await as('attacker', AUTH)).status).toBe(429);
  });

  it('is off unless configured (the library default)', async () => {
    api = await startApi();
    for (let i = 0; i < 30; i++) {
      expect((await call(api.url, 'GET', `${callsPath()}.json`, { auth: basic(ACCOUNT, 'x') })).status).toBe(
        401,
      );
    }
  });
});

describe('URLs naming refused addresses', () => {
  const check = (url: string) =>
    /\/\/(127\.|10\.|169\.254\.|\[::1\])/.test(url) ? `${new URL(url).hostname} is internal` : null;

  it.each([
    ['Url', { ...NEW_CALL, Url: 'http://127.0.0.1/voice' }],
    ['FallbackUrl', { ...NEW_CALL, FallbackUrl: 'http://10.0.0.1/fb' }],
    ['StatusCallback', { ...NEW_CALL, StatusCallback: 'http://169.254.169.254/cb' }],
    ['RecordingStatusCallback', { ...NEW_CALL, RecordingStatusCallback: 'http://[::1]/rec' }],
  ])('a create naming one in %s is 400 naming it, and creates nothing', async (name, params) => {
    api = await startApi({ urlCheck: check });
    const res = await call(api.url, 'POST', `${callsPath()}.json`, { body: form(params), type: FORM });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({
      code: 20001,
      message: expect.stringMatching(new RegExp(`^${name}: .* is internal`)),
    });
    expect(api.engine.list({ accountSid: ACCOUNT }).calls).toHaveLength(0);
  });

  it('a change naming one is 400 and changes nothing; public URLs pass', async () => {
    api = await startApi({ urlCheck: check });
    const created = await call(api.url, 'POST', `${callsPath()}.json`, { body: form(NEW_CALL), type: FORM });
    expect(created.status).toBe(201);
    const sid = String(created.json().sid);
    const changed = await call(api.url, 'POST', `${callsPath()}/${sid}.json`, {
      body: form({ Url: 'http://10.9.9.9/next' }),
      type: FORM,
    });
    expect(changed.status).toBe(400);
    expect(changed.json()).toMatchObject({ code: 20001, message: expect.stringContaining('Url: 10.9.9.9') });
  });

  it('names Url before the others, and ignores parameters that are not URLs', () => {
    expect(() =>
      checkRequestUrls(
        { StatusCallback: 'http://10.0.0.1/', Url: 'http://127.0.0.1/', To: 'http://10.0.0.2/' },
        check,
      ),
    ).toThrow(/^Url: /);
    expect(() => checkRequestUrls({ To: 'http://10.0.0.2/', Url: '' }, check)).not.toThrow();
    expect(() => checkRequestUrls({ Url: 'http://10.0.0.1/' }, undefined)).not.toThrow();
  });
});
