import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createCallsApiHandler } from '../src/index.js';
import { createFakeEngine } from './fakeEngine.js';
import {
  ACCOUNT,
  basic,
  call,
  callsPath,
  FORM,
  form,
  type Harness,
  NEW_CALL,
  OTHER,
  OTHER_TOKEN,
  startApi,
  TOKEN,
} from './helpers.js';

let api: Harness;
beforeEach(async () => {
  api = await startApi({ maxBodyBytes: 4096 });
});
afterEach(async () => {
  await api.close();
});

const create = (params: Record<string, string> = NEW_CALL, path = `${callsPath()}.json`) =>
  call(api.url, 'POST', path, { body: form(params), type: FORM });

describe('creating calls', () => {
  it('creates a call from a form body and answers 201 with the snake_case resource', async () => {
    const res = await create();
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json();
    expect(body).toMatchObject({
      sid: 'CA00000000000000000000000000000001',
      parent_call_sid: null,
      account_sid: ACCOUNT,
      to: '+15550001111',
      from: '+15550002222',
      status: 'queued',
      direction: 'outbound-api',
      date_created: 'Thu, 01 Jan 2026 00:00:01 +0000',
      start_time: null,
      end_time: null,
      duration: null,
      answered_by: null,
      api_version: '2012-04-24',
      uri: `/2010-04-01/Accounts/${ACCOUNT}/Calls/CA00000000000000000000000000000001.json`,
    });
  });

  it('accepts a JSON body and joins repeated StatusCallbackEvent keys', async () => {
    const res = await call(api.url, 'POST', `${callsPath('2012-04-24')}.json`, {
      body: JSON.stringify({ ...NEW_CALL, Timeout: 30 }),
      type: 'application/json; charset=utf-8',
    });
    expect(res.status).toBe(201);
    expect(res.json().uri).toMatch(/^\/2012-04-24\//);
  });

  it('refuses a missing Url with 400 naming the parameter, and creates nothing', async () => {
    const res = await create({ To: '+1555', From: '+1666' });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ code: 20001, status: 400 });
    expect(String(res.json().message)).toContain('Url');
    expect(String(res.json().more_info)).toContain('20001');
    expect(api.engine.list().total).toBe(0);
  });

  it('refuses malformed JSON with 400', async () => {
    const res = await call(api.url, 'POST', `${callsPath()}.json`, {
      body: '{"To":',
      type: 'application/json',
    });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ code: 20001 });
    expect(String(res.json().message)).toMatch(/JSON/);
  });

  it('answers 413 for a body over the cap', async () => {
    const res = await create({ ...NEW_CALL, Padding: 'x'.repeat(5000) });
    expect(res.status).toBe(413);
    expect(res.json()).toMatchObject({ code: 20413, status: 413 });
  });

  it('answers 415 for an unsupported content type', async () => {
    const res = await call(api.url, 'POST', `${callsPath()}.json`, { body: '<x/>', type: 'text/plain' });
    expect(res.status).toBe(415);
    expect(res.json()).toMatchObject({ code: 20415, status: 415 });
    expect(String(res.json().message)).toContain('text/plain');
  });

  it('answers 429 when the engine limits are reached', async () => {
    api.engine.maxActive = 1;
    expect((await create()).status).toBe(201);
    const res = await create();
    expect(res.status).toBe(429);
    expect(res.json()).toMatchObject({ code: 20429, status: 429 });
    expect(res.headers['retry-after']).toBe('1');
  });
});

