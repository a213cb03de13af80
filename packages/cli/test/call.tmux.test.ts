/**
 * The terminal phone in a real terminal: the built CLI runs under tmux, keys go in with
 * `send-keys`, the screen comes back with `capture-pane`. Waiting on a real screen is
 * inherent here, so every wait polls a bounded number of times.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createExampleApp, type ExampleApp } from '@rcml/example-app';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..', '..');
const bin = join(root, 'packages', 'cli', 'dist', 'bin.js');
const hasTmux = spawnSync('tmux', ['-V']).status === 0;

/** Each phone runs on its own tmux server (socket), named after the session. */
function tmux(session: string, ...args: string[]): string {
  const r = spawnSync('tmux', ['-L', `rcml-test-${process.pid}-${session}`, '-f', '/dev/null', ...args], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`tmux ${args[0]} failed: ${r.stderr}`);
  return r.stdout;
}
const screen = (session: string) => tmux(session, 'capture-pane', '-p', '-t', session);
const press = (session: string, key: string) => tmux(session, 'send-keys', '-t', session, key);
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Poll the screen until it matches (at most 150 × 100 ms). */
async function waitFor(session: string, pattern: RegExp): Promise<string> {
  let last = '';
  for (let attempt = 0; attempt < 150; attempt++) {
    last = screen(session);
    if (pattern.test(last)) return last;
    await delay(100);
  }
  throw new Error(`screen never showed ${pattern}; last screen:\n${last}`);
}

let session = 0;
const started: string[] = [];
function startPhone(url: string, ...options: string[]): string {
  const name = `phone${++session}`;
  started.push(name);
  const command = [process.execPath, bin, 'call', url, ...options].map((a) => `'${a}'`).join(' ');
  tmux(
    name,
    'new-session',
    '-d',
    '-s',
    name,
    '-x',
    '120',
    '-y',
    '40',
    command,
    ';',
    'set-option',
    '-t',
    name,
    'remain-on-exit',
    'on',
  );
  return name;
}

let app: ExampleApp;
let media: Server;
let mediaUrl: string;
let speechUrl: string;
/** What the speech app heard (`SpeechResult` of its action request). */
const heard: string[] = [];
beforeAll(async () => {
  if (!hasTmux) return;
  // The test command (`node scripts/run.mjs test`) builds before vitest; after editing the
  // sources, run `npx tsc -b packages/cli` before a direct vitest run.
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build with "npx tsc -b packages/cli"`);
  app = await createExampleApp();
  // A one-document app that plays a URL, for the progress bar.
  media = createServer((req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/xml' });
    if (req.url === '/speech') {
      res.end(
        '<Response><Gather input="speech" action="/heard" timeout="20" speechTimeout="1"><Say>Which department?</Say></Gather></Response>',
      );
      return;
    }
    if (req.url === '/heard') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        const said = new URLSearchParams(body).get('SpeechResult') ?? '';
        heard.push(said);
        res.end(`<Response><Say>You said ${said}.</Say></Response>`);
      });
      return;
    }
    res.end('<Response><Play>http://media.test/song.mp3</Play><Say>That was the song.</Say></Response>');
  });
  await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
  mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}/play`;
  speechUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}/speech`;
});
afterEach(() => {
  for (const name of started.splice(0))
    spawnSync('tmux', ['-L', `rcml-test-${process.pid}-${name}`, 'kill-server']);
});
afterAll(async () => {
  await app?.close();
  await new Promise((resolve) => (media ? media.close(resolve) : resolve(undefined)));
});

const title = hasTmux
  ? 'rcml call in a real terminal (tmux)'
  : 'rcml call in a real terminal: skipped because tmux is not installed (.ci/run installs it)';
describe.skipIf(!hasTmux)(title, () => {
  it('speaks the menu, takes keys as DTMF, records, and ends when the app hangs up', async () => {
    const s = startPhone(`${app.url}/voice`, '--say-char-seconds', '0.01');
    const menu = await waitFor(s, /Press 2 to talk to an agent\.”/);
    expect(menu).toContain('rcml call');
    // numDigits=1: the key ends the input, no finish key to mention.
    expect(menu).toMatch(/Listening for 1 key(?![(s])/);
    expect(menu).not.toMatch(/Listening for 1 key.*end with/);
    expect(menu).toMatch(/LOG/);
    expect(menu).toMatch(/fetch POST \/voice CallStatus=ringing/);
    press(s, '1');
    await waitFor(s, /you are done\.”/);
    const recording = await waitFor(s, /● Recording/);
    expect(recording).toMatch(/Keys pressed: 1/);
    expect(recording).toMatch(/Digits=1/);
    // s opens a phrase; Enter alone talks for two seconds without words.
    press(s, 's');
    await waitFor(s, /You say: ▌/);
    press(s, 'Enter');
    await waitFor(s, /speaks for 2 s/);
    press(s, '#');
    const done = await waitFor(s, /Call ended: completed/);
    expect(done).toMatch(/Your message of \d+ seconds was recorded/);
    expect(done).toMatch(/ended: completed/);
    expect(done).toMatch(/\(the app hangs up\)/);
  });

  it('says text character by character and hangs up on h', async () => {
    const s = startPhone(`${app.url}/voice`, '--say-char-seconds', '0.08');
    // Part of the prompt is on screen before the rest: the text appears as it is spoken.
    const partial = await waitFor(s, /“Welcome to the/);
    expect(partial).not.toMatch(/talk to an agent\.”/);
    expect(partial).toContain('▌');
    press(s, 'h');
    const done = await waitFor(s, /Call ended: completed/);
    expect(done).toMatch(/caller\s+hangs up/);
    expect(done).toMatch(/\(interrupted\)/);
  });

  it('shows a Play with its URL and a progress bar', async () => {
    const s = startPhone(mediaUrl, '--play-seconds', '3');
    const playing = await waitFor(s, /♪ Playing http:\/\/media\.test\/song\.mp3/);
    expect(playing).toMatch(/\[#*-+\] \d+%/);
    const done = await waitFor(s, /Call ended: completed/);
    expect(done).toContain('“That was the song.”');
  });

  it('speaks a typed phrase to a speech Gather: s, the words, Enter', async () => {
    const s = startPhone(speechUrl, '--say-char-seconds', '0.01');
    const listening = await waitFor(s, /Which department\?”/);
    expect(listening).toMatch(/Listening for speech/);
    press(s, 's');
    await waitFor(s, /You say: ▌/);
    tmux(s, 'send-keys', '-t', s, '-l', 'billing please');
    await waitFor(s, /You say: billing please▌/);
    press(s, 'Enter');
    const done = await waitFor(s, /Call ended: completed/);
    expect(done).toMatch(/says “billing please”/);
    expect(done).toContain('“You said billing please.”');
    expect(heard).toEqual(['billing please']);
  });
});
