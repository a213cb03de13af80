/**
 * `rcml call --record` of a call that dials a number: the dialled number is scripted as it
 * behaved live. `--hangup-after` counts from the answer, so the script's hang-up (`after`,
 * counted from the dial) is `--answer-after` + `--hangup-after`; it used to be written as
 * `--hangup-after` alone, which with `--hangup-after` below `--answer-after` gave a scenario
 * that `rcml replay` refused (actions out of time order).
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
let dir: string;
beforeAll(async () => {
  const web = express();
  web.use(express.urlencoded({ extended: false }));
  web.post('/voice', (_req, res) => {
    res.send('<Response><Dial>+15550007777</Dial><Say>Goodbye</Say></Response>');
  });
  app = await runApp(web);
  dir = await mkdtemp(join(tmpdir(), 'rcml-record-dial-'));
});
afterAll(async () => {
  await app.close();
  await rm(dir, { recursive: true, force: true });
});

describe('rcml call --record with a <Dial>', () => {
  it('scripts the dialled number to hang up --hangup-after seconds after it answered', async () => {
    const stdin = new PassThrough();
    stdin.end('');
    let stderr = '';
    const status = await main(
      [
        'call',
        `${app.url}/voice`,
        '--record',
        'dial.json',
        '--answer-after',
        '0.2',
        '--hangup-after',
        '0.1',
        '--say-char-seconds',
        '0.002',
      ],
      {
        stdout: { write: () => true },
        stderr: { write: (t: string) => (stderr += t) },
        stdin,
        cwd: dir,
        env: {},
      },
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const file = join(dir, 'dial.json');
    const scenario = validateScenario(JSON.parse(await readFile(file, 'utf8')), file);
    expect(scenario.dialed?.['+15550007777']).toEqual([
      { after: 0, do: 'ring' },
      { after: 0.2, do: 'answer' },
      { after: expect.closeTo(0.3, 6), do: 'hangup' },
    ]);
    const canned = await runScenario(scenario);
    expect(matchScenario(scenario, canned).problems).toEqual([]);
  });
});
