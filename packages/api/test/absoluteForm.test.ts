/**
 * Requests whose target is in absolute form (`POST https://api.twilio.com/2010-04-01/…`), as a
 * client sends them through a plain HTTP proxy: twilio 3.42.1 (axios, no proxy agent of its own)
 * started with `HTTPS_PROXY=http://<rcml serve>` reaches the API this way, without a line changed.
 */
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT, AUTH, callsPath, FORM, form, type Harness, NEW_CALL, startApi } from './helpers.js';

let api: Harness;
beforeEach(async () => {
  api = await startApi();
});
afterEach(async () => {
  await api.close();
});

/** Send `method target` (the target verbatim on the request line) to the harness. */
function send(method: string, target: string, body?: string): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(api.url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: AUTH };
    if (body !== undefined) headers['content-type'] = FORM;
    const req = request({ host: hostname, port, method, path: target, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('absolute-form request targets', () => {
  it('creates a call sent to https://api.twilio.com/… as if the path had been sent', async () => {
    const created = await send('POST', `https://api.twilio.com${callsPath()}.json`, form(NEW_CALL));
    expect(created.status).toBe(201);
    expect(JSON.parse(created.text)).toMatchObject({ to: NEW_CALL.To, from: NEW_CALL.From });
    expect(api.engine.list({ accountSid: ACCOUNT }).calls).toHaveLength(1);
  });

  it('keeps the query of an absolute-form list request', async () => {
    await send('POST', `${callsPath()}.json`, form(NEW_CALL));
    const listed = await send('GET', `http://api.twilio.com:443${callsPath()}.json?To=%2B15559999999`);
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.text).calls).toEqual([]);
    const all = await send('GET', `HTTPS://api.twilio.com${callsPath()}.json?PageSize=5`);
    expect(JSON.parse(all.text).calls).toHaveLength(1);
  });

  it('answers 404 for an absolute-form target with no resource path', async () => {
    expect((await send('GET', 'https://api.twilio.com')).status).toBe(404);
    expect((await send('GET', 'https://api.twilio.com?x=1')).status).toBe(404);
  });
});
