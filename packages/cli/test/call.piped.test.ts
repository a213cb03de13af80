/**
 * `rcml call` in piped mode, in-process: stdin is a stream the test writes to, stdout is
 * collected. The applications are Express apps written the way TwiML apps are, behind
 * `twilio.webhook()` where signing matters.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import express from 'express';
import twilio from 'twilio';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';

const ACCOUNT = `AC${'7'.repeat(32)}`;
const TOKEN = 'piped-test-token';
const { VoiceResponse } = twilio.twiml;

interface Seen {
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

/** A menu app: /voice gathers one key, /menu says what was pressed and hangs up. */
async function startMenuApp(
  options: {
    protect?: boolean;
    voice?: express.RequestHandler;
    routes?: (app: express.Express) => void;
  } = {},
) {
  const seen: Seen[] = [];
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use((req, _res, next) => {
    seen.push({ path: req.path, params: { ...(req.body as Record<string, string>) } });
    next();
  });
  const guard: express.RequestHandler[] =
    options.protect === true ? [twilio.webhook(TOKEN, { protocol: 'http' })] : [];
  app.post(
    '/voice',
    ...guard,
    options.voice ??
      ((_req, res) => {
        const twiml = new VoiceResponse();
        twiml.gather({ numDigits: 1, action: '/menu' }).say('Press 1 for sales.');
        res.type('text/xml').send(twiml.toString());
      }),
  );
  app.post('/menu', ...guard, (req, res) => {
    const twiml = new VoiceResponse();
    twiml.say(`You pressed ${String(req.body.Digits)}.`);
    twiml.hangup();
    res.type('text/xml').send(twiml.toString());
  });
  app.post('/fallback', ...guard, (req, res) => {
    const twiml = new VoiceResponse();
    twiml.say(`Fallback after ${String(req.body.ErrorCode)}.`);
    res.type('text/xml').send(twiml.toString());
  });
  app.post('/status', (_req, res) => {
    res.status(204).end();
  });
  options.routes?.(app);
  server = createServer(app);
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

/** Run `rcml call` with piped input; resolves with its exit status and output. */
async function call(args: string[], input: string, env: Record<string, string> = {}) {
  const stdin = new PassThrough();
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t) },
    cwd: '.',
    stdin,
    env,
  };
  const running = main(['call', ...args, '--say-char-seconds', '0.001'], io);
  stdin.end(input);
  const status = await running;
  return { status, stdout, stderr };
}

