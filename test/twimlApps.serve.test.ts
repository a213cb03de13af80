/**
 * TwiML applications, unchanged, through `rcml serve` and the official `twilio` REST client:
 * each application (test/apps/) is an Express app with signature validation on; the call is
 * created with `client.calls.create` against the server, the people on the phone answer each
 * `<Gather>` as it starts, and the call must reach the application's last route and end with
 * the expected status. The click-to-call app places its call itself, through its own client
 * pointed at a real `rcml serve` process.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFinalStatus } from '@rcml/core';
import twilio from 'twilio';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningServer, startServe } from '../packages/cli/src/serve/startServe.js';
import { createClickToCallApp } from './apps/clickToCall.js';
import { type FarEndPlan, playFarEnds } from './apps/farEnd.js';
import { type RunningApp, runApp, type SeenRequest } from './apps/harness.js';
import { createIvrApp } from './apps/ivr.js';
import { AGENT_NUMBER, createScreeningApp } from './apps/screening.js';
import { createSpeechApp } from './apps/speech.js';

const ACCOUNT = `AC${'7'.repeat(32)}`;
const TOKEN = 'twiml-apps-serve-token';
const CUSTOMER = '+15550001000';
const COMPANY = '+15550002000';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

async function serve(options: Parameters<typeof startServe>[0] = {}): Promise<RunningServer> {
  const server = await startServe({
    accountSid: ACCOUNT,
    authToken: TOKEN,
    answerAfter: 0.05,
    script: { media: { sayCharSeconds: 0.001 } },
    ...options,
  });
  cleanup.push(() => server.stop(1000));
  return server;
}

async function start(app: Parameters<typeof runApp>[0]): Promise<RunningApp> {
  const running = await runApp(app);
  cleanup.push(() => running.close());
  return running;
}

/** The client as an application sets it up, pointed at the server. */
function clientFor(server: RunningServer) {
  const client = twilio(ACCOUNT, TOKEN);
  client.api.baseUrl = server.url;
  return client;
}

/** Resolve with the call's final status, checking on every engine event (at most 20 s). */
function finalStatus(server: RunningServer, sid: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`call ${sid} still ${server.runtime.engine.get(sid)?.status} after 20 s`));
    }, 20_000);
    const check = () => {
      const status = server.runtime.engine.get(sid)?.status;
      if (status !== undefined && isFinalStatus(status)) {
        clearTimeout(timer);
        stop();
        resolve(status);
      }
    };
    const stop = server.runtime.engine.subscribe(check);
    check();
  });
}

/** Place a call to `app` through the REST client, play the far ends, wait for its end. */
async function callThrough(server: RunningServer, app: RunningApp, plan: FarEndPlan) {
  const stopPlaying = playFarEnds(server, plan);
  cleanup.push(async () => stopPlaying());
  const call = await clientFor(server).calls.create({
    to: CUSTOMER,
    from: COMPANY,
    url: `${app.url}/voice`,
    statusCallback: `${app.url}/status`,
    statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
  });
  expect(call.status).toBe('queued');
  const status = await finalStatus(server, call.sid);
  // The completed callback is the last request of the call.
  await app.waitFor('the completed callback', (r) => r.path === '/status' && r.params.CallStatus === status);
  return { sid: call.sid, status };
}

/** Every request the app answered carried a valid signature (twilio.webhook() let it through). */
function expectAllSigned(app: RunningApp): void {
  const refused = app.seen.filter((r) => !r.signed || r.status >= 400);
  expect(refused.map((r) => `${r.path} → ${r.status}`)).toEqual([]);
}

/** The documents the app answered were sent as Express sends a string: text/html. */
function expectHtmlDocuments(app: RunningApp): void {
  const documents = app.seen.filter((r) => r.path !== '/status');
  expect(documents.length).toBeGreaterThan(0);
  for (const r of documents) expect(r.contentType).toMatch(/^text\/html/);
}

const saidOn = (server: RunningServer) =>
  server.runtime.log.entries.flatMap((e) =>
    e.kind === 'media' && e.op === 'say' ? [String(e.detail.text ?? '')] : [],
  );

/** The notices (warnings and errors) of every call the server ran, as `code message`. */
const noticesOf = (server: RunningServer) =>
  server.runtime.log.entries.flatMap((e) => (e.kind === 'notice' ? [`${e.code} ${e.message}`] : []));

const route = (app: RunningApp, path: string): SeenRequest[] => app.seen.filter((r) => r.path === path);

