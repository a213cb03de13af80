/**
 * TwiML applications, unchanged, through `rcml call` in piped mode: the built CLI runs as a
 * process with the caller's keys and phrases on its stdin (piped input is paced: each waits
 * until the application listens) and signs every request with the token the application
 * validates. Each call must reach the application's last route and end as expected; the
 * routes the application saw, with their parameters, are checked from the application's side.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClickToCallApp } from './apps/clickToCall.js';
import { type RunningApp, runApp } from './apps/harness.js';
import { createIvrApp } from './apps/ivr.js';
import { AGENT_NUMBER, createScreeningApp } from './apps/screening.js';
import { createSpeechApp } from './apps/speech.js';

const bin = join(import.meta.dirname, '..', 'packages', 'cli', 'dist', 'bin.js');
const built = existsSync(bin);
const ACCOUNT = `AC${'5'.repeat(32)}`;
const TOKEN = 'twiml-apps-call-token';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

async function start(app: Parameters<typeof runApp>[0]): Promise<RunningApp> {
  const running = await runApp(app);
  cleanup.push(() => running.close());
  return running;
}

/**
 * Run `rcml call <url> ...options` with `input` piped to it; resolve with its exit code and
 * output once it exits (killed, with the output in the error, after 25 s).
 */
function call(
  url: string,
  input: string,
  ...options: string[]
): Promise<{ code: number | null; output: string }> {
  // Signing comes from the options only: the environment's TWILIO_* are not inherited.
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('TWILIO_')));
  const child = spawn(process.execPath, [bin, 'call', url, '--say-char-seconds', '0.002', ...options], {
    stdio: 'pipe',
    env,
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  child.stdin.end(input);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`rcml call did not end within 25 s; its output:\n${output}`));
    }, 25_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

const signing = ['--account-sid', ACCOUNT, '--auth-token', TOKEN];
const documentsOf = (app: RunningApp) => app.seen.filter((r) => r.path !== '/status');

/** Every request reached the application's code: signed, and the signature valid. */
function expectAllSigned(app: RunningApp): void {
  const refused = app.seen.filter((r) => !r.signed || r.status >= 400);
  expect(refused.map((r) => `${r.path} → ${r.status}${r.signed ? '' : ' (unsigned)'}`)).toEqual([]);
}