describe('rcml call, piped', () => {
  it('signs every request so that an app behind twilio.webhook() accepts it', async () => {
    const app = await startMenuApp({ protect: true });
    const run = await call(
      [
        `${app.url}/voice`,
        '--account-sid',
        ACCOUNT,
        '--auth-token',
        TOKEN,
        '--status-callback',
        `${app.url}/status`,
      ],
      '1',
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('Call ended: completed');
    expect(run.stdout).not.toMatch(/\b403\b/);
    expect(app.seen.map((s) => s.path)).toEqual(['/voice', '/menu', '/status']);
    expect(app.seen.every((s) => s.params.AccountSid === ACCOUNT)).toBe(true);
    expect(app.seen[1]?.params.Digits).toBe('1');
    expect(app.seen[2]?.params.CallStatus).toBe('completed');
  });

  it('takes the account and token from TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN', async () => {
    const app = await startMenuApp({ protect: true });
    const run = await call([`${app.url}/voice`], '1', {
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: TOKEN,
    });
    expect(run.stdout).toContain('Call ended: completed');
    expect(app.seen.map((s) => s.path)).toEqual(['/voice', '/menu']);
    expect(app.seen[0]?.params.AccountSid).toBe(ACCOUNT);
  });

  it('without the token, shows the 400 body and says the app refused the request, naming --auth-token', async () => {
    const app = await startMenuApp({ protect: true });
    const run = await call([`${app.url}/voice`], '');
    expect(run.stdout).toMatch(/400\s+POST \/voice .*body: No signature header error/);
    // The notice carries the body's first line too (everywhere notices are shown).
    expect(run.stdout).toMatch(/notice\s+11200 HTTP 400 from http:\S+\/voice: No signature header error/);
    expect(run.stdout).toMatch(
      /phone\s+the app refused the request: HTTP 400: No signature header error .* \(the app checks X-Twilio-Signature: give rcml call --auth-token /,
    );
    expect(run.stdout).not.toContain('the app hangs up');
    expect(run.stdout).toContain('Call ended: failed');
    const wrong = await call([`${app.url}/voice`, '--auth-token', 'another-token'], '');
    expect(wrong.stdout).toMatch(/403\s+POST \/voice .*body: Twilio Request Validation Failed\./);
    expect(wrong.stdout).toMatch(
      /phone\s+the app refused the request: HTTP 403: Twilio Request Validation Failed\. \(the app checks X-Twilio-Signature/,
    );
    expect(wrong.stdout).toContain('Call ended: failed');
  });

  it('sends --param values on every request of the call', async () => {
    const app = await startMenuApp();
    const run = await call(
      [
        `${app.url}/voice`,
        '--param',
        'FromState=CA',
        '--param',
        'CustomThing=a=b',
        '--status-callback',
        `${app.url}/status`,
        '--status-callback-event',
        'answered completed',
      ],
      '1',
    );
    expect(run.stdout).toContain('Call ended: completed');
    expect(app.seen.map((s) => s.path)).toEqual(['/voice', '/status', '/menu', '/status']);
    for (const s of app.seen) {
      expect(s.params.FromState).toBe('CA');
      expect(s.params.CustomThing).toBe('a=b');
    }
  });

  it('refuses --param names the engine sets itself, and malformed ones', async () => {
    const refused = await call(['http://127.0.0.1:1/voice', '--param', 'CallSid=CA1'], '');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('--param CallSid: the engine sets CallSid itself');
    const malformed = await call(['http://127.0.0.1:1/voice', '--param', 'FromState'], '');
    expect(malformed.status).toBe(2);
    expect(malformed.stderr).toContain('--param must be NAME=VALUE');
    const badEvent = await call(['http://127.0.0.1:1/voice', '--status-callback-event', 'done'], '');
    expect(badEvent.status).toBe(2);
    expect(badEvent.stderr).toContain('"done" is not one of initiated');
    const badUrl = await call(['http://127.0.0.1:1/voice', '--fallback-url', '/relative'], '');
    expect(badUrl.status).toBe(2);
    expect(badUrl.stderr).toContain('--fallback-url: "/relative" is not an absolute URL');
  });

  it('says why when the engine refuses the answer (12300), instead of "the app hangs up"', async () => {
    const app = await startMenuApp({
      voice: (_req, res) => {
        res.json({ say: 'hello' });
      },
    });
    const run = await call([`${app.url}/voice`], '');
    expect(run.stdout).toMatch(/phone\s+the engine refused the app's answer: 12300 invalid Content-Type: /);
    expect(run.stdout).toContain('application/json');
    expect(run.stdout).not.toContain('the app hangs up');
  });

  it('uses --fallback-url when the app fails, with ErrorCode', async () => {
    const app = await startMenuApp({
      voice: (_req, res) => {
        res.status(500).type('text/html').send('<html><body><h1>Oops</h1><p>db down</p></body></html>');
      },
    });
    const run = await call([`${app.url}/voice`, '--fallback-url', `${app.url}/fallback`], '');
    expect(run.stdout).toMatch(/500\s+POST \/voice .*body: Oops/);
    expect(app.seen.map((s) => s.path)).toEqual(['/voice', '/fallback']);
    expect(app.seen[1]?.params.ErrorCode).toBe('11200');
    expect(run.stdout).toContain('"Fallback after 11200."');
    expect(run.stdout).toContain('Call ended: completed');
  });

  it('paces piped keys: each waits for the app to listen; when input runs out, the caller hangs up', async () => {
    const app = await startMenuApp({
      voice: (_req, res) => {
        const twiml = new VoiceResponse();
        twiml.say('Welcome.');
        twiml.gather({ numDigits: 1, action: '/menu' }).say('Press a key.');
        res.type('text/xml').send(twiml.toString());
      },
    });
    // Typed before the app has even answered: the key still reaches the Gather, after its prompt.
    const run = await call([`${app.url}/voice`], '7');
    expect(run.stdout).toContain('"You pressed 7."');
    expect(run.stdout).not.toContain('(interrupted)');
    const none = await call([`${app.url}/voice`], '');
    expect(none.stdout).toMatch(/caller\s+hangs up \(no more input\)/);
    expect(none.stdout).toContain('Call ended: completed');
  });

  it('a dialled party hangs up --hangup-after seconds after it is connected, however long its whisper ran', async () => {
    const app = await startMenuApp({
      voice: (_req, res) => {
        const twiml = new VoiceResponse();
        twiml.dial({ action: '/after' }).number({ url: '/whisper' }, '+15550100200');
        res.type('text/xml').send(twiml.toString());
      },
      routes: (router) => {
        // The whisper lasts longer than --hangup-after; the agent must still be bridged.
        router.post('/whisper', (_req, res) => {
          const twiml = new VoiceResponse();
          twiml.pause({ length: 1 });
          res.type('text/xml').send(twiml.toString());
        });
        router.post('/after', (_req, res) => res.type('text/xml').send('<Response/>'));
      },
    });
    const run = await call([`${app.url}/voice`, '--answer-after', '0', '--hangup-after', '0.2'], '');
    const after = app.seen.find((s) => s.path === '/after');
    expect(after?.params.DialCallStatus, run.stdout).toBe('completed');
    expect(Number(after?.params.DialCallDuration)).toBe(0);
    expect(run.stdout).toMatch(/bridge\s+connected with \+15550100200 \(leg CA…[0-9a-f]{4}\)/);
    // While the whisper runs, the caller's log says why nothing happens; the leg's lines are marked.
    expect(run.stdout).toMatch(
      /phone\s+\+15550100200 answered; its screening \(whisper document \/whisper\) runs before you are connected/,
    );
    expect(run.stdout).toMatch(/fetch\s+POST \/whisper {2}CallStatus=in-progress {2}\(leg CA…[0-9a-f]{4}\)/);
    expect(run.stdout).toMatch(/leg\s+completed {2}\(leg CA…[0-9a-f]{4}\)/);
    expect(run.stdout).not.toMatch(/CA[0-9a-f]{32}/);
    expect(run.stdout).toContain('Call ended: completed');
  });

  it('input that ends in a <Record>: the recording ends by its silence timeout, not by a hang-up', async () => {
    const app = await startMenuApp({
      voice: (_req, res) => {
        const twiml = new VoiceResponse();
        twiml.record({ action: '/recorded', timeout: 1, maxLength: 20 });
        res.type('text/xml').send(twiml.toString());
      },
      routes: (router) =>
        router.post('/recorded', (_req, res) => {
          const twiml = new VoiceResponse();
          twiml.say('Thanks for your message.');
          twiml.hangup();
          res.type('text/xml').send(twiml.toString());
        }),
    });
    const run = await call([`${app.url}/voice`], 's\n');
    const recorded = app.seen.find((r) => r.path === '/recorded');
    // The call was still up when the Record ended: the app's goodbye ran.
    expect(recorded?.params.CallStatus, run.stdout).toBe('in-progress');
    expect(Number(recorded?.params.RecordingDuration)).toBeGreaterThanOrEqual(2);
    expect(run.stdout).toContain('"Thanks for your message."');
    expect(run.stdout).not.toContain('no more input');
    expect(run.stdout).toContain('Call ended: completed');
  });

  it('says a phrase to a speech Gather: s, the words, Enter; the app gets SpeechResult', async () => {
    const app = await startMenuApp({
      voice: (_req, res) => {
        const twiml = new VoiceResponse();
        twiml
          .gather({ input: ['speech'], action: '/menu', speechTimeout: 'auto', timeout: 5 })
          .say('Say sales or support.');
        res.type('text/xml').send(twiml.toString());
      },
    });
    const run = await call([`${app.url}/voice`], 's sales please\n');
    expect(run.stdout).toMatch(/caller\s+says “sales please” \(1 s\)/);
    expect(run.stdout).toMatch(/listens for speech \(timeout=5s speechTimeout=auto\)/);
    expect(run.stdout).toMatch(
      /fetch\s+POST \/menu {2}CallStatus=in-progress SpeechResult="sales please" Confidence=/,
    );
    const menu = app.seen.find((s) => s.path === '/menu');
    expect(menu?.params.SpeechResult).toBe('sales please');
    expect(Number(menu?.params.Confidence)).toBeGreaterThan(0);
    expect(run.stdout).toContain('Call ended: completed');
  });

  it('gives each phrase its own Gather: the second waits for the app to ask again', async () => {
    const heard: string[] = [];
    const app = await startMenuApp({
      voice: (_req, res) => {
        const twiml = new VoiceResponse();
        twiml.gather({ input: ['speech'], action: '/heard', speechTimeout: 'auto' }).say('Which one?');
        res.type('text/xml').send(twiml.toString());
      },
      // "sales" ends the call, anything else asks again.
      routes: (router) =>
        router.post('/heard', (req, res) => {
          const said = String(req.body.SpeechResult);
          heard.push(said);
          const twiml = new VoiceResponse();
          if (said.includes('sales')) twiml.say('Sales.');
          else twiml.redirect('/voice');
          res.type('text/xml').send(twiml.toString());
        }),
    });
    const run = await call([`${app.url}/voice`], 's hello there\ns sales\n');
    expect(heard).toEqual(['hello there', 'sales']);
    expect(app.seen.map((r) => r.path)).toEqual(['/voice', '/heard', '/voice', '/heard']);
    expect(run.stdout).toContain('Call ended: completed');
  });
});
