/**
 * `rcml call --record` of a call with a `<Connect><Stream>` (found recording
 * twilio/media-streams' connect-basic): what the stream application sent becomes the
 * scenario's `streams` script, so the recording replays like the call. Before, the scenario had
 * no `streams`: its replay refused the stream (stream-error) and the command warned, falsely
 * comparing the stream's timeline entries as if they were requests.
 */

import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { main } from '@rcml/cli';
import { matchScenario, runScenario, validateScenario } from '@rcml/replay';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Agent, type Behaviour, startAgent } from './streams/agents.js';

/** On `start`: 0.2 s of audio and mark `m1`; when `m1` comes back (played), closes the socket. */
const speakThenClose: Behaviour = (message, connection) => {
  const sid = connection.streamSid();
  if (message.event === 'start') {
    connection.send({
      event: 'media',
      streamSid: sid,
      media: { payload: Buffer.alloc(1600, 0x55).toString('base64') },
    });
    connection.send({ event: 'mark', streamSid: sid, mark: { name: 'm1' } });
  } else if (message.event === 'mark') connection.socket.close(1000);
};

let agent: Agent;
let server: Server;
let appUrl: string;
let dir: string;
beforeAll(async () => {
  agent = await startAgent(speakThenClose);
  server = createServer((req, res) => {
    const body =
      req.url === '/voice'
        ? `<Response><Connect action="/after"><Stream url="${agent.url}/agent?x=1"/></Connect></Response>`
        : '<Response><Say>Bye.</Say></Response>';
    res.writeHead(200, { 'Content-Type': 'text/xml' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'rcml-record-streams-'));
});
afterAll(async () => {
  await agent.close();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(dir, { recursive: true, force: true });
});

describe('rcml call --record, a media stream', () => {
  it('scripts what the stream app sent under `streams`; the recording replays like the call', async () => {
    let stdout = '';
    let stderr = '';
    const stdin = new PassThrough();
    stdin.end('');
    const status = await main(
      ['call', `${appUrl}/voice`, '--record', 'stream.json', '--say-char-seconds', '0.002'],
      {
        stdout: { write: (t: string) => (stdout += t) },
        stderr: { write: (t: string) => (stderr += t) },
        stdin,
        cwd: dir,
        env: {},
      },
    );
    expect(status).toBe(0);
    expect(stderr).toBe('');
    const file = join(dir, 'stream.json');
    const scenario = validateScenario(JSON.parse(await readFile(file, 'utf8')), file);
    // Keyed by the URL without its query; timed from the socket's opening.
    const script = scenario.streams?.[`${agent.url}/agent`];
    expect(script?.map((a) => a.do)).toEqual(['media', 'mark', 'close']);
    expect(script?.[0]).toMatchObject({ do: 'media', for: 0.2 });
    expect(script?.[1]).toMatchObject({ do: 'mark', name: 'm1' });
    // The mark came back once the 0.2 s had been played: the close is at least that late.
    expect(script?.[2]?.after).toBeGreaterThanOrEqual(0.2);
    const timeline = scenario.expect?.timeline ?? [];
    expect(timeline.filter((e) => e.kind === 'fetch').map((e) => e.url)).toEqual([
      `${appUrl}/voice`,
      `${appUrl}/after`,
    ]);
    expect(timeline.some((e) => e.kind === 'stream' && e.event === 'close')).toBe(true);
    const canned = await runScenario(scenario);
    expect(matchScenario(scenario, canned).problems).toEqual([]);
  }, 20_000);
});
