/**
 * `rcml serve`: the Calls API over the real engine, the simulated driver and real HTTP,
 * driven by the official twilio client; and the command itself as a process that prints its
 * credentials and stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExampleApp, type ExampleApp } from '@rcml/example-app';
import twilio from 'twilio';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackHttpClient } from '../../api/test/twilioHttpClient.js';
import { main } from '../src/main.js';
import { type RunningServer, startServe } from '../src/serve/startServe.js';

const ACCOUNT = `AC${'1'.repeat(32)}`;
const TOKEN = 'serve-test-token';

let app: ExampleApp;
beforeAll(async () => {
  app = await createExampleApp();
});
afterAll(async () => {
  await app.close();
});

/** Resolve once `predicate` holds for the engine's call, checking on every engine event. */
function until(server: RunningServer, sid: string, predicate: (status: string) => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      const call = server.runtime.engine.get(sid);
      if (call !== undefined && predicate(call.status)) {
        stop();
        resolve();
      }
    };
    const stop = server.runtime.engine.subscribe(check);
    check();
  });
}

describe('rcml serve with the twilio client', () => {
  it('creates a real call, lists it, redirects it live, completes it, and drains on stop', async () => {
    const server = await startServe({ accountSid: ACCOUNT, authToken: TOKEN, answerAfter: 0.05 });
    try {
      const client = twilio(ACCOUNT, TOKEN, { httpClient: loopbackHttpClient(server.url) as never });
      const created = await client.calls.create({
        to: '+15550001111',
        from: '+15550002222',
        url: `${app.url}/voice`,
        statusCallback: `${app.url}/status`,
        statusCallbackEvent: ['initiated', 'answered', 'completed'],
      });
      expect(created.status).toBe('queued');
      await until(server, created.sid, (s) => s === 'in-progress');
      const listed = await client.calls.list({ status: 'in-progress' });
      expect(listed.map((c) => c.sid)).toEqual([created.sid]);
      const fetched = await client.calls(created.sid).fetch();
      expect(fetched.startTime).toBeInstanceOf(Date);

      // Redirect: the app is asked for /menu with the current CallStatus, as if 2 was pressed.
      await client.calls(created.sid).update({ url: `${app.url}/menu?Digits=9`, method: 'GET' });
      const redirected = () => app.received.some((r) => r.path === '/menu' && r.params.Digits === '9');
      await new Promise<void>((resolve) => {
        const stop = server.runtime.log.listen(() => {
          if (redirected()) {
            stop();
            resolve();
          }
        });
        if (redirected()) resolve();
      });
      const completed = await client.calls(created.sid).update({ status: 'completed' });
      expect(completed.status).toBe('completed');
      await expect(client.calls(created.sid).update({ status: 'completed' })).rejects.toMatchObject({
        status: 400,
        code: 21220,
      });

      // A call still ringing is canceled.
      const ringing = await client.calls.create({
        to: '+15550003333',
        from: '+1555',
        url: `${app.url}/voice`,
      });
      const canceled = await client.calls(ringing.sid).update({ status: 'canceled' });
      expect(canceled.status).toBe('canceled');
    } finally {
      await server.stop(2000);
    }
    const callbacks = app.received.filter((r) => r.path === '/status').map((r) => r.params.CallStatus);
    expect(callbacks).toEqual(['initiated', 'in-progress', 'completed']);
  });

  it('plays a --script party against every outbound call', async () => {
    const server = await startServe({
      accountSid: ACCOUNT,
      authToken: TOKEN,
      script: { party: [{ at: 0.05, do: 'busy' }] },
    });
    try {
      const client = twilio(ACCOUNT, TOKEN, { httpClient: loopbackHttpClient(server.url) as never });
      for (const to of ['+1001', '+1002']) {
        const call = await client.calls.create({ to, from: '+1555', url: `${app.url}/voice` });
        await until(server, call.sid, (s) => s === 'busy');
      }
      expect((await client.calls.list({ status: 'busy' })).length).toBe(2);
    } finally {
      await server.stop(1000);
    }
  });
});