describe('authentication', () => {
  it('answers 401 with WWW-Authenticate without credentials', async () => {
    const res = await call(api.url, 'GET', `${callsPath()}.json`, { auth: null });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
    expect(res.json()).toMatchObject({ code: 20003, status: 401 });
  });

  it('answers 401 for a wrong token, and for a valid token of another account', async () => {
    expect((await call(api.url, 'GET', `${callsPath()}.json`, { auth: basic(ACCOUNT, 'nope') })).status).toBe(
      401,
    );
    expect(
      (await call(api.url, 'GET', `${callsPath()}.json`, { auth: basic(OTHER, OTHER_TOKEN) })).status,
    ).toBe(401);
    expect((await call(api.url, 'GET', `${callsPath()}.json`, { auth: 'Basic !!!' })).status).toBe(401);
    expect(
      (await call(api.url, 'GET', `${callsPath()}.json`, { auth: basic('ACunknown', TOKEN) })).status,
    ).toBe(401);
  });

  it("hides another account's calls: 404 on fetch and modify, absent from the list", async () => {
    const sid = String((await create()).json().sid);
    const other = { auth: basic(OTHER, OTHER_TOKEN) };
    const fetched = await call(api.url, 'GET', `${callsPath('2010-04-01', OTHER)}/${sid}.json`, other);
    expect(fetched.status).toBe(404);
    expect(fetched.json()).toMatchObject({ code: 20404 });
    const modified = await call(api.url, 'POST', `${callsPath('2010-04-01', OTHER)}/${sid}.json`, {
      ...other,
      body: form({ Status: 'completed' }),
      type: FORM,
    });
    expect(modified.status).toBe(404);
    expect(api.engine.modifications).toHaveLength(0);
    const listed = await call(api.url, 'GET', `${callsPath('2010-04-01', OTHER)}.json`, other);
    expect(listed.json().calls).toEqual([]);
  });
});

