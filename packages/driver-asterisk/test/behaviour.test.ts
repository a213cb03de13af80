/**
 * Known ARI behaviours, checked against the fake Asterisk: commands queued behind a playback,
 * WebSocket drops, ARI errors, vanished channels, voice activity, recordings, outbound calls,
 * caller IDs of dial legs and conferences.
 */
import { isRcmlError } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { createAsteriskDriver } from '../src/index.js';
import { advance, answeredInbound, driverRequests, settle, useModel } from './fake/modelHarness.js';
import { conferenceDial, recorder, until } from './helpers.js';

const open = () => new AbortController().signal;
const { start, release } = useModel();
const requests = driverRequests;

describe('the channel media queue', () => {
  it('DTMF asked right after a barge-in goes out only once the playback has really finished', async () => {
    const s = await start();
    const { call, model } = await answeredInbound(s);
    const bargeIn = new AbortController();
    const playing = call.channel.play({ url: 'sound:tt-monkeys', loop: 1 }, bargeIn.signal);
    await advance(s.fake, s.clock, 300);
    bargeIn.abort();
    expect(await playing).toEqual({ ok: true });
    const digits = call.channel.sendDigits({ digits: '12w3' }, open());
    let sent = false;
    void digits.then(() => {
      sent = true;
    });
    await advance(s.fake, s.clock, 0);
    const log = s.fake.log;
    const finished = log.findIndex((l) => l.startsWith('EV PlaybackFinished'));
    const dtmf = log.findIndex((l) => l.includes(`/channels/${model.id}/dtmf`));
    expect(finished).toBeGreaterThan(-1);
    expect(dtmf).toBeGreaterThan(finished);
    expect(log[dtmf]).toContain('dtmf=12&before=0&between=100&duration=100');
    // Two digits of 200 ms, then `w` (500 ms), then the last digit.
    await advance(s.fake, s.clock, 899);
    expect(sent).toBe(false);
    expect(log.filter((l) => l.includes('/dtmf'))).toHaveLength(1);
    await advance(s.fake, s.clock, 1);
    expect(log.filter((l) => l.includes('/dtmf'))).toHaveLength(2);
    await advance(s.fake, s.clock, 200);
    expect(sent).toBe(true);
  });

  it('a say loop of 25 is sent as media lists of at most 10', async () => {
    const s = await start();
    const { call } = await answeredInbound(s);
    const said = call.channel.say({ text: 'Hi', voice: 'man', language: 'en-US', loop: 25 }, open());
    for (let i = 0; i < 30; i += 1) await advance(s.fake, s.clock, 1000);
    await said;
    const plays = requests(s).filter((l) => l.includes('/play?'));
    expect(plays.map((l) => (/media=([^&]*)/.exec(l)?.[1] ?? '').split(',').length)).toEqual([10, 10, 5]);
  });
});

