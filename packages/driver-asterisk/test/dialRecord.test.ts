/**
 * `<Dial record>` against the fake Asterisk: the bridge is recorded from the answer; from
 * ringing the caller's channel is recorded until the bridge, then the bridge, and the parts
 * make one file in the recording store.
 */
import type { DialRequest } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { advance, type ModelSetup, settle, useModel } from './fake/modelHarness.js';
import { recorder, until } from './helpers.js';

const open = () => new AbortController().signal;
const { start } = useModel();

const RECORD_QUERY =
  'format=wav&maxDurationSeconds=0&maxSilenceSeconds=0&beep=false&terminateOn=none&ifExists=overwrite';

function dialRequest(record: DialRequest['record']): DialRequest {
  return {
    targets: [{ type: 'number', to: '+15550000001', callSid: 'CAa' }],
    timeout: 20,
    timeLimit: 14400,
    callerId: '+15551230001',
    hangupOnStar: false,
    record,
  };
}

/** An answered inbound call dialling one number; the leg is created and ringing. */
async function dialling(record: DialRequest['record']) {
  const s = await start();
  const model = s.fake.state.inbound('+15551230001', '+15550001000');
  await until(() => s.t.inbound.length > 0, 'the inbound call');
  const call = s.t.inbound[0]!;
  call.channel.listen(recorder());
  await call.channel.answer(open());
  await settle(s.fake);
  const session = call.channel.dial(dialRequest(record), open());
  session.legs[0]!.listen(recorder());
  await settle(s.fake);
  const leg = [...s.fake.state.channels.values()].find((c) => c.kind === 'created')!;
  return { s, model, session, leg };
}

/** Requests about recordings and bridges, ids of bridges replaced by `B`. */
function recordingRequests(s: ModelSetup): string[] {
  const ids = [...s.fake.log.join('\n').matchAll(/bridges\/([^/?\s]+)\//g)].map((m) => m[1]!);
  return s.fake.log
    .filter((l) => l.startsWith('REQ ') && (l.includes('record') || l.includes('/bridges')))
    .map((l) => ids.reduce((line, id) => line.replaceAll(id, 'B'), l));
}

describe('<Dial record> on Asterisk', () => {
  it('from the answer: records the mixing bridge once both are in it; stop() stores the file', async () => {
    const { s, session, leg } = await dialling('record-from-answer');
    s.fake.state.far(leg, 'answer');
    await settle(s.fake);
    const bridging = session.bridge(0);
    const recording = session.record!({ recordingSid: 'RE1', fromRinging: false, dual: false }, open());
    await bridging;
    const live = await recording;
    await advance(s.fake, s.clock, 4000);
    const { url } = await live.stop();
    // 4 s of the fake's audio: a wav header plus 4 × 8000 samples.
    expect(url).toBe(`http://rcml.test/recordings/RE1.wav?bytes=${44 + 4 * 16000}`);
    expect(recordingRequests(s)).toEqual([
      'REQ POST /ari/bridges?type=mixing',
      `REQ POST /ari/bridges/B/addChannel?channel=${[...s.fake.state.bridges.values()][0]!.channels.join(',')}`,
      `REQ POST /ari/bridges/B/record?name=RE1&${RECORD_QUERY}`,
      'REQ POST /ari/recordings/live/RE1/stop',
      'REQ GET /ari/recordings/stored/RE1/file',
    ]);
  });

  it('from the answer: the callee hanging up ends the bridge and its recording; stop() still stores it', async () => {
    const { s, session, leg } = await dialling('record-from-answer-dual');
    s.fake.state.far(leg, 'answer');
    await settle(s.fake);
    const bridging = session.bridge(0);
    const recording = session.record!({ recordingSid: 'RE2', fromRinging: false, dual: true }, open());
    await bridging;
    const live = await recording;
    await advance(s.fake, s.clock, 2000);
    s.fake.state.hangup(leg, { soft: false, cause: 16 });
    await settle(s.fake);
    expect(s.fake.state.bridges.size).toBe(0);
    const { url } = await live.stop();
    expect(url).toBe(`http://rcml.test/recordings/RE2.wav?bytes=${44 + 2 * 16000}`);
  });

  it('from ringing: the caller until the bridge, then the bridge; one file of both parts', async () => {
    const { s, model, session, leg } = await dialling('record-from-ringing');
    const live = await session.record!({ recordingSid: 'RE3', fromRinging: true, dual: false }, open());
    expect(recordingRequests(s)).toEqual([
      `REQ POST /ari/channels/${model.id}/record?name=RE3&${RECORD_QUERY}`,
    ]);
    await advance(s.fake, s.clock, 2000);
    s.fake.state.far(leg, 'answer');
    await settle(s.fake);
    await session.bridge(0);
    await advance(s.fake, s.clock, 3000);
    const { url } = await live.stop();
    expect(url).toBe(`http://rcml.test/recordings/RE3.wav?bytes=${44 + 5 * 16000}`);
    expect(recordingRequests(s).slice(1)).toEqual([
      // A channel in a bridge cannot be recorded: its part ends before it joins.
      'REQ POST /ari/recordings/live/RE3/stop',
      'REQ POST /ari/bridges?type=mixing',
      `REQ POST /ari/bridges/B/addChannel?channel=${model.id},${leg.id}`,
      `REQ POST /ari/bridges/B/record?name=RE3-2&${RECORD_QUERY}`,
      'REQ POST /ari/recordings/live/RE3-2/stop',
      'REQ GET /ari/recordings/stored/RE3/file',
      'REQ GET /ari/recordings/stored/RE3-2/file',
    ]);
  });

  it('from ringing, nobody answering: the caller’s part alone', async () => {
    const { s, session } = await dialling('record-from-ringing-dual');
    const live = await session.record!({ recordingSid: 'RE4', fromRinging: true, dual: true }, open());
    await advance(s.fake, s.clock, 6000);
    const { url } = await live.stop();
    expect(url).toBe(`http://rcml.test/recordings/RE4.wav?bytes=${44 + 6 * 16000}`);
  });

  it('aborting the recording discards it', async () => {
    const { s, session } = await dialling('record-from-ringing');
    const controller = new AbortController();
    await session.record!({ recordingSid: 'RE5', fromRinging: true, dual: false }, controller.signal);
    controller.abort();
    await settle(s.fake);
    expect(s.fake.log).toContain('REQ DELETE /ari/recordings/live/RE5');
    expect(s.fake.state.stored.has('RE5')).toBe(false);
  });
});
