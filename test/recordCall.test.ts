/**
 * `rcml call URL --record FILE` against a real Express application (test/apps/ivr.ts): the
 * call runs on the real clock with piped keys; the file it writes is a scenario whose party
 * actions, app section and expect replay to the same timeline canned (no application) and
 * live (against the running application).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '@rcml/cli';
import { matchScenario, runScenario, validateScenario } from '@rcml/replay';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, runApp } from './apps/harness.js';
import { createIvrApp } from './apps/ivr.js';

const TOKEN = 'record-call-token';
let app: RunningApp;
let dir: string;
beforeAll(async () => {
  app = await runApp(createIvrApp(TOKEN));
  dir = await mkdtemp(join(tmpdir(), 'rcml-record-'));
});
afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

/** `rcml call` in-process with `keys` piped (paced: each waits until the app listens). */
async function call(keys: string, ...args: string[]) {
  let stdout = '';
  let stderr = '';
  const stdin = new PassThrough();
  stdin.end(keys);
  const status = await main(['call', ...args], {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    stdin,
    cwd: dir,
    env: {},
  });
  return { status, stdout, stderr };
}

describe('rcml call --record', () => {
  it('writes a scenario that replays to the same timeline, canned and live', async () => {
    const seenBefore = app.seen.length;
    const run = await call(
      '21',
      `${app.url}/voice`,
      '--record',
      'ivr.json',
      '--auth-token',
      TOKEN,
      '--status-callback',
      `${app.url}/status`,
      '--say-char-seconds',
      '0.002',
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`Recorded: ${join(dir, 'ivr.json')}`);
    // The live call: the menu, 2 → the hours, 1 → again, then no more input: the caller hangs up.
    expect(app.seen.slice(seenBefore).map((r) => r.path)).toEqual([
      '/voice',
      '/menu',
      '/hours',
      '/hours',
      '/hours',
      '/status',
    ]);

    const file = join(dir, 'ivr.json');
    const scenario = validateScenario(JSON.parse(await readFile(file, 'utf8')), file);
    expect(scenario.inbound).toMatchObject({ From: '+15550001000', Url: `${app.url}/voice`, Method: 'POST' });
    expect(scenario.party?.map((a) => ('digits' in a ? `${a.do} ${a.digits}` : a.do))).toEqual([
      'dtmf 2',
      'dtmf 1',
      'hangup',
    ]);
    // The application's answers, in turn per URL: /hours answered three times.
    const hours = scenario.app?.[`POST ${app.url}/hours`];
    expect(Array.isArray(hours) && hours.length).toBe(3);
    expect(scenario.app?.[`POST ${app.url}/voice`]).toMatchObject({
      status: 200,
      body: expect.stringContaining('<Gather'),
    });
    expect(scenario.expect?.final?.status).toBe('completed');
    expect(scenario.expect?.timeline?.filter((e) => e.kind !== 'media').map((e) => e.url)).toEqual(
      ['/voice', '/menu', '/hours', '/hours', '/hours', '/status'].map((p) => `${app.url}${p}`),
    );

    // Canned: no application involved.
    const canned = await runScenario(scenario);
    expect(matchScenario(scenario, canned).problems).toEqual([]);
    expect(matchScenario(scenario, canned).ok).toBe(true);
    // Live: the same requests go to the running application, signed.
    const seen = app.seen.length;
    const live = await runScenario(scenario, { app: { url: app.url, authToken: TOKEN } });
    expect(matchScenario(scenario, live).ok).toBe(true);
    expect(live.outcome).toEqual(canned.outcome);
    expect(app.seen.slice(seen).every((r) => r.signed && r.status < 300)).toBe(true);
    // And through the command line.
    let out = '';
    const io = {
      stdout: { write: (t: string) => (out += t) },
      stderr: { write: () => true },
      cwd: dir,
      env: {},
    };
    expect(await main(['replay', file], io)).toBe(0);
    expect(await main(['replay', '--app', app.url, '--auth-token', TOKEN, file], io)).toBe(0);
    expect(out).toMatch(/1 passed, 0 failed\n[\s\S]*1 passed, 0 failed\n$/);
  }, 20_000);

  it('a slow application: the time spent waiting for its documents is not in the recorded times', async () => {
    // Every request of this copy of the IVR waits 1 s before the app sees it: far more than
    // the caller's reaction time plus what a busy machine adds to it.
    const slowApp = express();
    slowApp.use((_req, _res, next) => void setTimeout(next, 1000));
    slowApp.use(createIvrApp(TOKEN));
    const slow = await runApp(slowApp);
    try {
      const run = await call(
        '1',
        `${slow.url}/voice`,
        '--record',
        'slow.json',
        '--auth-token',
        TOKEN,
        '--say-char-seconds',
        '0.002',
      );
      expect(run.status).toBe(0);
      const file = join(dir, 'slow.json');
      const scenario = validateScenario(JSON.parse(await readFile(file, 'utf8')), file);
      // Live: /voice answered after 1 s, then the piped key about 0.15 s after the Gather
      // started: at least 1.15 s of real time, but about 0.15 s into the call (however late
      // a loaded machine runs the caller's timer, well under 1 s) once the wait for the
      // document is taken out.
      const key = scenario.party?.[0];
      expect(key).toMatchObject({ do: 'dtmf', digits: '1' });
      expect(key!.at).toBeGreaterThanOrEqual(0.1);
      expect(key!.at).toBeLessThan(1);
      const canned = await runScenario(scenario);
      expect(matchScenario(scenario, canned).ok).toBe(true);
      const live = await runScenario(scenario, { app: { url: slow.url, authToken: TOKEN } });
      expect(matchScenario(scenario, live).ok).toBe(true);
    } finally {
      await slow.close();
    }
  }, 20_000);

  it('refuses an empty file name', async () => {
    const run = await call('', `${app.url}/voice`, '--record=');
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--record needs a file name/);
  });
});
