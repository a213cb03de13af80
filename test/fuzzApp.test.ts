/**
 * Fuzzing a real Express application in-process (test/apps/ivr.ts, signatures validated):
 * 200 generated callers through live replay with every invariant checked on each call, and a
 * deliberately broken variant whose violation is shrunk, written as a scenario, and
 * reproduced live by `rcml fuzz --check --app` and `rcml replay --app`.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '@rcml/cli';
import { runScenario, validateScenario } from '@rcml/replay';
import { formatFuzzReport, fuzz } from '@rcml/testing';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningApp, runApp } from './apps/harness.js';
import { createIvrApp } from './apps/ivr.js';

const TOKEN = 'fuzz-app-token';
let app: RunningApp;
let broken: RunningApp;
let dir: string;
beforeAll(async () => {
  app = await runApp(createIvrApp(TOKEN));
  // The same IVR with a bug: key 7 at the menu crashes the handler (500).
  const buggy = express();
  buggy.post('/menu', express.urlencoded({ extended: false }), (req, res, next) => {
    if (req.body?.Digits === '7') res.status(500).send('TypeError: menu[7] is undefined');
    else next();
  });
  buggy.use(createIvrApp(TOKEN));
  broken = await runApp(buggy);
  dir = await mkdtemp(join(tmpdir(), 'rcml-fuzz-app-'));
});
afterAll(async () => {
  await app.close();
  await broken.close();
  await rm(dir, { recursive: true, force: true });
});

describe('fuzz({ app }) against a real application', () => {
  it('200 generated callers: every invariant holds on every call', async () => {
    const report = await fuzz({
      runs: 200,
      seed: 16,
      app: { url: `${app.url}/voice`, authToken: TOKEN },
      caller: { statusCallback: 'http://app.test/status' },
    });
    expect(report.counterexamples.map((c) => c.violations)).toEqual([]);
    expect(report.failingRuns).toBe(0);
    expect(report.runs).toBe(200);
    // The callers reached every route, and every request was signed and accepted.
    const paths = new Set(app.paths());
    for (const route of ['/voice', '/menu', '/sales', '/hours', '/status']) expect(paths).toContain(route);
    expect(app.seen.filter((r) => !r.signed || r.status >= 400)).toEqual([]);
  }, 120_000);

  it('a broken route: the violation is shrunk, written, and replays live', async () => {
    const out = join(dir, 'out');
    const report = await fuzz({
      runs: 100,
      seed: 16,
      out,
      app: { url: `${broken.url}/voice`, authToken: TOKEN },
    });
    expect(report.failingRuns).toBeGreaterThan(0);
    expect(Object.keys(report.violationsByInvariant)).toEqual(['app-errors']);
    const [found] = report.counterexamples;
    expect(found?.invariant).toBe('app-errors');
    expect(found?.violations[0]?.message).toMatch(/^error 11200: .*http:\/\/app\.test\/menu/);
    // Shrunk: one caller pressing 7 (the keys that matter), no app section (it replays live).
    const files = await readdir(out);
    expect(files).toHaveLength(1);
    const file = join(out, files[0]!);
    const scenario = validateScenario(JSON.parse(await readFile(file, 'utf8')), file);
    expect(scenario.app).toBeUndefined();
    expect(
      scenario.party?.filter((a) => a.do === 'dtmf').map((a) => ('digits' in a ? a.digits : '')),
    ).toEqual(['7']);
    expect(scenario.source).toContain(`rcml fuzz --check --app ${broken.url} <this file>`);
    expect(formatFuzzReport(report)).toContain(
      `rerun one live with: rcml fuzz --check --app ${broken.url} <file>`,
    );

    // Live replay of the counterexample reproduces the failure on the broken app, not on the fixed one.
    const again = await runScenario(scenario, { app: { url: broken.url, authToken: TOKEN } });
    expect(again.events.some((e) => e.type === 'notice' && e.level === 'error' && e.code === 11200)).toBe(
      true,
    );
    const fixed = await runScenario(scenario, { app: { url: app.url, authToken: TOKEN } });
    expect(fixed.events.filter((e) => e.type === 'notice' && e.level === 'error')).toEqual([]);

    // The command line: fuzz --check --app says which invariant fails.
    let stdout = '';
    const io = {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: () => true },
      cwd: dir,
      env: {},
    };
    expect(await main(['fuzz', '--check', '--app', broken.url, '--auth-token', TOKEN, file], io)).toBe(1);
    expect(stdout).toMatch(
      /FAIL fuzz counterexample: app-errors[\s\S]*app-errors: error 11200[\s\S]*0 passed, 1 failed\n$/,
    );
    stdout = '';
    expect(await main(['fuzz', '--check', '--app', app.url, '--auth-token', TOKEN, file], io)).toBe(0);
    expect(stdout).toMatch(/1 passed, 0 failed\n$/);
  }, 120_000);

  it('rcml fuzz --app URL --runs N: a clean run exits 0; options are checked', async () => {
    let stdout = '';
    let stderr = '';
    const io = {
      stdout: { write: (t: string) => (stdout += t) },
      stderr: { write: (t: string) => (stderr += t) },
      cwd: dir,
      env: { TWILIO_AUTH_TOKEN: TOKEN },
    };
    const status = await main(
      ['fuzz', '--app', `${app.url}/voice`, '--runs', '20', '--seed', '3', '--status-callback', '/status'],
      io,
    );
    expect(stdout).toMatch(/20 (runs|calls)/);
    expect(status).toBe(0);
    stderr = '';
    expect(await main(['fuzz', '--dial', '+15550009999'], io)).toBe(2);
    expect(stderr).toMatch(/--dial is for a running application: give --app too/);
    stderr = '';
    expect(await main(['fuzz', '--app', `${app.url}/voice`, '--status-callback', 'status'], io)).toBe(2);
    expect(stderr).toMatch(/--status-callback must be a path of the app starting with \//);
  }, 60_000);
});