describe('rcml serve usage errors', () => {
  const run = async (...args: string[]) => {
    let stderr = '';
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, cwd: '.' };
    return { status: await main(['serve', ...args], io), stderr };
  };

  it('names the option or the script field at fault and exits 2', async () => {
    expect(await run('--port', 'abc')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--port'),
    });
    expect(await run('--driver', 'pbx')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--driver'),
    });
    expect(await run('--account-sid', 'XX1')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--account-sid'),
    });
    expect(await run('--bogus')).toMatchObject({ status: 2, stderr: expect.stringContaining('--bogus') });
    const dir = await mkdtemp(join(tmpdir(), 'rcml-serve-'));
    try {
      const file = join(dir, 'script.json');
      await writeFile(file, JSON.stringify({ party: [{ at: 1, do: 'dance' }] }));
      const bad = await run('--script', file);
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain('party[0].do');
      expect((await run('--script', join(dir, 'missing.json'))).stderr).toContain('cannot read the script');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reports --driver asterisk without its ARI flags', async () => {
    const res = await run('--driver', 'asterisk');
    expect(res.status).toBe(2);
    expect(res.stderr).toMatch(/--ari-url|not available/);
  });
});

describe('the API over the real engine: its errors', () => {
  it('maps the engine errors to HTTP statuses and codes that name the parameter', async () => {
    const server = await startServe({
      accountSid: ACCOUNT,
      authToken: TOKEN,
      answerAfter: 0.05,
      limits: { maxConcurrentCalls: 1 },
    });
    const auth = `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`;
    const post = async (path: string, params: Record<string, string>) => {
      const res = await request(`${server.url}/2012-04-24/Accounts/${ACCOUNT}/Calls${path}.json`, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(params).toString(),
      });
      return { status: res.statusCode, body: (await res.body.json()) as Record<string, unknown> };
    };
    try {
      const bad = await post('', { To: '+1', From: '+2', Url: 'ftp://x', Timeout: '30' });
      expect(bad.status).toBe(400);
      expect(bad.body).toMatchObject({ code: 20001, status: 400 });
      expect(String(bad.body.message)).toContain('Url');
      const timeout = await post('', { To: '+1', From: '+2', Url: `${app.url}/voice`, Timeout: '601' });
      expect(timeout.status).toBe(400);
      expect(String(timeout.body.message)).toContain('Timeout');

      const first = await post('', { To: '+1', From: '+2', Url: `${app.url}/voice` });
      expect(first.status).toBe(201);
      const limited = await post('', { To: '+1', From: '+2', Url: `${app.url}/voice` });
      expect(limited).toMatchObject({ status: 429, body: { code: 20429 } });

      const sid = String(first.body.sid);
      const both = await post(`/${sid}`, { Url: `${app.url}/voice`, Status: 'completed' });
      expect(both).toMatchObject({ status: 409, body: { code: 20409 } });
      expect((await post(`/${sid}`, { Status: 'completed' })).body.status).toMatch(/^(completed|canceled)$/);
      const again = await post(`/${sid}`, { Status: 'completed' });
      expect(again).toMatchObject({ status: 400, body: { code: 21220 } });
      const missing = await post(`/CA${'0'.repeat(32)}`, { Status: 'completed' });
      expect(missing).toMatchObject({ status: 404, body: { code: 20404 } });
    } finally {
      await server.stop(0);
    }
  });
});

const bin = join(import.meta.dirname, '..', 'dist', 'bin.js');

const built = existsSync(bin);
describe.skipIf(!built)(
  built
    ? 'rcml serve as a process'
    : 'rcml serve as a process: skipped because packages/cli/dist is not built',
  () => {
    it('prints the URL and credentials, serves, and exits 0 on SIGTERM after draining', async () => {
      const child = spawn(process.execPath, [
        bin,
        'serve',
        '--port',
        '0',
        '--account-sid',
        ACCOUNT,
        '--auth-token',
        TOKEN,
        '--drain-seconds',
        '0.3',
      ]);
      let output = '';
      child.stderr.on('data', (chunk) => (output += chunk));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk) => {
          output += chunk;
          const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
          if (match?.[1] !== undefined && output.includes('AuthToken')) resolve(match[1]);
        });
        child.on('exit', () => reject(new Error(`serve exited early:\n${output}`)));
      });
      expect(output).toContain(`AccountSid  ${ACCOUNT}`);
      expect(output).toContain(`AuthToken   ${TOKEN}`);
      const res = await request(`${url}/2012-04-24/Accounts/${ACCOUNT}/Calls.json`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          To: '+1',
          From: '+2',
          Url: `${app.url}/voice`,
          StatusCallback: `${app.url}/status`,
        }).toString(),
      });
      expect(res.statusCode).toBe(201);
      const { sid } = (await res.body.json()) as { sid: string };
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).toContain('SIGTERM: stopping');
      expect(output).toContain('stopped');
      // The call was ended by the shutdown and its completed callback delivered before exit.
      expect(app.received.some((r) => r.path === '/status' && r.params.CallSid === sid)).toBe(true);
    });
  },
);