describe('the WebSocket', () => {
  it('resume: after a drop, a channel that still exists carries on; one that vanished ends', async () => {
    const s = await start({ onReconnect: 'resume' });
    const first = await answeredInbound(s, { to: '+15550001000' });
    const second = await answeredInbound(s, { to: '+15550002000' });
    s.fake.dropSocket();
    await settle(s.fake);
    // While the socket is down the second caller hangs up: its events are lost for good.
    s.fake.state.hangup(second.model, { soft: false, cause: 16 });
    expect(s.clock.nextDue()! - s.clock.now()).toBe(500);
    await advance(s.fake, s.clock, 500);
    expect(s.fake.connected).toBe(true);
    expect(second.rec.events).toEqual(['hangup']);
    expect(first.rec.events).toEqual([]);
    s.fake.state.farDtmf(first.model, '4');
    await advance(s.fake, s.clock, 300);
    expect(first.rec.events).toEqual(['dtmf:4']);
    expect(requests(s).filter((l) => l.startsWith('REQ GET /ari/channels/'))).toHaveLength(2);
  });

  it('resume: a playback that ended while the socket was down still resolves', async () => {
    const s = await start({ onReconnect: 'resume' });
    const { call } = await answeredInbound(s);
    let result: unknown = null;
    void call.channel.play({ url: 'sound:hello-world', loop: 1 }, open()).then((r) => {
      result = r;
    });
    await settle(s.fake);
    s.fake.dropSocket();
    await settle(s.fake);
    // The reconnection timer (500 ms) fires after the prompt (1000 ms) is over: its end is lost.
    s.clock.schedule(s.clock.now() + 400, () => undefined);
    s.clock.fireNext();
    await advance(s.fake, s.clock, 1000);
    expect(s.fake.connected).toBe(true);
    await until(() => result !== null, 'the play to resolve');
    expect(result).toEqual({ ok: true });
    expect(requests(s).some((l) => l.startsWith('REQ GET /ari/playbacks/pb-'))).toBe(true);
  });

  it('reconnection backs off: 500 ms, then 1 s, 2 s… while Asterisk is unreachable', async () => {
    const s = await start();
    const { rec } = await answeredInbound(s);
    const url = s.fake.url;
    await s.fake.close();
    await until(() => s.clock.pending > 0, 'the reconnection timer');
    const delays: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      await until(() => s.clock.pending > 0, 'the next attempt');
      delays.push(s.clock.nextDue()! - s.clock.now());
      s.clock.fireNext();
      await until(() => s.clock.pending > 0, 'the attempt to fail');
    }
    expect(delays).toEqual([500, 1000, 2000]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    // The check made when the socket closed could not reach ARI: the live call ended at once.
    expect(rec.events).toEqual(['hangup']);
    release();
    await s.t.driver.stop();
  });
});

describe('errors and vanished channels', () => {
  it('start() fails clearly with wrong credentials or no Asterisk', async () => {
    const s = await start();
    const wrong = createAsteriskDriver({ ariUrl: s.fake.url, ariUser: 'rcml', ariPassword: 'wrong' });
    await expect(wrong.start(() => undefined)).rejects.toMatchObject({
      code: 14103,
      message: expect.stringContaining('401'),
    });
    await wrong.stop();
    const nobody = createAsteriskDriver({ ariUrl: 'http://127.0.0.1:9', ariUser: 'u', ariPassword: 'p' });
    await expect(nobody.start(() => undefined)).rejects.toMatchObject({ code: 14103 });
    await nobody.stop();
  });

  it('a channel that vanished (404) ends the call cleanly: one hangup, the play resolves', async () => {
    const s = await start();
    const { call, rec, model } = await answeredInbound(s);
    s.fake.state.channels.delete(model.id); // gone without a single event
    expect(await call.channel.play({ url: 'sound:hello-world', loop: 1 }, open())).toEqual({ ok: true });
    await settle(s.fake);
    expect(rec.events).toEqual(['hangup']);
    await call.channel.hangup();
    expect(rec.events).toEqual(['hangup']);
  });

  it('other ARI errors reject with code 14103 and name the request', async () => {
    const s = await start();
    const channel = s.t.driver.originate({
      callSid: 'CA1',
      to: '+15557654321',
      from: '+15551112222',
      timeout: 30,
      detectVoicemail: false,
    });
    channel.listen(recorder());
    await settle(s.fake);
    // Not in Stasis before it is answered: ARI answers 409.
    const error = await channel.answer(open()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isRcmlError(error) && error.code).toBe(14103);
    expect((error as Error).message).toContain('POST /channels/rcml-CA1/answer failed with 409');
  });
});

