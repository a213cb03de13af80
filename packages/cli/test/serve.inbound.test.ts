/**
 * `rcml serve`: the inbound settings given to arriving calls (`--inbound-*`), and the far
 * end that hangs up dialled legs by itself (`--far-end-hangup-after`).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isFinalStatus } from '@rcml/core';
import express from 'express';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { loopbackHttpClient } from '../../api/test/twilioHttpClient.js';
import { main } from '../src/main.js';
import { createRuntime, type Runtime } from '../src/runtime/createRuntime.js';
import { withInboundSettings } from '../src/serve/inbound.js';
import { startServe } from '../src/serve/startServe.js';

const ACCOUNT = `AC${'3'.repeat(32)}`;
const TOKEN = 'inbound-test-token';
const { VoiceResponse } = twilio.twiml;

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly params: Record<string, string>;
}

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => {
    server?.closeAllConnections();
    if (server) server.close(() => resolve());
    else resolve();
  });
  server = undefined;
});

async function startApp(voice: express.RequestHandler) {
  const seen: Seen[] = [];
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use((req, _res, next) => {
    const params = req.method === 'GET' ? (req.query as Record<string, string>) : req.body;
    seen.push({ method: req.method, path: req.path, params: { ...params } });
    next();
  });
  app.all('/voice', voice);
  app.all('/fallback', (req, res) => {
    const twiml = new VoiceResponse();
    twiml.say(`Fallback after ${String(req.body?.ErrorCode ?? req.query.ErrorCode)}.`);
    res.type('text/xml').send(twiml.toString());
  });
  app.all('/status', (_req, res) => {
    res.status(204).end();
  });
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** Resolve with the call's final status. */
function ended(runtime: Runtime, sid: string): Promise<string> {
  return new Promise((resolve) => {
    const check = () => {
      const status = runtime.engine.get(sid)?.status;
      if (status !== undefined && isFinalStatus(status)) {
        stop();
        resolve(status);
      }
    };
    const stop = runtime.engine.subscribe(check);
    check();
  });
}

const say =
  (text: string): express.RequestHandler =>
  (_req, res) => {
    const twiml = new VoiceResponse();
    twiml.say(text);
    res.type('text/xml').send(twiml.toString());
  };

describe('inbound settings for arriving calls', () => {
  it('gives every arriving call the method, status callback and fallback of the number', async () => {
    const app = await startApp((_req, res) => {
      res.status(500).send('down');
    });
    const runtime = createRuntime({ media: { sayCharSeconds: 0.001 } });
    try {
      const wrapped = withInboundSettings(runtime, {
        Url: `${app.url}/voice`,
        Method: 'GET',
        FallbackUrl: `${app.url}/fallback`,
        FallbackMethod: 'POST',
        StatusCallback: `${app.url}/status`,
        StatusCallbackMethod: 'GET',
        StatusCallbackEvent: 'answered completed',
      });
      // What a driver's inbound handler does with an arriving call.
      const arriving = runtime.simulated?.inbound({ from: '+15550001234', to: '+15550009999' });
      if (arriving === undefined) throw new Error('no simulated driver');
      const record = wrapped.engine.inbound(
        { From: '+15550001234', To: '+15550009999', Url: `${app.url}/voice` },
        runtime.observe(arriving.channel),
      );
      expect(await ended(runtime, record.sid)).toBe('completed');
      await runtime.close({ deadlineMs: 2000 });
      expect(app.seen.map((s) => `${s.method} ${s.path}`)).toEqual([
        'GET /voice',
        'POST /fallback',
        'GET /status',
        'GET /status',
      ]);
      expect(app.seen[0]?.params.From).toBe('+15550001234');
      expect(app.seen[1]?.params.ErrorCode).toBe('11200');
      expect(app.seen.slice(2).map((s) => s.params.CallStatus)).toEqual(['in-progress', 'completed']);
      // The wrapper changes nothing else of the engine.
      expect(wrapped.engine.activeCalls).toBe(0);
      expect(wrapped.engine.get(record.sid)?.direction).toBe('inbound');
    } finally {
      await runtime.close({ deadlineMs: 0 });
    }
  });
});

