/**
 * The Recordings resource over the real engine and simulated driver, read with the official
 * `twilio` client: every recording the engine makes is listed (all, by call), fetched and
 * deleted, and its `RecordingUrl` serves real audio (WAV, and MP3 encoded from it).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readWav } from '../src/index.js';
import { type Centre, requestsTo, startCentre } from './centreHarness.js';
import { ACCOUNT, AUTH, basic, call } from './helpers.js';

const APP = 'http://app.test';
let centre: Centre;
beforeEach(async () => {
  centre = await startCentre({
    [`POST ${APP}/voice`]: `<Response><Record action="${APP}/done" timeout="3"/></Response>`,
    [`POST ${APP}/done`]: '<Response><Hangup/></Response>',
    [`POST ${APP}/dial`]: '<Response><Dial record="record-from-answer-dual">+15550003333</Dial></Response>',
  });
});
afterEach(async () => {
  await centre.close();
});

/** An inbound call that records 4 s of voice, then hangs up. */
async function recordedCall(): Promise<string> {
  const caller = centre.driver.inbound({ from: '+15550001111', to: '+15550002222' });
  const record = centre.engine.inbound(
    { From: '+15550001111', To: '+15550002222', Url: `${APP}/voice` },
    caller.channel,
  );
  await centre.advance(0.5);
  await caller.farEnd.speak(4);
  await centre.advance(10);
  return record.sid;
}

describe('Recordings resource', () => {
  // Found with the official client (calls(sid).recordings.create(), calls(sid).streams.create()),
  // as call-recording and transcription apps use them: the answers said "use GET" and "no
  // resource at this path".
  it("says that a live call's recording and its Streams resource are not implemented, and what to use", async () => {
    const caller = centre.driver.inbound({ from: '+15550001111', to: '+15550002222' });
    const { sid } = centre.engine.inbound(
      { From: '+15550001111', To: '+15550002222', Url: `${APP}/voice` },
      caller.channel,
    );
    await expect(centre.client.calls(sid).recordings.create()).rejects.toMatchObject({
      status: 405,
      message: expect.stringMatching(
        /live call through the REST API is not implemented: record with <Record>/,
      ),
    });
    await expect(
      centre.client.calls(sid).recordings('RE00000000000000000000000000000001').update({ status: 'stopped' }),
    ).rejects.toMatchObject({ status: 405 });
    await expect(
      centre.client.calls(sid).streams.create({ url: 'wss://agent.test/media' }),
    ).rejects.toMatchObject({
      status: 404,
      message: expect.stringMatching(
        /^the Streams resource of a call is not implemented: start a forked stream with <Start><Stream>/,
      ),
    });
    await expect(centre.client.calls(sid).recordings.list()).resolves.toEqual([]);
  });

  it('lists, fetches and deletes a <Record> recording with the twilio client', async () => {
    const callSid = await recordedCall();
    const [action] = requestsTo(centre, `${APP}/done`);
    const sid = action!.RecordingSid!;
    expect(action!.RecordingUrl).toBe(`${centre.url}/2010-04-01/Accounts/${ACCOUNT}/Recordings/${sid}`);
    const all = await centre.client.recordings.list();
    expect(all.map((r) => r.sid)).toEqual([sid]);
    const byCall = await centre.client.calls(callSid).recordings.list();
    expect(byCall.map((r) => r.sid)).toEqual([sid]);
    expect(await centre.client.calls('CA00000000000000000000000000000099').recordings.list()).toEqual([]);
    const one = await centre.client.recordings(sid).fetch();
    expect(one.callSid).toBe(callSid);
    expect(one.duration).toBe(action!.RecordingDuration);
    expect(one.source).toBe('RecordVerb');
    expect(one.channels).toBe(1);
    expect(one.status).toBe('completed');
    expect(one.mediaUrl).toBe(action!.RecordingUrl);
    const viaCall = await centre.client.calls(callSid).recordings(sid).fetch();
    expect(viaCall.sid).toBe(sid);
    expect(await centre.client.recordings(sid).remove()).toBe(true);
    expect(await centre.client.recordings.list()).toEqual([]);
    await expect(centre.client.recordings(sid).fetch()).rejects.toMatchObject({ status: 404 });
  });

  it('serves the audio at RecordingUrl (WAV by default and .wav, MP3 with .mp3) under Basic auth', async () => {
    await recordedCall();
    const [action] = requestsTo(centre, `${APP}/done`);
    const path = new URL(action!.RecordingUrl!).pathname;
    const duration = Number(action!.RecordingDuration);
    for (const suffix of ['', '.wav']) {
      const wav = await fetchBytes(`${path}${suffix}`);
      expect(wav.type).toBe('audio/x-wav');
      const pcm = readWav(wav.bytes);
      expect(pcm.sampleRate).toBe(8000);
      expect(Math.floor(pcm.channels[0]!.length / 8000)).toBe(duration);
    }
    const mp3 = await fetchBytes(`${path}.mp3`);
    expect(mp3.type).toBe('audio/mpeg');
    // An MPEG audio frame header: 11 sync bits set.
    expect(mp3.bytes[0]).toBe(0xff);
    expect(mp3.bytes[1]! & 0xe0).toBe(0xe0);
    expect(mp3.bytes.length).toBeGreaterThan(1000);
    const refused = await call(centre.url, 'GET', path, { auth: basic(ACCOUNT, 'wrong') });
    expect(refused.status).toBe(401);
    const none = await call(centre.url, 'GET', `${path.slice(0, -4)}0000.mp3`);
    expect(none.status).toBe(404);
  });

  it('lists a <Dial record> recording (two channels, DialVerb) on the 2012-04-24 prefix too', async () => {
    const caller = centre.driver.inbound({ from: '+15550001111', to: '+15550002222' });
    const { sid: callSid } = centre.engine.inbound(
      { From: '+15550001111', To: '+15550002222', Url: `${APP}/dial` },
      caller.channel,
    );
    await centre.advance(1);
    const leg = centre.driver.calls.find((c) => c.kind === 'leg')!;
    await leg.farEnd.answer();
    await centre.advance(7);
    await leg.farEnd.hangup();
    await centre.advance(1);
    const listed = await call(
      centre.url,
      'GET',
      `/2012-04-24/Accounts/${ACCOUNT}/Calls/${callSid}/Recordings.json`,
      { auth: AUTH },
    );
    expect(listed.status).toBe(200);
    const [recording] = listed.json().recordings as Record<string, unknown>[];
    expect(recording).toMatchObject({ call_sid: callSid, source: 'DialVerb', channels: 2, duration: '7' });
    const wav = await fetchBytes(`/2012-04-24/Accounts/${ACCOUNT}/Recordings/${String(recording!.sid)}.wav`);
    expect(readWav(wav.bytes).channels).toHaveLength(2);
  });
});

async function fetchBytes(path: string): Promise<{ type: string; bytes: Uint8Array }> {
  const res = await fetch(`${centre.url}${path}`, { headers: { authorization: AUTH } });
  expect(res.status).toBe(200);
  return { type: res.headers.get('content-type') ?? '', bytes: new Uint8Array(await res.arrayBuffer()) };
}