describe('outbound calls', () => {
  it('originates with the endpoint template, caller ID, timeout and its own channel id', async () => {
    const s = await start({
      endpoints: { number: 'PJSIP/{to}@trunk', client: 'PJSIP/{to}', sip: 'PJSIP/trunk/sip:{to}' },
    });
    const rec = recorder();
    const channel = s.t.driver.originate({
      callSid: 'CA1',
      to: '+15557654321',
      from: '+15551112222',
      timeout: 25,
      detectVoicemail: false,
    });
    channel.listen(rec);
    s.t.driver.originate({
      callSid: 'CA2',
      to: 'client:alice',
      from: '+1',
      timeout: 5,
      detectVoicemail: false,
    });
    s.t.driver.originate({
      callSid: 'CA3',
      to: 'sip:bob@example.com',
      from: '+1',
      timeout: 5,
      detectVoicemail: false,
    });
    await settle(s.fake);
    expect(requests(s)).toEqual([
      'REQ POST /ari/channels?endpoint=PJSIP/+15557654321@trunk&app=rcml&appArgs=outbound&callerId=+15551112222&timeout=25&channelId=rcml-CA1',
      'REQ POST /ari/channels?endpoint=PJSIP/alice&app=rcml&appArgs=outbound&callerId=+1&timeout=5&channelId=rcml-CA2',
      'REQ POST /ari/channels?endpoint=PJSIP/trunk/sip:bob@example.com&app=rcml&appArgs=outbound&callerId=+1&timeout=5&channelId=rcml-CA3',
    ]);
    const model = s.fake.state.channels.get('rcml-CA1')!;
    s.fake.state.far(model, 'ring');
    s.fake.state.far(model, 'answer');
    await settle(s.fake);
    expect(rec.events).toEqual(['ringing', 'answered']);
  });

  it('an unanswered originate ends as no-answer when Asterisk gives up', async () => {
    const s = await start();
    const rec = recorder();
    s.t.driver
      .originate({ callSid: 'CA1', to: '+1555', from: '+1666', timeout: 5, detectVoicemail: false })
      .listen(rec);
    await advance(s.fake, s.clock, 5000);
    expect(rec.events).toEqual(['failed:no-answer']);
  });
});

describe('dial legs', () => {
  it('a caller ID other than the caller goes on the connected line, and no caller= is sent', async () => {
    const s = await start();
    const { call, model } = await answeredInbound(s);
    const session = call.channel.dial(
      {
        targets: [{ type: 'number', to: '+15550009999', callSid: 'CAleg' }],
        timeout: 20,
        timeLimit: 14400,
        callerId: '+15550000042',
        hangupOnStar: false,
        record: 'do-not-record',
      },
      open(),
    );
    session.legs[0]!.listen(recorder());
    await settle(s.fake);
    const legLines = requests(s).filter(
      (l) => l.includes('create') || l.includes('/dial') || l.includes('CONNECTEDLINE'),
    );
    const leg = [...s.fake.state.channels.values()].find((c) => c.kind === 'created')!;
    expect(legLines).toEqual([
      `REQ POST /ari/channels/create?endpoint=Local/+15550009999/n&app=rcml&appArgs=outbound&originator=${model.id}`,
      `REQ POST /ari/channels/${leg.id}/variable?variable=CONNECTEDLINE(num,i)&value=+15550000042`,
      `REQ POST /ari/channels/${leg.id}/dial?timeout=20`,
    ]);
  });

  it('two targets ring at once; the engine bridges the first to answer and hangs up the other', async () => {
    const s = await start();
    const { call, rec } = await answeredInbound(s);
    const session = call.channel.dial(
      {
        targets: [
          { type: 'number', to: '+15550000001', callSid: 'CAa' },
          { type: 'number', to: '+15550000002', callSid: 'CAb' },
        ],
        timeout: 20,
        timeLimit: 14400,
        callerId: '+15551230001',
        hangupOnStar: false,
        record: 'do-not-record',
      },
      open(),
    );
    const legs = session.legs.map(() => recorder());
    session.legs.forEach((leg, i) => {
      leg.listen(legs[i]!);
    });
    await settle(s.fake);
    const models = [...s.fake.state.channels.values()].filter((c) => c.kind === 'created');
    s.fake.state.far(models[1]!, 'answer');
    await settle(s.fake);
    expect(legs.map((l) => l.events)).toEqual([[], ['answered']]);
    await session.bridge(1);
    await session.legs[0]!.hangup();
    await settle(s.fake);
    expect(models[0]!.destroyed).toBe(true);
    const bridge = [...s.fake.state.bridges.values()][0]!;
    expect(bridge.channels).toEqual([call.channel.id, models[1]!.id]);
    // The callee hangs up: the bridge goes, the caller carries on.
    s.fake.state.hangup(models[1]!, { soft: false, cause: 16 });
    await settle(s.fake);
    expect(legs[1]!.events).toEqual(['answered', 'hangup']);
    expect(s.fake.state.bridges.size).toBe(0);
    expect(s.fake.state.channels.get(call.channel.id)?.destroyed).toBe(false);
    expect(rec.events).toEqual([]);
  });
});

