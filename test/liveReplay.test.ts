/**
 * Live replay against a real Express application (test/apps/ivr.ts: `twilio`'s VoiceResponse,
 * `twilio.webhook()` signature validation): the scenario's requests go over real HTTP to the
 * running app, whose answers arrive after random real delays; the simulated clock waits for
 * each one, so the timeline is exact (worked out by hand in the scenario) and identical from
 * run to run.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { main } from '@rcml/cli';
import { matchScenario, runScenario, type Scenario, validateScenario } from '@rcml/replay';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningApp, runApp } from './apps/harness.js';
import { createIvrApp } from './apps/ivr.js';

const TOKEN = 'live-replay-token';
const file = join(import.meta.dirname, 'apps', 'scenarios', 'ivr-hours.json');
const load = async (): Promise<Scenario> => validateScenario(JSON.parse(await readFile(file, 'utf8')), file);

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const done of cleanup.splice(0).reverse()) await done();
});

/** The IVR app behind a middleware that holds each request for a random 0-30 ms. */
async function jittery(): Promise<RunningApp> {
  const outer = express();
  outer.use((_req, _res, next) => {
    setTimeout(next, Math.floor(Math.random() * 30));
  });
  outer.use(createIvrApp(TOKEN));
  const running = await runApp(outer);
  cleanup.push(() => running.close());
  return running;
}

