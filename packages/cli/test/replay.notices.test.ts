/**
 * `rcml replay` shows each scenario's notices beside its result, in text and in `--json`,
 * on passes and failures alike.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/main.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rcml-replay-notices-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A call whose Url answers JSON: 12300, no fallback, the call ends completed at t = 1. */
function scenario(expectedStatus: string) {
  return {
    name: `json answer (${expectedStatus})`,
    call: { From: '+15550002222', To: '+15550001111', Url: 'http://app.test/voice' },
    party: [{ at: 1, do: 'answer' }],
    app: { 'POST http://app.test/voice': { status: 200, type: 'application/json', body: '{"say":"hi"}' } },
    expect: { final: { status: expectedStatus, duration: 0 } },
  };
}

async function replay(...args: string[]) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
    cwd: dir,
  };
  const status = await main(['replay', ...args], io);
  return { status, stdout, stderr };
}

describe('rcml replay notices', () => {
  it('prints the notices of a passing and of a failing scenario', async () => {
    await writeFile(join(dir, 'pass.json'), JSON.stringify(scenario('completed')));
    await writeFile(join(dir, 'fail.json'), JSON.stringify(scenario('busy')));
    const pass = await replay('pass.json');
    expect(pass.status).toBe(0);
    expect(pass.stdout).toMatch(
      /^ok {3}json answer \(completed\)\n {2}notices:\n {7}1\.00s {2}error {4}12300 http:\/\/app\.test\/voice: Content-Type "application\/json" is not RCML/,
    );
    const fail = await replay('fail.json');
    expect(fail.status).toBe(1);
    expect(fail.stdout).toContain('FAIL json answer (busy)');
    expect(fail.stdout).toMatch(/notices:\n\s+1\.00s\s+error\s+12300 /);
  });

  it('adds each result’s notices to --json', async () => {
    await writeFile(join(dir, 'pass.json'), JSON.stringify(scenario('completed')));
    const run = await replay('pass.json', '--json');
    const parsed = JSON.parse(run.stdout) as { results: { notices: unknown[] }[] };
    expect(parsed.results[0]?.notices).toEqual([
      {
        at: 1,
        callSid: 'CA00000000000000000000000000000001',
        code: 12300,
        level: 'error',
        message: expect.stringContaining('application/json'),
      },
    ]);
  });

  it('prints nothing more for a scenario without notices', async () => {
    const quiet = {
      name: 'quiet',
      call: { From: '+15550002222', To: '+15550001111', Url: 'http://app.test/voice' },
      party: [{ at: 1, do: 'answer' }],
      app: { 'POST http://app.test/voice': { status: 200, type: 'text/xml', body: '<Response/>' } },
      expect: { final: { status: 'completed', duration: 0 } },
    };
    await writeFile(join(dir, 'quiet.json'), JSON.stringify(quiet));
    const run = await replay('quiet.json');
    expect(run.stdout).toBe('ok   quiet\n1 passed, 0 failed\n');
    const json = JSON.parse((await replay('quiet.json', '--json')).stdout) as {
      results: { notices: unknown[] }[];
    };
    expect(json.results[0]?.notices).toEqual([]);
  });

  it('keeps the --json shape for a file that cannot be read: notices is an empty list', async () => {
    await writeFile(join(dir, 'broken.json'), '{ "name": ');
    const run = await replay('broken.json', '--json');
    expect(run.status).toBe(1);
    const json = JSON.parse(run.stdout) as { results: { ok: boolean; notices: unknown[] }[] };
    expect(json.results[0]).toMatchObject({ ok: false, notices: [] });
  });
});