describe('reading calls', () => {
  it('fetches one call and answers 404 for an unknown one', async () => {
    const sid = String((await create()).json().sid);
    const res = await call(api.url, 'GET', `${callsPath()}/${sid}.json`);
    expect(res.status).toBe(200);
    expect(res.json().sid).toBe(sid);
    const missing = await call(api.url, 'GET', `${callsPath()}/CA${'f'.repeat(32)}.json`);
    expect(missing.status).toBe(404);
    expect(String(missing.json().message)).toContain(`CA${'f'.repeat(32)}`);
  });

  it('lists newest first with filters and a paging envelope', async () => {
    for (let i = 0; i < 5; i++) await create({ ...NEW_CALL, To: i % 2 === 0 ? '+1000' : '+2000' });
    const first = await call(api.url, 'GET', `${callsPath()}.json?PageSize=2`);
    expect(first.status).toBe(200);
    const body = first.json();
    expect(body).toMatchObject({ page: 0, page_size: 2, start: 0, end: 1, previous_page_uri: null });
    expect((body.calls as { sid: string }[]).map((c) => c.sid.slice(-1))).toEqual(['5', '4']);
    expect(body.first_page_uri).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Calls.json?PageSize=2&Page=0`);
    expect(body.next_page_uri).toBe(`/2010-04-01/Accounts/${ACCOUNT}/Calls.json?PageSize=2&Page=1`);
    const last = (await call(api.url, 'GET', `${callsPath()}.json?PageSize=2&Page=2`)).json();
    expect(last).toMatchObject({ page: 2, start: 4, end: 4, next_page_uri: null });
    expect(last.previous_page_uri).toContain('Page=1');
    const filtered = (await call(api.url, 'GET', `${callsPath()}.json?To=%2B1000&Status=queued`)).json();
    expect((filtered.calls as unknown[]).length).toBe(3);
    expect(filtered.uri).toContain('To=%2B1000');
  });

  it('refuses a bad PageSize or Status with 400 naming it', async () => {
    const big = await call(api.url, 'GET', `${callsPath()}.json?PageSize=1001`);
    expect(big.status).toBe(400);
    expect(String(big.json().message)).toContain('PageSize');
    const status = await call(api.url, 'GET', `${callsPath()}.json?Status=dancing`);
    expect(status.status).toBe(400);
    expect(String(status.json().message)).toContain('Status');
  });

  it('answers XML without a suffix, and JSON when Accept prefers it', async () => {
    await create();
    const xml = await call(api.url, 'GET', callsPath());
    expect(xml.headers['content-type']).toMatch(/^application\/xml/);
    expect(xml.text).toContain('<TwilioResponse><Calls page="0" pagesize="50"');
    expect(xml.text).toContain('<Sid>CA00000000000000000000000000000001</Sid><ParentCallSid/>');
    const json = await call(api.url, 'GET', callsPath(), { accept: 'application/json' });
    expect(json.headers['content-type']).toMatch(/^application\/json/);
    expect(json.json().calls).toHaveLength(1);
    const error = await call(api.url, 'GET', `${callsPath()}/CAnope`);
    expect(error.status).toBe(404);
    expect(error.text).toContain('<RestException><Code>20404</Code>');
    expect(error.text).toContain('<Status>404</Status>');
  });
});

describe('changing calls', () => {
  it('redirects a live call and completes it', async () => {
    const sid = String((await create()).json().sid);
    api.engine.setStatus(sid, 'in-progress');
    const path = `${callsPath()}/${sid}.json`;
    const redirect = await call(api.url, 'POST', path, {
      body: form({ Url: 'http://app.test/next' }),
      type: FORM,
    });
    expect(redirect.status).toBe(200);
    expect(api.engine.modifications[0]?.params.Url).toBe('http://app.test/next');
    const done = await call(api.url, 'POST', path, { body: form({ Status: 'completed' }), type: FORM });
    expect(done.json()).toMatchObject({ status: 'completed' });
  });

  it('answers 409 for Url and Status together', async () => {
    const sid = String((await create()).json().sid);
    const res = await call(api.url, 'POST', `${callsPath()}/${sid}.json`, {
      body: form({ Url: 'http://app.test/x', Status: 'completed' }),
      type: FORM,
    });
    expect(res.status).toBe(409);
    expect(res.json()).toMatchObject({ code: 20409, status: 409 });
  });

  it('answers 400 with 21220 for changing an ended call', async () => {
    const sid = String((await create()).json().sid);
    api.engine.setStatus(sid, 'busy');
    const res = await call(api.url, 'POST', `${callsPath()}/${sid}.json`, {
      body: form({ Status: 'completed' }),
      type: FORM,
    });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ code: 21220, status: 400 });
  });
});

describe('routing', () => {
  it('answers 405 with Allow for other methods', async () => {
    const res = await call(api.url, 'DELETE', `${callsPath()}.json`);
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('GET, POST');
    expect(res.json()).toMatchObject({ code: 20004, status: 405 });
  });

  it('answers 404 for unknown paths and versions', async () => {
    for (const path of [
      '/',
      '/2011-01-01/Accounts/AC1/Calls.json',
      `${callsPath()}/a/b.json`,
      '/%E0%A4%A.json',
    ]) {
      const res = await call(api.url, 'GET', path, { accept: 'application/json' });
      expect(res.status, path).toBe(404);
      expect(res.json().code).toBe(20404);
    }
  });

  it('works as express middleware mounted under the path of baseUrl', async () => {
    const app = express();
    app.use(
      '/telephony',
      createCallsApiHandler({
        engine: createFakeEngine(),
        accounts: (sid) => (sid === ACCOUNT ? TOKEN : undefined),
        baseUrl: '/telephony',
      }),
    );
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const res = await call(url, 'POST', `/telephony${callsPath()}.json`, {
        body: form(NEW_CALL),
        type: FORM,
      });
      expect(res.status).toBe(201);
      expect(res.json().uri).toMatch(/^\/telephony\/2010-04-01\/Accounts\//);
      const listed = await call(url, 'GET', `/telephony${callsPath()}.json`);
      expect(listed.json().first_page_uri).toMatch(/^\/telephony\//);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('serves under the path of baseUrl and writes it into URIs', async () => {
    const mounted = await startApi({ baseUrl: 'http://pbx.example/telephony/' });
    try {
      const res = await call(mounted.url, 'POST', `/telephony${callsPath()}.json`, {
        body: form(NEW_CALL),
        type: FORM,
      });
      expect(res.status).toBe(201);
      expect(res.json().uri).toMatch(/^\/telephony\/2010-04-01\/Accounts\//);
      expect((await call(mounted.url, 'GET', `${callsPath()}.json`)).status).toBe(404);
    } finally {
      await mounted.close();
    }
  });
});