describe('live replay (runScenario with app)', () => {
  it('runs the scenario against the real app, signed for the real URL, and matches the hand-worked timeline', async () => {
    const scenario = await load();
    const app = await jittery();
    const result = await runScenario(scenario, { app: { url: app.url, authToken: TOKEN } });
    const match = matchScenario(scenario, result);
    expect(match.problems).toEqual([]);
    expect(match.ok).toBe(true);
    // Every route was reached, each request signed and accepted by twilio.webhook().
    expect(app.paths()).toEqual(['/voice', '/menu', '/hours', '/hours', '/hours', '/status']);
    expect(app.seen.map((r) => `${r.path} ${r.status} ${r.signed}`)).toEqual(
      app.seen.map((r) => `${r.path} ${r.path === '/status' ? 204 : 200} true`),
    );
    expect(result.leftovers.inFlightRequests).toBe(0);
  });

  it('gives the identical timeline on every run, whatever the random latency', async () => {
    const loaded = await load();
    // Every progress event: callbacks in flight at the same instants as document fetches.
    const scenario: Scenario = {
      ...loaded,
      inbound: { ...loaded.inbound!, StatusCallbackEvent: 'ringing answered completed' },
    };
    const app = await jittery();
    const runs = [];
    for (let i = 0; i < 3; i++)
      runs.push(await runScenario(scenario, { app: { url: app.url, authToken: TOKEN } }));
    expect(runs[0]!.outcome.timeline.filter((e) => e.kind === 'callback')).toHaveLength(3);
    expect(runs[1]!.outcome).toEqual(runs[0]!.outcome);
    expect(runs[2]!.outcome).toEqual(runs[0]!.outcome);
    expect(runs.flatMap((r) => r.violations)).toEqual([]);
  });

  it('without the token the app refuses the unsigned request (400) and the call fails', async () => {
    const scenario = await load();
    const app = await jittery();
    const result = await runScenario(scenario, { app: app.url });
    expect(app.seen[0]?.status).toBe(400);
    expect(app.seen[0]?.signed).toBe(false);
    expect(matchScenario(scenario, result).ok).toBe(false);
    expect(result.outcome.final?.status).toBe('failed');
  });

  it('a call the app never lets end (its menu loops on silence) is reported at the time bound', async () => {
    const { party: _keys, expect: _expect, ...silent } = await load();
    const running = await runApp(createIvrApp(TOKEN));
    cleanup.push(() => running.close());
    // (The default bound of a live replay is one simulated hour; 5 minutes keeps the test short.)
    const result = await runScenario(silent, {
      app: { url: running.url, authToken: TOKEN },
      maxSeconds: 300,
    });
    expect(result.violations.join('\n')).toMatch(
      /gave up at 30\d(\.\d+)? s: the call runs past the time bound/,
    );
    // One /voice per loop: 3.5 s of greeting, 5 s of timeout, "We didn't receive any input."
    // (1.4 s), so loops start at 0, 9.9, … 297 s: 31 requests.
    expect(running.paths()).toEqual(Array(31).fill('/voice'));
  }, 60_000);

  it('maps a Location under the real URL back to the origin; other origins answer from the app section', async () => {
    const web = express();
    let base = '';
    web.post('/voice', (_req, res) => void res.redirect(307, `${base}/next`));
    web.post('/next', (_req, res) => void res.type('text/xml').send('<Response><Say>hi</Say></Response>'));
    const running = await runApp(web);
    base = running.url;
    cleanup.push(() => running.close());
    const scenario: Scenario = {
      name: 'redirect and a callback elsewhere',
      inbound: {
        From: '+15550001000',
        To: '+15550002000',
        Url: 'http://app.test/voice',
        StatusCallback: 'http://callbacks.test/status',
      },
      app: { 'POST http://callbacks.test/status': { status: 204 } },
    };
    const result = await runScenario(scenario, { app: running.url });
    expect(
      result.outcome.timeline.flatMap((e) => (e.kind === 'media' ? [e.op] : [`${e.kind} ${e.url}`])),
    ).toEqual([
      'fetch http://app.test/voice',
      'fetch http://app.test/next',
      'answer',
      'say',
      'hangup',
      'callback http://callbacks.test/status',
    ]);
    expect(running.paths()).toEqual(['/voice', '/next']);
    expect(result.violations).toEqual([]);
  });

  it('an answer slower than answerTimeoutMs fails like a refused connection, at its simulated instant', async () => {
    const web = express();
    web.post('/voice', () => {}); // never answers
    const running = await runApp(web);
    cleanup.push(() => running.close());
    const scenario: Scenario = {
      name: 'a hanging app',
      inbound: { From: '+15550001000', To: '+15550002000', Url: 'http://app.test/voice' },
    };
    const started = performance.now();
    const result = await runScenario(scenario, { app: { url: running.url, answerTimeoutMs: 200 } });
    expect(performance.now() - started).toBeLessThan(5_000);
    const notice = result.events.find((e) => e.type === 'notice' && e.level === 'error');
    expect(notice).toMatchObject({ code: 11205 });
    // Failed at t = 0, the instant of the request: the engine hangs up the arriving call.
    expect(result.outcome.timeline.map((e) => `${e.at} ${e.kind === 'media' ? e.op : e.url}`)).toEqual([
      '0 http://app.test/voice',
      '0 hangup',
    ]);
    expect(result.outcome.final?.status).toBe('failed');
    expect(result.leftovers.inFlightRequests).toBe(0);
  });

  it('maps the origin under a path prefix and refuses a base URL with a query', async () => {
    const scenario = await load();
    const outer = express();
    outer.use('/ivr', createIvrApp(TOKEN));
    const app = await runApp(outer);
    cleanup.push(() => app.close());
    const result = await runScenario(scenario, { app: { url: `${app.url}/ivr/`, authToken: TOKEN } });
    expect(matchScenario(scenario, result).ok).toBe(true);
    expect(app.paths()[0]).toBe('/ivr/voice');
    await expect(runScenario(scenario, { app: `${app.url}/?x=1` })).rejects.toThrow(
      /app: .* must be a base URL without query/,
    );
  });

  it('rcml replay --app URL --auth-token T: the scenario passes against the running app', async () => {
    const app = await jittery();
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      cwd: import.meta.dirname,
      env: {},
    };
    const status = await main(['replay', '--app', app.url, '--auth-token', TOKEN, file], io);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/^ok {3}IVR menu \(live\)/);
    expect(stdout).toMatch(/1 passed, 0 failed\n$/);
    expect(status).toBe(0);
    // The token also comes from the environment; without any, the app refuses and it fails.
    const fromEnv = await main(['replay', '--app', app.url, file], {
      ...io,
      env: { TWILIO_AUTH_TOKEN: TOKEN },
    });
    expect(fromEnv).toBe(0);
    stdout = '';
    expect(await main(['replay', '--app', app.url, file], io)).toBe(1);
    expect(stdout).toMatch(/0 passed, 1 failed\n$/);
    stderr = '';
    expect(await main(['replay', '--app', 'ftp://x', file], io)).toBe(2);
    expect(stderr).toMatch(/--app: "ftp:\/\/x" must be an http or https URL/);
  });
});
