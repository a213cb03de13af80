/**
 * `rcml serve` keeps every recording in its recording store (a folder) and serves it from the
 * Recordings resource, under the same Basic auth, at the `RecordingUrl` it gives out.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackHttpClient } from '../../api/test/twilioHttpClient.js';
import { type RunningServer, startServe } from '../src/serve/startServe.js';

const ACCOUNT = `AC${'3'.repeat(32)}`;
const TOKEN = 'serve-recordings-token';

let folder: string;
beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'rcml-rec-test-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

function ended(server: RunningServer, sid: string): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (server.runtime.engine.get(sid)?.status === 'completed') {
        stop();
        resolve();
      }
    };
    const stop = server.runtime.engine.subscribe(check);
    check();
  });
}

describe('rcml serve recordings', () => {
  it('records a call (Record=true), lists it and serves its audio from the folder store', async () => {
    const server = await startServe({
      accountSid: ACCOUNT,
      authToken: TOKEN,
      answerAfter: 0.05,
      recordingsDir: folder,
    });
    try {
      const client = twilio(ACCOUNT, TOKEN, { httpClient: loopbackHttpClient(server.url) as never });
      const created = await client.calls.create({
        to: '+15550001111',
        from: '+15550002222',
        twiml: '<Response><Pause length="1"/></Response>',
        record: true,
      });
      await ended(server, created.sid);
      const [listed] = await client.calls(created.sid).recordings.list();
      expect(listed?.source).toBe('OutboundAPI');
      const recording = await client.recordings(listed!.sid).fetch();
      expect(recording?.mediaUrl).toBe(
        `${server.url}/2010-04-01/Accounts/${ACCOUNT}/Recordings/${recording?.sid}`,
      );
      const auth = `Basic ${Buffer.from(`${ACCOUNT}:${TOKEN}`).toString('base64')}`;
      const wav = await fetch(`${recording!.mediaUrl}.wav`, { headers: { authorization: auth } });
      expect(wav.status).toBe(200);
      const bytes = new Uint8Array(await wav.arrayBuffer());
      expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('RIFF');
      expect(existsSync(join(folder, `${recording!.sid}.wav`))).toBe(true);
      const mp3 = await fetch(`${recording!.mediaUrl}.mp3`, { headers: { authorization: auth } });
      expect(mp3.headers.get('content-type')).toBe('audio/mpeg');
      expect((await fetch(`${recording!.mediaUrl}.mp3`)).status).toBe(401);
      await client.recordings(recording!.sid).remove();
      expect(existsSync(join(folder, `${recording!.sid}.wav`))).toBe(false);
    } finally {
      await server.stop(0);
    }
  });
});
