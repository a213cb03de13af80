/**
 * The official `twilio` REST client, unchanged, against our server: it creates, lists with
 * paging, fetches, redirects, completes and cancels calls, and reads our JSON and errors.
 */
import twilio from 'twilio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, type Harness, startApi, TOKEN } from './helpers.js';
import { loopbackHttpClient } from './twilioHttpClient.js';

let api: Harness;
let client: ReturnType<typeof twilio>;
let http: ReturnType<typeof loopbackHttpClient>;
beforeEach(async () => {
  api = await startApi();
  http = loopbackHttpClient(api.url);
  client = twilio(ACCOUNT, TOKEN, { httpClient: http as never });
});
afterEach(async () => {
  await api.close();
});

const newCall = (to = '+15550001111') =>
  client.calls.create({
    to,
    from: '+15550002222',
    url: 'http://app.test/voice',
    statusCallback: 'http://app.test/status',
    statusCallbackEvent: ['initiated', 'answered', 'completed'],
  });

describe('the twilio REST client against our server', () => {
  it('creates a call and reads the resource', async () => {
    const call = await newCall();
    expect(http.seen[0]).toEqual({ method: 'POST', path: `/2010-04-01/Accounts/${ACCOUNT}/Calls.json` });
    expect(call.sid).toBe('CA00000000000000000000000000000001');
    expect(call.status).toBe('queued');
    expect(call.direction).toBe('outbound-api');
    expect(call.to).toBe('+15550001111');
    expect(call.accountSid).toBe(ACCOUNT);
    expect(call.dateCreated).toEqual(new Date('2026-01-01T00:00:01Z'));
    expect(call.startTime).toBeNull();
    expect(call.parentCallSid).toBeNull();
  });

  it('lists every call across pages, and pages by hand', async () => {
    for (let i = 0; i < 5; i++) await newCall(i < 2 ? '+1000' : '+2000');
    const all = await client.calls.list({ pageSize: 2 });
    expect(all.map((c) => c.sid.slice(-1))).toEqual(['5', '4', '3', '2', '1']);
    expect(http.seen.filter((r) => r.method === 'GET')).toHaveLength(3);
    const page = await client.calls.page({ pageSize: 2 });
    expect(page.instances.map((c) => c.sid.slice(-1))).toEqual(['5', '4']);
    const next = await page.nextPage();
    expect(next?.instances.map((c) => c.sid.slice(-1))).toEqual(['3', '2']);
    const filtered = await client.calls.list({ to: '+1000' });
    expect(filtered.map((c) => c.sid.slice(-1))).toEqual(['2', '1']);
    expect(await client.calls.list({ status: 'in-progress' })).toEqual([]);
  });

  it('fetches a call with its times and duration', async () => {
    const { sid } = await newCall();
    api.engine.setStatus(sid, 'in-progress');
    api.engine.setStatus(sid, 'completed');
    const call = await client.calls(sid).fetch();
    expect(call.status).toBe('completed');
    expect(call.startTime).toBeInstanceOf(Date);
    expect(call.endTime).toBeInstanceOf(Date);
    expect(call.duration).toBe('1');
  });

  it('redirects, completes and cancels calls', async () => {
    const live = await newCall();
    api.engine.setStatus(live.sid, 'in-progress');
    await client.calls(live.sid).update({ url: 'http://app.test/next', method: 'GET' });
    expect(api.engine.modifications[0]).toEqual({
      callSid: live.sid,
      params: { Url: 'http://app.test/next', Method: 'GET' },
    });
    const completed = await client.calls(live.sid).update({ status: 'completed' });
    expect(completed.status).toBe('completed');
    const queued = await newCall();
    const canceled = await client.calls(queued.sid).update({ status: 'canceled' });
    expect(canceled.status).toBe('canceled');
  });

  it('surfaces our errors as RestException with code and status', async () => {
    await expect(client.calls(`CA${'f'.repeat(32)}`).fetch()).rejects.toMatchObject({
      status: 404,
      code: 20404,
    });
    const { sid } = await newCall();
    api.engine.setStatus(sid, 'busy');
    await expect(client.calls(sid).update({ status: 'completed' })).rejects.toMatchObject({
      status: 400,
      code: 21220,
    });
    await expect(
      client.calls.create({ to: '+1', from: '+2', url: 'ftp://nope' } as never),
    ).rejects.toMatchObject({ status: 400, code: 20001, message: expect.stringContaining('Url') });
    const wrong = twilio(ACCOUNT, 'bad-token', { httpClient: http as never });
    await expect(wrong.calls.list()).rejects.toMatchObject({ status: 401, code: 20003 });
  });
});