describe('hangupOnStar', () => {
  it('bridges with dtmf_events, so the caller’s * still reaches the engine', async () => {
    const s = await start();
    const { call, rec } = await answeredInbound(s);
    const session = call.channel.dial(
      {
        targets: [{ type: 'number', to: '+15550000001', callSid: 'CAa' }],
        timeout: 20,
        timeLimit: 14400,
        callerId: '+15551230001',
        hangupOnStar: true,
        record: 'do-not-record',
      },
      open(),
    );
    session.legs[0]!.listen(recorder());
    await settle(s.fake);
    const leg = [...s.fake.state.channels.values()].find((c) => c.kind === 'created')!;
    s.fake.state.far(leg, 'answer');
    await settle(s.fake);
    await session.bridge(0);
    expect(requests(s)).toContain('REQ POST /ari/bridges?type=mixing,dtmf_events');
    s.fake.state.farDtmf(s.fake.state.channels.get(call.channel.id)!, '*');
    await advance(s.fake, s.clock, 300);
    expect(rec.events).toEqual(['dtmf:*']);
  });
});

describe('conferences', () => {
  it('callers naming the same room meet in one named bridge; the last one out removes it', async () => {
    const s = await start();
    const a = await answeredInbound(s, { to: '+15550001000' });
    const b = await answeredInbound(s, { to: '+15550002000' });
    const sa = a.call.channel.dial(conferenceDial('team', 'CAa'), open());
    const la = recorder();
    sa.legs[0]!.listen(la);
    const sb = b.call.channel.dial(conferenceDial('team', 'CAb'), open());
    const lb = recorder();
    sb.legs[0]!.listen(lb);
    await settle(s.fake);
    expect([la.events, lb.events]).toEqual([['answered'], ['answered']]);
    expect(s.fake.state.bridges.get('rcml-conf-team')?.channels).toEqual([a.model.id, b.model.id]);
    await sa.legs[0]!.hangup();
    await settle(s.fake);
    expect(s.fake.state.bridges.get('rcml-conf-team')?.channels).toEqual([b.model.id]);
    await sb.legs[0]!.hangup();
    await settle(s.fake);
    expect(s.fake.state.bridges.has('rcml-conf-team')).toBe(false);
  });

  it('startConferenceOnEnter="false": music on hold outside the bridge until a starting member joins', async () => {
    const s = await start();
    const waiter = await answeredInbound(s, { to: '+15550001000' });
    const host = await answeredInbound(s, { to: '+15550002000' });
    const late = await answeredInbound(s, { to: '+15550003000' });
    const sw = waiter.call.channel.dial(
      conferenceDial('board', 'CAw', { startConferenceOnEnter: false }),
      open(),
    );
    const lw = recorder();
    sw.legs[0]!.listen(lw);
    await settle(s.fake);
    // In the room (answered) but not in the bridge: hearing music, hearing nobody.
    expect(lw.events).toEqual(['answered']);
    expect(waiter.model.moh).toBe(true);
    expect(s.fake.state.bridges.get('rcml-conf-board')?.channels).toEqual([]);

    host.call.channel.dial(conferenceDial('board', 'CAh'), open()).legs[0]!.listen(recorder());
    await settle(s.fake);
    expect(waiter.model.moh).toBe(false);
    expect(s.fake.state.bridges.get('rcml-conf-board')?.channels).toEqual([host.model.id, waiter.model.id]);

    // Once started, the room stays started: a later non-starting member goes straight in.
    late.call.channel
      .dial(conferenceDial('board', 'CAl', { startConferenceOnEnter: false }), open())
      .legs[0]!.listen(recorder());
    await settle(s.fake);
    expect(late.model.moh).toBe(false);
    expect(s.fake.state.bridges.get('rcml-conf-board')?.channels).toEqual([
      host.model.id,
      waiter.model.id,
      late.model.id,
    ]);
  });

  it('a waiting member who leaves has the music stopped, and is never removed from a bridge it was not in', async () => {
    const s = await start();
    const waiter = await answeredInbound(s, { to: '+15550001000' });
    const sw = waiter.call.channel.dial(
      conferenceDial('board', 'CAw', { startConferenceOnEnter: false }),
      open(),
    );
    sw.legs[0]!.listen(recorder());
    await settle(s.fake);
    await sw.legs[0]!.hangup();
    await settle(s.fake);
    expect(waiter.model.moh).toBe(false);
    expect(requests(s).filter((r) => r.includes('/bridges/rcml-conf-board'))).toEqual([
      'REQ POST /ari/bridges/rcml-conf-board?type=mixing&name=board',
      'REQ DELETE /ari/bridges/rcml-conf-board',
    ]);
    expect(s.fake.state.bridges.has('rcml-conf-board')).toBe(false);
  });
});