describe('the far end of dialled legs under serve', () => {
  it('hangs up an unscripted dialled leg after --far-end-hangup-after seconds, so the call ends', async () => {
    const app = await startApp((_req, res) => {
      const twiml = new VoiceResponse();
      twiml.dial('+15550007777');
      twiml.say('The agent has left.');
      res.type('text/xml').send(twiml.toString());
    });
    const lines: string[] = [];
    const serve = await startServe({
      accountSid: ACCOUNT,
      authToken: TOKEN,
      answerAfter: 0.05,
      farEndHangupAfter: 0.4,
      onEntry: (entry) => {
        if (entry.kind === 'party') lines.push(entry.text);
      },
    });
    try {
      const client = twilio(ACCOUNT, TOKEN, { httpClient: loopbackHttpClient(serve.url) as never });
      const call = await client.calls.create({
        to: '+15550001111',
        from: '+15550002222',
        url: `${app.url}/voice`,
      });
      expect(await ended(serve.runtime, call.sid)).toBe('completed');
      expect(lines).toContain('+15550007777 hangs up (dialled 0.4 s ago; --far-end-hangup-after)');
      const legs = serve.runtime.engine.list({ parentCallSid: call.sid }).calls;
      expect(legs.map((l) => l.status)).toEqual(['completed']);
    } finally {
      await serve.stop(1000);
    }
  });

  it('leaves a leg its dialed script covers to the script', async () => {
    const app = await startApp((_req, res) => {
      const twiml = new VoiceResponse();
      twiml.dial('+15550007777');
      res.type('text/xml').send(twiml.toString());
    });
    const lines: string[] = [];
    const serve = await startServe({
      accountSid: ACCOUNT,
      authToken: TOKEN,
      answerAfter: 0.05,
      farEndHangupAfter: 0.2,
      script: {
        dialed: {
          '+15550007777': [
            { after: 0.05, do: 'answer' },
            { after: 0.6, do: 'hangup' },
          ],
        },
      },
      onEntry: (entry) => {
        if (entry.kind === 'party') lines.push(entry.text);
      },
    });
    try {
      const client = twilio(ACCOUNT, TOKEN, { httpClient: loopbackHttpClient(serve.url) as never });
      const call = await client.calls.create({
        to: '+15550001111',
        from: '+15550002222',
        url: `${app.url}/voice`,
      });
      expect(await ended(serve.runtime, call.sid)).toBe('completed');
      expect(lines).toEqual([]);
      const leg = serve.runtime.engine.list({ parentCallSid: call.sid }).calls[0];
      expect(leg?.duration).toBeGreaterThanOrEqual(0);
      expect((leg?.endTime ?? 0) - (leg?.startTime ?? 0)).toBeGreaterThanOrEqual(500);
    } finally {
      await serve.stop(1000);
    }
  });
});

describe('rcml serve inbound and far-end options', () => {
  const run = async (...args: string[]) => {
    let stderr = '';
    const io = { stdout: { write: () => true }, stderr: { write: (t: string) => (stderr += t) }, cwd: '.' };
    return { status: await main(['serve', ...args], io), stderr };
  };

  it('names the option at fault and exits 2', async () => {
    expect(await run('--inbound-method', 'GET')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--inbound-method needs --inbound-url'),
    });
    expect(await run('--inbound-url', 'http://127.0.0.1:3000/voice')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('rcml call'),
    });
    expect(await run('--far-end-hangup-after', '-1')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--far-end-hangup-after'),
    });
  });

  it('documents every option in --help', async () => {
    let stdout = '';
    const io = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: () => true }, cwd: '.' };
    expect(await main(['serve', '--help'], io)).toBe(0);
    for (const flag of [
      '--far-end-hangup-after S',
      '--inbound-url URL',
      '--inbound-method',
      '--inbound-fallback-url',
      '--inbound-fallback-method',
      '--inbound-status-callback URL',
      '--inbound-status-callback-method',
      '--inbound-status-callback-event',
    ]) {
      expect(stdout).toContain(flag);
    }
    expect(stdout).toContain('(default 30; 0: never)');
  });
});