/**
 * When a `<Dial>` leg is bridged with the caller (the log's `bridge` operation), its far end
 * hangs up; resolves with the number of the leg it hung up.
 */
function hangUpOnceBridged(server: RunningServer): Promise<string> {
  return new Promise((resolve) => {
    const stop = server.runtime.log.listen((entry) => {
      if (entry.kind !== 'media' || entry.op !== 'bridge') return;
      const leg = server.runtime.simulated?.calls.find((c) => c.callSid === entry.detail.callSid);
      if (leg === undefined) return;
      stop();
      // After the engine's bridge step has run to its end.
      setImmediate(() => void leg.farEnd.hangup());
      resolve(leg.to);
    });
  });
}

describe('TwiML applications through rcml serve and the twilio REST client', () => {
  it('IVR menu: a wrong key, then hours, then a key that ends the call', async () => {
    const server = await serve();
    const app = await start(createIvrApp(TOKEN));
    const { sid, status } = await callThrough(server, app, {
      outbound: [{ keys: '9' }, { keys: '2' }, { keys: '3' }],
    });
    expect(status).toBe('completed');
    expect(app.paths().filter((p) => p !== '/status')).toEqual([
      '/voice',
      '/menu',
      '/voice',
      '/menu',
      '/hours',
      '/hours',
    ]);
    expect(route(app, '/menu').map((r) => r.params.Digits)).toEqual(['9', '2']);
    const voice = route(app, '/voice')[0]!;
    expect(voice.params).toMatchObject({
      CallSid: sid,
      AccountSid: ACCOUNT,
      From: COMPANY,
      To: CUSTOMER,
      Caller: COMPANY,
      Called: CUSTOMER,
      Direction: 'outbound-api',
      CallStatus: 'in-progress',
    });
    expect(route(app, '/hours').at(-1)?.params.Digits).toBe('3');
    expect(saidOn(server)).toContain('Sorry, that is not an option.');
    expect(saidOn(server).at(-1)).toBe('Goodbye.');
    expect(route(app, '/status').map((r) => r.params.CallStatus)).toEqual([
      'initiated',
      'ringing',
      'in-progress',
      'completed',
    ]);
    expectAllSigned(app);
    expectHtmlDocuments(app);
    expect(noticesOf(server)).toEqual([]);
  });

  it('IVR menu: the caller known by Caller is greeted by name', async () => {
    const server = await serve();
    const app = await start(createIvrApp(TOKEN));
    // The IVR greets +15550001000 (Caller = From); here the company calls from that number.
    const stopPlaying = playFarEnds(server, { outbound: [{ keys: '1' }] });
    cleanup.push(async () => stopPlaying());
    const call = await clientFor(server).calls.create({
      to: COMPANY,
      from: CUSTOMER,
      url: `${app.url}/voice`,
    });
    expect(await finalStatus(server, call.sid)).toBe('completed');
    expect(route(app, '/voice')[0]?.params.Caller).toBe(CUSTOMER);
    expect(saidOn(server)[0]).toMatch(/^Welcome back, Ada\./);
    expect(app.paths()).toEqual(['/voice', '/menu', '/sales']);
    expectAllSigned(app);
  });

  it('IVR menu: a parameter this engine does not implement is named in a header the client keeps', async () => {
    const server = await serve();
    const app = await start(createIvrApp(TOKEN));
    const stopPlaying = playFarEnds(server, { outbound: [{ keys: '1' }] });
    cleanup.push(async () => stopPlaying());
    const client = clientFor(server);
    const call = await client.calls.create({
      to: CUSTOMER,
      from: COMPANY,
      url: `${app.url}/voice`,
      timeLimit: 60,
    });
    expect(client.httpClient?.lastResponse?.headers['x-rcml-warnings']).toBe('13911 TimeLimit');
    expect(await finalStatus(server, call.sid)).toBe('completed');
    expect(app.paths()).toEqual(['/voice', '/menu', '/sales']);
    expect(noticesOf(server)).toEqual([
      '13911 Calls API parameter TimeLimit is not implemented by this engine; ignored',
    ]);
  });

  it('call screening: the agent accepts in the whisper and is bridged', async () => {
    const server = await serve({
      script: {
        media: { sayCharSeconds: 0.001 },
        // The agent answers and accepts with 1 when the whisper asks; it hangs up below,
        // once the bridge is up (not after a time that must outlast the whisper).
        dialed: { [AGENT_NUMBER]: [{ after: 0.05, do: 'answer' }] },
      },
    });
    const app = await start(createScreeningApp(TOKEN));
    const hungUp = hangUpOnceBridged(server);
    const { sid, status } = await callThrough(server, app, { leg: [{ keys: '1' }] });
    expect(await hungUp).toBe(AGENT_NUMBER);
    expect(status).toBe('completed');
    expect(app.paths().filter((p) => p !== '/status')).toEqual([
      '/voice',
      '/screen',
      '/screen-result',
      '/after-dial',
    ]);
    const screen = route(app, '/screen')[0]!;
    expect(screen.params).toMatchObject({
      Direction: 'outbound-dial',
      ParentCallSid: sid,
      To: AGENT_NUMBER,
      CallStatus: 'in-progress',
    });
    expect(route(app, '/screen-result')[0]?.params.Digits).toBe('1');
    const after = route(app, '/after-dial')[0]!;
    expect(after.params).toMatchObject({ CallSid: sid, DialCallStatus: 'completed' });
    expect(after.params.DialCallSid).toBe(screen.params.CallSid);
    expect(saidOn(server)).toContain('Thank you for calling. Goodbye.');
    expectAllSigned(app);
    expectHtmlDocuments(app);
    expect(noticesOf(server)).toEqual([]);
  });

  it('call screening: the agent declines in the whisper, the caller hears nobody is available', async () => {
    const server = await serve();
    const app = await start(createScreeningApp(TOKEN));
    const { status } = await callThrough(server, app, { leg: [{ keys: '2' }] });
    expect(status).toBe('completed');
    expect(app.paths().filter((p) => p !== '/status')).toEqual([
      '/voice',
      '/screen',
      '/screen-result',
      '/after-dial',
    ]);
    expect(route(app, '/screen-result')[0]?.params.Digits).toBe('2');
    expect(route(app, '/after-dial')[0]?.params.DialCallStatus).toBe('no-answer');
    expect(saidOn(server)).toContain('Sorry, nobody is available to take your call. Please try again later.');
    expectAllSigned(app);
  });

  it('speech menu: an unclear answer, then "support"', async () => {
    const server = await serve();
    const app = await start(createSpeechApp(TOKEN));
    const { status } = await callThrough(server, app, {
      outbound: [{ say: 'hello there' }, { say: 'I need support please', confidence: 0.8 }],
    });
    expect(status).toBe('completed');
    expect(app.paths().filter((p) => p !== '/status')).toEqual([
      '/voice',
      '/speech-result',
      '/voice',
      '/speech-result',
      '/support',
    ]);
    const results = route(app, '/speech-result');
    expect(results.map((r) => r.params.SpeechResult)).toEqual(['hello there', 'I need support please']);
    expect(results[1]?.params.Confidence).toBe('0.8');
    expect(results[0]?.params.Digits).toBeUndefined();
    expect(saidOn(server)).toContain('Sorry, I heard "hello there". Let\'s try again.');
    expectAllSigned(app);
    expectHtmlDocuments(app);
    expect(noticesOf(server)).toEqual([]);
  });
});