describe.skipIf(!built)(
  built
    ? 'TwiML applications through rcml call (piped, signed)'
    : 'TwiML applications through rcml call: skipped because packages/cli/dist is not built',
  () => {
    it('IVR menu: a wrong key, the hours, a key that ends the call', async () => {
      const app = await start(createIvrApp(TOKEN));
      const { code, output } = await call(`${app.url}/voice`, '923', ...signing);
      expect(code, output).toBe(0);
      expect(output).toMatch(/Call ended: completed/);
      expect(documentsOf(app).map((r) => r.path)).toEqual([
        '/voice',
        '/menu',
        '/voice',
        '/menu',
        '/hours',
        '/hours',
      ]);
      expect(documentsOf(app).map((r) => r.params.Digits ?? '')).toEqual(['', '9', '', '2', '', '3']);
      const first = app.seen[0]!;
      expect(first.params).toMatchObject({
        AccountSid: ACCOUNT,
        From: '+15550001000',
        Caller: '+15550001000',
        To: '+15550002000',
        Called: '+15550002000',
        Direction: 'inbound',
        CallStatus: 'ringing',
      });
      // The caller was known by Caller: greeted by name.
      expect(output).toContain('Welcome back, Ada.');
      expect(output).toContain('Goodbye.');
      expectAllSigned(app);
      for (const r of documentsOf(app)) expect(r.contentType).toMatch(/^text\/html/);
    });

    it('IVR menu: a caller the app does not know, from --from, with --param sent along', async () => {
      const app = await start(createIvrApp(TOKEN));
      const { code, output } = await call(
        `${app.url}/voice`,
        '1',
        ...signing,
        '--from',
        '+15557770000',
        '--param',
        'FromState=CA',
      );
      expect(code, output).toBe(0);
      expect(output).toMatch(/Call ended: completed/);
      expect(app.paths()).toEqual(['/voice', '/menu', '/sales']);
      expect(app.seen[0]?.params).toMatchObject({ Caller: '+15557770000', FromState: 'CA' });
      expect(app.seen.every((r) => r.params.FromState === 'CA')).toBe(true);
      expect(output).toContain('Welcome. For sales');
      expectAllSigned(app);
      expect(output).not.toMatch(/^\s*[\d.]+s\s+notice/m);
    });

    it('an app validating signatures refuses an unsigned call, and the log says why', async () => {
      const app = await start(createIvrApp(TOKEN));
      const { code, output } = await call(`${app.url}/voice`, '');
      expect(code, output).toBe(0);
      expect(output).toMatch(/Call ended: failed/);
      expect(app.seen.map((r) => [r.path, r.status, r.signed])).toEqual([['/voice', 400, false]]);
      // The app's answer body is in the log: the user sees that the signature was missing.
      expect(output).toContain('No signature header error');
    });

    it('an app refuses a call signed with the wrong token (403), and the log says why', async () => {
      const app = await start(createIvrApp(TOKEN));
      const { output } = await call(`${app.url}/voice`, '', '--auth-token', 'not-the-token');
      expect(output).toMatch(/Call ended: failed/);
      expect(app.seen.map((r) => [r.path, r.status, r.signed])).toEqual([['/voice', 403, true]]);
      expect(output).toContain('Twilio Request Validation Failed.');
    });

    it('call screening: the agent does not answer the whisper prompt, the caller is told nobody is available', async () => {
      const app = await start(createScreeningApp(TOKEN));
      const { code, output } = await call(
        `${app.url}/voice`,
        '',
        ...signing,
        // The agent answers; the whisper runs until its Gather times out (no --hangup-after
        // to outlast: that counts from the bridge, and a declined agent is never bridged).
        '--answer-after',
        '0.1',
      );
      expect(code, output).toBe(0);
      expect(output).toMatch(/Call ended: completed/);
      expect(app.paths()).toEqual(['/voice', '/screen', '/after-dial']);
      const screen = app.seen[1]!;
      expect(screen.params).toMatchObject({
        Direction: 'outbound-dial',
        To: AGENT_NUMBER,
        From: '+15550001000',
        CallStatus: 'in-progress',
        ParentCallSid: app.seen[0]?.params.CallSid,
      });
      expect(app.seen[2]?.params.DialCallStatus).toBe('no-answer');
      // The whisper is the agent's: the log shows it as the leg's lines only, and the caller
      // hears only the apology.
      expect(output).toMatch(/say {7}"You have a call from .*Press 1 to accept.*" {2}\(leg CA…\d{4}\)/);
      const callers = output.split('\n').filter((line) => !line.includes('(leg CA'));
      expect(callers.join('\n')).not.toContain('Press 1 to accept');
      expect(output).toContain('Sorry, nobody is available to take your call.');
      expectAllSigned(app);
      expect(output).not.toMatch(/^\s*[\d.]+s\s+notice/m);
    });

    it('speech menu: an unclear phrase, then "sales"', async () => {
      const app = await start(createSpeechApp(TOKEN));
      const { code, output } = await call(`${app.url}/voice`, 's hello there\ns I want sales\n', ...signing);
      expect(code, output).toBe(0);
      expect(output).toMatch(/Call ended: completed/);
      expect(app.paths(), output).toEqual(['/voice', '/speech-result', '/voice', '/speech-result', '/sales']);
      const results = app.seen.filter((r) => r.path === '/speech-result');
      expect(
        results.map((r) => r.params.SpeechResult),
        output,
      ).toEqual(['hello there', 'I want sales']);
      for (const r of results) expect(Number(r.params.Confidence)).toBeGreaterThan(0);
      expect(output).toContain('Sales it is.');
      expectAllSigned(app);
      expect(output).not.toMatch(/^\s*[\d.]+s\s+notice/m);
    });

    it('click-to-call: the call document dials the sales team; status callbacks arrive signed', async () => {
      const app = await start(
        createClickToCallApp({
          accountSid: ACCOUNT,
          authToken: TOKEN,
          twilioNumber: '+15550002000',
          salesNumber: AGENT_NUMBER,
        }),
      );
      const { code, output } = await call(
        `${app.url}/outbound/${encodeURIComponent(AGENT_NUMBER)}`,
        '',
        ...signing,
        '--status-callback',
        `${app.url}/status`,
        '--status-callback-event',
        'ringing answered completed',
        '--answer-after',
        '0.1',
        '--hangup-after',
        '0.3',
      );
      expect(code, output).toBe(0);
      expect(output).toMatch(/Call ended: completed/);
      const status = app.seen.filter((r) => r.path === '/status');
      expect(status.map((r) => r.params.CallStatus)).toEqual(['ringing', 'in-progress', 'completed']);
      // Inbound: the ringing callback comes before the first fetch.
      expect(app.paths()).toEqual([
        '/status',
        `/outbound/${encodeURIComponent(AGENT_NUMBER)}`,
        '/status',
        '/status',
      ]);
      expect(output).toContain('Thanks for contacting our sales department.');
      expect(output).toMatch(/dial/);
      expectAllSigned(app);
      expect(output).not.toMatch(/^\s*[\d.]+s\s+notice/m);
    });
  },
);
