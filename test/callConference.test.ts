/**
 * `rcml call` into a `<Dial><Conference>`: the room is no dialled party, so `--hangup-after`
 * does not end it (the caller used to be dropped from the room after that delay and the app
 * went on); the caller stays until it hangs up, with piped input once the input has run out.
 * `--record` scripts no far end for the room, and the scenario replays to the same timeline.
 * A caller waiting in a queue (no agent comes under `rcml call`) likewise hangs up once the
 * piped input has run out, and piped keys reach a wait document's `<Gather>` (those documents
 * report no verb events: the pacing knows their Gather by its operation).
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

let app: RunningApp;
const leaveDigits: string[] = [];
let dir: string;
beforeAll(async () => {
  const web = express();
  web.use(express.urlencoded({ extended: false }));
  web.post('/voice', (_req, res) => {
    res.send('<Response><Dial><Conference>room1</Conference></Dial><Say>Left the room</Say></Response>');
  });
  web.post('/queue', (_req, res) => {
    res.send('<Response><Enqueue>support</Enqueue><Say>Left the queue</Say></Response>');
  });
  web.post('/queue-menu', (_req, res) => {
    res.send('<Response><Enqueue waitUrl="/wait">support</Enqueue><Say>Left the queue</Say></Response>');
  });
  web.post('/wait', (_req, res) => {
    res.send(
      '<Response><Gather numDigits="1" action="/leave"><Say>Press 1 to leave</Say></Gather></Response>',
    );
  });
  web.post('/leave', (req, res) => {
    leaveDigits.push(String(req.body.Digits));
    res.send('<Response><Leave/></Response>');
  });
  app = await runApp(web);
  dir = await mkdtemp(join(tmpdir(), 'rcml-call-conference-'));
});
afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

describe('rcml call into a conference room', () => {
  it('keeps the caller in the room past --hangup-after until the piped input runs out', async () => {
    const stdin = new PassThrough();
    // The input stays open for 0.8 s: far longer than --hangup-after 0.1.
    setTimeout(() => stdin.end(''), 800);
    let stdout = '';
    let stderr = '';
    const status = await main(
      [
        'call',
        `${app.url}/voice`,
        '--hangup-after',
        '0.1',
        '--say-char-seconds',
        '0.002',
        '--record',
        'room.json',
      ],
      {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
        stdin,
        cwd: dir,
        env: {},
      },
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout).toContain('connected with room1');
    expect(stdout).toContain('hangs up (no more input)');
    expect(stdout).not.toContain('Left the room');

    const file = join(dir, 'room.json');
    const scenario = validateScenario(JSON.parse(await readFile(file, 'utf8')), file);
    expect(scenario.dialed?.room1).toBeUndefined();
    expect(scenario.party?.map((a) => a.do)).toEqual(['hangup']);
    const canned = await runScenario(scenario);
    expect(matchScenario(scenario, canned).problems).toEqual([]);
  });
});

/** `rcml call` with `input` piped (ended at once), in-process. */
async function pipedCall(url: string, input: string) {
  const stdin = new PassThrough();
  stdin.end(input);
  let stdout = '';
  const status = await main(['call', url, '--say-char-seconds', '0.002'], {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: () => true },
    stdin,
    cwd: dir,
    env: {},
  });
  return { status, stdout };
}

describe('rcml call into a queue', () => {
  it('hangs up a caller waiting in a queue once the piped input has run out', async () => {
    const { status, stdout } = await pipedCall(`${app.url}/queue`, '');
    expect(status).toBe(0);
    expect(stdout).toContain('hangs up (no more input)');
    expect(stdout).not.toContain('Left the queue');
  });

  it("gives piped keys to a wait document's <Gather>", async () => {
    const { status, stdout } = await pipedCall(`${app.url}/queue-menu`, '1');
    expect(status).toBe(0);
    expect(leaveDigits).toEqual(['1']);
    expect(stdout).toContain('Left the queue');
  });
});