const bin = join(import.meta.dirname, '..', 'packages', 'cli', 'dist', 'bin.js');
const built = existsSync(bin);

/** Start the built `rcml serve` as a process; resolves with its URL once it listens. */
async function serveProcess(...args: string[]): Promise<{ url: string; output: () => string }> {
  const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], { stdio: 'pipe' });
  let output = '';
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  cleanup.push(async () => {
    if (child.exitCode === null) child.kill('SIGTERM');
    await exited;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk) => {
      output += chunk;
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.on('exit', () => reject(new Error(`rcml serve exited early:\n${output}`)));
  });
  return { url, output: () => output };
}

const SALES_PATH = `/outbound/${encodeURIComponent(AGENT_NUMBER)}`;

/**
 * A real `rcml serve` process playing `party` against the call and `sales` for the sales
 * team's phone, and the click-to-call app pointed at it; the visitor submits the form.
 */
async function clickToCall(party: readonly object[], sales: readonly object[]) {
  const dir = await mkdtemp(join(tmpdir(), 'rcml-click-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const script = join(dir, 'far-end.json');
  await writeFile(
    script,
    JSON.stringify({ party, dialed: { [AGENT_NUMBER]: sales }, media: { sayCharSeconds: 0.001 } }),
  );
  const server = await serveProcess('--account-sid', ACCOUNT, '--auth-token', TOKEN, '--script', script);
  const app = await start(
    createClickToCallApp({
      accountSid: ACCOUNT,
      authToken: TOKEN,
      twilioNumber: COMPANY,
      salesNumber: AGENT_NUMBER,
      apiBaseUrl: server.url,
    }),
  );
  const post = async (path: string, form: Record<string, string>) => {
    const res = await request(`${app.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return { status: res.statusCode, body: (await res.body.json()) as Record<string, string> };
  };
  const placed = await post('/call', { phoneNumber: CUSTOMER });
  expect(placed.status, placed.body.message).toBe(200);
  const sid = placed.body.sid as string;
  expect(sid).toMatch(/^CA[0-9a-f]{32}$/);
  const completed = () =>
    app.waitFor('the completed callback', (r) => r.path === '/status' && r.params.CallStatus === 'completed');
  return { server, app, sid, post, completed };
}

/** The requests of the app's webhooks (not its own web pages). */
const webhooksOf = (app: RunningApp): RunningApp => ({
  ...app,
  seen: app.seen.filter((r) => r.path === '/status' || r.path.startsWith('/outbound/')),
});

describe.skipIf(!built)(
  built
    ? 'click-to-call: the app places the call with its own twilio client, against rcml serve'
    : 'click-to-call against rcml serve: skipped because packages/cli/dist is not built',
  () => {
    it('a person answers, hears the line, the sales team is dialled, the call completes', async () => {
      const { server, app, sid, completed } = await clickToCall(
        [
          { at: 0.05, do: 'ring' },
          { at: 0.1, do: 'answer' },
        ],
        [
          { after: 0.1, do: 'answer' },
          { after: 0.5, do: 'hangup' },
        ],
      );
      expect((await completed()).params.CallSid).toBe(sid);
      const outbound = route(app, SALES_PATH);
      expect(outbound.map((r) => r.params.CallStatus)).toEqual(['in-progress']);
      expect(outbound[0]?.params).toMatchObject({
        CallSid: sid,
        To: CUSTOMER,
        From: COMPANY,
        Caller: COMPANY,
        Called: CUSTOMER,
        Direction: 'outbound-api',
        AnsweredBy: 'human',
      });
      expect(route(app, '/status').map((r) => r.params.CallStatus)).toEqual([
        'initiated',
        'ringing',
        'in-progress',
        'completed',
      ]);
      const calls = (await (await request(`${app.url}/calls`)).body.json()) as Record<string, string>;
      expect(calls).toEqual({ [sid]: 'completed' });
      expectAllSigned(webhooksOf(app));
      expectHtmlDocuments(webhooksOf(app));
      expect(server.output()).toMatch(/dial\s+dials \+15550100200/);
    });

    it('an answering machine picks up: the app leaves a message instead of dialling', async () => {
      const { server, app, sid, completed } = await clickToCall(
        [
          { at: 0.05, do: 'ring' },
          { at: 0.1, do: 'answer', by: 'machine' },
        ],
        [],
      );
      expect((await completed()).params.CallSid).toBe(sid);
      expect(route(app, SALES_PATH).map((r) => r.params.AnsweredBy)).toEqual(['machine_start']);
      expect(server.output()).toContain('Sorry we missed you.');
      expect(server.output()).not.toMatch(/dials \+15550100200/);
      expect(route(app, '/status').at(-1)?.params.AnsweredBy).toBe('machine_start');
      expectAllSigned(webhooksOf(app));
      expect(server.output()).not.toMatch(/\snotice\s/);
    });

    it("the agent's page ends a live call with an announcement (update with inline TwiML)", async () => {
      const { server, app, sid, post, completed } = await clickToCall(
        [
          { at: 0.05, do: 'ring' },
          { at: 0.1, do: 'answer' },
        ],
        // The sales team answers and stays on the line.
        [{ after: 0.1, do: 'answer' }],
      );
      await app.waitFor('the call document', (r) => r.path === SALES_PATH);
      const announced = await post(`/calls/${sid}/announce`, { message: 'We are closing now, goodbye.' });
      expect(announced).toEqual({ status: 200, body: { status: 'in-progress' } });
      expect((await completed()).params.CallSid).toBe(sid);
      expect(server.output()).toContain('We are closing now, goodbye.');
      // The call has ended: hanging it up is refused, and the app shows the API's reason.
      const again = await post(`/calls/${sid}/hangup`, {});
      expect(again.status).toBe(500);
      expect(again.body.message).toMatch(/not in progress|not in a state/i);
      expect(route(app, SALES_PATH)).toHaveLength(1);
      expectAllSigned(webhooksOf(app));
      expect(server.output()).not.toMatch(/\snotice\s/);
    });
  },
);