describe('recording', () => {
  it('voice activity comes from TALK_DETECT; stop() ends the live recording and copies the file', async () => {
    const s = await start();
    const { call, rec, model } = await answeredInbound(s);
    expect(model.talkDetect).toBe(true);
    const session = await call.channel.record(
      {
        maxLength: 60,
        timeout: 5,
        finishOnKey: '1234567890*#',
        playBeep: true,
        trim: 'trim-silence',
        recordingSid: 'RE42',
      },
      open(),
    );
    expect(requests(s).at(-1)).toBe(
      `REQ POST /ari/channels/${model.id}/record?name=RE42&format=wav&maxDurationSeconds=60&maxSilenceSeconds=5&beep=true&terminateOn=any&ifExists=overwrite`,
    );
    s.fake.state.farSpeak(model, 2);
    await advance(s.fake, s.clock, 3000);
    expect(rec.events).toEqual(['voice:true', 'voice:false']);
    const stopping = session.stop();
    await until(() => s.fake.log.some((l) => l.includes('/recordings/stored/RE42/file')), 'the download');
    const { url } = await stopping;
    // 3 s of audio in the fake's file: a wav header plus 3 × 8000 samples.
    expect(url).toBe(`http://rcml.test/recordings/RE42.wav?bytes=${44 + 3 * 16000}`);
    expect(s.fake.log.filter((l) => l.includes('recordings/live'))).toEqual([
      'REQ POST /ari/recordings/live/RE42/stop',
    ]);
  });

  it('aborting a recording discards it', async () => {
    const s = await start();
    const { call } = await answeredInbound(s);
    const controller = new AbortController();
    await call.channel.record(
      {
        maxLength: 60,
        timeout: 5,
        finishOnKey: '#',
        playBeep: false,
        trim: 'do-not-trim',
        recordingSid: 'RE43',
      },
      controller.signal,
    );
    controller.abort();
    await settle(s.fake);
    expect(s.fake.log).toContain('REQ DELETE /ari/recordings/live/RE43');
    expect(s.fake.state.stored.has('RE43')).toBe(false);
  });
});

describe('inbound calls', () => {
  it('the dialled number can come as the second Stasis argument', async () => {
    const s = await start();
    const before = s.t.inbound.length;
    const model = s.fake.state.inbound('+15551230001', 's');
    expect(model.kind).toBe('inbound');
    await until(() => s.t.inbound.length > before);
    expect(s.t.inbound[0]!.to).toBe('s');
  });

  it('start() hangs up channels and bridges an earlier run left in the application', async () => {
    const s = await start();
    const orphan = s.fake.state.inbound('+15551230001', '+15550001000');
    s.fake.state.bridge('left-over', '');
    const next = createAsteriskDriver({
      ariUrl: s.fake.url,
      ariUser: 'rcml',
      ariPassword: 'secret',
      clock: s.clock,
    });
    await next.start(() => undefined);
    await settle(s.fake);
    expect(orphan.destroyed).toBe(true);
    expect(s.fake.state.bridges.size).toBe(0);
    await next.stop();
  });

  it('stop() hangs up the channels the driver owns', async () => {
    const s = await start();
    const { model } = await answeredInbound(s);
    await s.t.driver.stop();
    await settle(s.fake);
    expect(model.destroyed).toBe(true);
  });
});
