/**
 * The channel operations queues, conferences and recordings need, on the fake Asterisk:
 * `connect` (`<Dial><Queue>`), a conference leg's `mute`, `hold`, `recordCall` and voice
 * activity (`speaker` events), and the driver's `recordingAudio`; then the real engine running
 * `<Enqueue>`/`<Dial><Queue>` and a supervisor's mute and hold over them.
 */
import { readFile } from 'node:fs/promises';
import type { EngineEvent } from '@rcml/core';
import { createEngine, isRcmlError } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { advance, answeredInbound, driverRequests, settle, useModel } from './fake/modelHarness.js';
import { conferenceDial, recorder, until, webApp } from './helpers.js';

const open = () => new AbortController().signal;
const { start } = useModel();
const requests = driverRequests;

describe('connect (<Dial><Queue>)', () => {
  it('puts both calls in a bridge of their own until the engine aborts, then removes it', async () => {
    const s = await start();
    const agent = await answeredInbound(s, { from: '+15550000001' });
    const caller = await answeredInbound(s, { from: '+15550000002' });
    const connection = new AbortController();
    await agent.call.channel.connect!(caller.call.channel, connection.signal);
    await settle(s.fake);
    const bridges = [...s.fake.state.bridges.values()];
    expect(bridges.map((b) => b.channels)).toEqual([[agent.model.id, caller.model.id]]);
    expect(requests(s).filter((r) => r.includes('/bridges'))).toEqual([
      'REQ POST /ari/bridges?type=mixing',
      `REQ POST /ari/bridges/${bridges[0]!.id}/addChannel?channel=${agent.model.id},${caller.model.id}`,
    ]);

    connection.abort();
    // The caller's next command waits for the bridge to be gone.
    const said = caller.call.channel.say({ text: 'after', voice: 'man', language: 'en-US', loop: 1 }, open());
    await settle(s.fake);
    const log = requests(s);
    const deleted = log.indexOf(`REQ DELETE /ari/bridges/${bridges[0]!.id}`);
    const played = log.findIndex((l) => l.startsWith(`REQ POST /ari/channels/${caller.model.id}/play`));
    expect(deleted).toBeGreaterThan(0);
    expect(played).toBeGreaterThan(deleted);
    expect(s.fake.state.bridges.size).toBe(0);
    await advance(s.fake, s.clock, 1000);
    await said;
  });

  it('waits for a prompt still playing to either party; an abort meanwhile makes no bridge', async () => {
    const s = await start();
    const agent = await answeredInbound(s, { from: '+15550000001' });
    const caller = await answeredInbound(s, { from: '+15550000002' });
    const prompt = caller.call.channel.play({ url: 'sound:tt-monkeys', loop: 1 }, open());
    await settle(s.fake);
    const connection = new AbortController();
    const connecting = agent.call.channel.connect!(caller.call.channel, connection.signal);
    await settle(s.fake);
    expect(s.fake.state.bridges.size).toBe(0);
    await advance(s.fake, s.clock, 1000);
    await prompt;
    await connecting;
    expect([...s.fake.state.bridges.values()].map((b) => b.channels)).toEqual([
      [agent.model.id, caller.model.id],
    ]);

    const again = new AbortController();
    const second = caller.call.channel.play({ url: 'sound:tt-monkeys', loop: 1 }, open());
    connection.abort();
    await settle(s.fake);
    const other = await answeredInbound(s, { from: '+15550000003' });
    const waiting = other.call.channel.connect!(caller.call.channel, again.signal);
    await settle(s.fake);
    again.abort();
    await waiting;
    await advance(s.fake, s.clock, 1000);
    await second;
    expect(s.fake.state.bridges.size).toBe(0);
  });

  it('a hang-up of either call takes the bridge down; the other call carries on', async () => {
    const s = await start();
    const agent = await answeredInbound(s, { from: '+15550000001' });
    const caller = await answeredInbound(s, { from: '+15550000002' });
    await agent.call.channel.connect!(caller.call.channel, open());
    await settle(s.fake);
    s.fake.state.hangup(caller.model, { soft: false, cause: 16 });
    await settle(s.fake);
    expect(caller.rec.events).toContain('hangup');
    expect(s.fake.state.bridges.size).toBe(0);
    expect(agent.model.destroyed).toBe(false);
    expect(agent.rec.events).not.toContain('hangup');
  });

  it('refuses a channel that is not one of this Asterisk driver, and a call that has hung up (14103)', async () => {
    const s = await start();
    const agent = await answeredInbound(s, { from: '+15550000001' });
    const caller = await answeredInbound(s, { from: '+15550000002' });
    const foreign = { ...caller.call.channel, id: 'sim-1' };
    const refused = await agent.call.channel.connect!(foreign, open()).catch((e: unknown) => e);
    expect(isRcmlError(refused) && refused.code).toBe(14103);
    s.fake.state.hangup(caller.model, { soft: false, cause: 16 });
    await settle(s.fake);
    const gone = await agent.call.channel.connect!(caller.call.channel, open()).catch((e: unknown) => e);
    expect(isRcmlError(gone) && gone.code).toBe(14103);
    expect(s.fake.state.bridges.size).toBe(0);
  });
});

describe('a conference leg', () => {
  it('mute silences the caller in the room (direction in) and unmute gives the voice back', async () => {
    const s = await start();
    const a = await answeredInbound(s);
    const leg = a.call.channel.dial(conferenceDial('team', 'CAa'), open()).legs[0]!;
    leg.listen(recorder());
    await settle(s.fake);
    await leg.mute!(true);
    expect(a.model.muted).toEqual({ in: true, out: false });
    await leg.mute!(false);
    expect(a.model.muted).toEqual({ in: false, out: false });
    expect(requests(s).filter((r) => r.includes('/mute'))).toEqual([
      `REQ POST /ari/channels/${a.model.id}/mute?direction=in`,
      `REQ DELETE /ari/channels/${a.model.id}/mute?direction=in`,
    ]);
    // Unmuted by the API: leaving does not unmute again.
    await leg.hangup();
    await settle(s.fake);
    expect(requests(s).filter((r) => r.includes('/mute'))).toHaveLength(2);
  });

  it('a member who joined muted and is still muted is unmuted when it leaves', async () => {
    const s = await start();
    const a = await answeredInbound(s);
    const leg = a.call.channel.dial(conferenceDial('team', 'CAa', { muted: true }), open()).legs[0]!;
    leg.listen(recorder());
    await settle(s.fake);
    expect(a.model.muted.in).toBe(true);
    await leg.hangup();
    await settle(s.fake);
    expect(a.model.muted.in).toBe(false);
  });

  it('hold takes the caller out of the bridge onto music on hold; unhold puts it back', async () => {
    const s = await start();
    const a = await answeredInbound(s, { from: '+15550000001' });
    const b = await answeredInbound(s, { from: '+15550000002' });
    const la = a.call.channel.dial(conferenceDial('team', 'CAa'), open()).legs[0]!;
    la.listen(recorder());
    b.call.channel.dial(conferenceDial('team', 'CAb'), open()).legs[0]!.listen(recorder());
    await settle(s.fake);
    await la.hold!(true);
    await settle(s.fake);
    expect(s.fake.state.bridges.get('rcml-conf-team')?.channels).toEqual([b.model.id]);
    expect(a.model.moh).toBe(true);
    await la.hold!(false);
    await settle(s.fake);
    expect(a.model.moh).toBe(false);
    expect(s.fake.state.bridges.get('rcml-conf-team')?.channels).toEqual([b.model.id, a.model.id]);
    // A held member who hangs up: its music stops, it is never removed from the bridge twice.
    await la.hold!(true);
    await la.hangup();
    await settle(s.fake);
    expect(a.model.moh).toBe(false);
    expect(requests(s).filter((r) => r.includes('removeChannel'))).toHaveLength(2);
  });

  it('a member held while the room waits is not moved in when it starts, only when taken off hold', async () => {
    const s = await start();
    const waiter = await answeredInbound(s, { from: '+15550000001' });
    const host = await answeredInbound(s, { from: '+15550000002' });
    const lw = waiter.call.channel.dial(
      conferenceDial('board', 'CAw', { startConferenceOnEnter: false }),
      open(),
    ).legs[0]!;
    lw.listen(recorder());
    await settle(s.fake);
    await lw.hold!(true);
    host.call.channel.dial(conferenceDial('board', 'CAh'), open()).legs[0]!.listen(recorder());
    await settle(s.fake);
    expect(s.fake.state.bridges.get('rcml-conf-board')?.channels).toEqual([host.model.id]);
    expect(waiter.model.moh).toBe(true);
    await lw.hold!(false);
    await settle(s.fake);
    expect(waiter.model.moh).toBe(false);
    expect(s.fake.state.bridges.get('rcml-conf-board')?.channels).toEqual([host.model.id, waiter.model.id]);
  });

  it("reports the caller's voice (TALK_DETECT) as the leg's voice events, for speaker callbacks", async () => {
    const s = await start();
    const a = await answeredInbound(s);
    const leg = a.call.channel.dial(conferenceDial('team', 'CAa'), open()).legs[0]!;
    const events = recorder();
    leg.listen(events);
    await settle(s.fake);
    s.fake.state.farSpeak(a.model, 2);
    await advance(s.fake, s.clock, 2500);
    expect(events.events).toEqual(['answered', 'voice:true', 'voice:false']);
    await leg.hangup();
    await settle(s.fake);
    s.fake.state.farSpeak(a.model, 1);
    await advance(s.fake, s.clock, 1500);
    expect(events.events).toEqual(['answered', 'voice:true', 'voice:false']);
  });

  it("recordCall records the room's bridge; its audio comes back through recordingAudio", async () => {
    const s = await start();
    const a = await answeredInbound(s);
    const leg = a.call.channel.dial(conferenceDial('team', 'CAa'), open()).legs[0]!;
    leg.listen(recorder());
    await settle(s.fake);
    const recordingSid = 'RE0000000000000000000000000000000a';
    const session = await leg.recordCall!({ recordingSid, dual: false }, open());
    expect(requests(s)).toContain(
      `REQ POST /ari/bridges/rcml-conf-team/record?name=${recordingSid}&format=wav&maxDurationSeconds=0&maxSilenceSeconds=0&beep=false&terminateOn=none&ifExists=overwrite`,
    );
    await advance(s.fake, s.clock, 3000);
    const stopped = session.stop();
    await settle(s.fake);
    expect((await stopped).url).toContain(recordingSid);
    expect(s.fake.state.stored.get(recordingSid)).toBe(3);
    // The test store cannot read back: the audio is Asterisk's copy.
    const audio = s.t.driver.recordingAudio!({ recordingSid, url: (await stopped).url });
    await settle(s.fake);
    const wav = Buffer.from(await audio);
    expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(wav.length).toBe(44 + 3 * 8000 * 2);
  });
});

describe('recordingAudio', () => {
  it('reads the default folder store first, then Asterisk; a recording neither has is 14103', async () => {
    // `recordingStore: undefined` keeps the driver's own folder store.
    const s = await start({ recordingStore: undefined as never });
    const a = await answeredInbound(s);
    const recordingSid = 'RE0000000000000000000000000000000b';
    const session = await a.call.channel.record(
      { maxLength: 60, timeout: 0, finishOnKey: '', playBeep: false, trim: 'do-not-trim', recordingSid },
      open(),
    );
    await advance(s.fake, s.clock, 2000);
    const stopping = session.stop();
    await until(() => s.fake.state.stored.has(recordingSid), 'the stored recording');
    const { url } = await stopping;
    const onDisk = await readFile(
      new URL(url.replace('http://rcml.test/recordings', `file://${s.t.dir}/recordings`)),
    );
    // Asterisk forgets its copy: the folder's still answers.
    s.fake.state.stored.delete(recordingSid);
    const audio = await s.t.driver.recordingAudio!({ recordingSid, url });
    expect(Buffer.from(audio).equals(onDisk)).toBe(true);
    const missing = await s.t.driver.recordingAudio!({
      recordingSid: 'RE0000000000000000000000000000000c',
      url: '',
    }).catch((e: unknown) => e);
    expect(isRcmlError(missing) && missing.code).toBe(14103);
  });
});

describe('the engine on Asterisk', () => {
  it('<Dial><Queue> takes the waiting caller: both in one bridge; the caller gets QueueResult=bridged', async () => {
    const s = await start();
    const { fake, clock, t } = s;
    const app = webApp({
      'http://app.test/caller':
        '<Response><Enqueue action="/left" waitUrl="/wait">support</Enqueue></Response>',
      'http://app.test/wait': '<Response><Say>Please hold</Say><Pause length="5"/></Response>',
      'http://app.test/left': '<Response><Hangup/></Response>',
      'http://app.test/agent': '<Response><Dial><Queue>support</Queue></Dial><Hangup/></Response>',
    });
    const engine = createEngine({ driver: t.driver, http: app.http, clock });
    const events: EngineEvent[] = [];
    engine.subscribe((e) => events.push(e));
    const arrive = async (from: string, path: string) => {
      const handled = t.inbound.length;
      const model = fake.state.inbound(from, '+15550001000');
      await until(() => t.inbound.length > handled, 'the inbound call');
      const call = t.inbound[handled]!;
      engine.inbound({ From: call.from, To: call.to, Url: `http://app.test${path}` }, call.channel);
      return model;
    };
    const caller = await arrive('+15551230001', '/caller');
    await advance(fake, clock, 2000);
    expect(app.requests.some((r) => r.url.startsWith('http://app.test/wait'))).toBe(true);
    const agent = await arrive('+15551230002', '/agent');
    await advance(fake, clock, 1000);
    const bridges = [...fake.state.bridges.values()];
    expect(bridges.map((b) => [...b.channels].sort())).toEqual([[caller.id, agent.id].sort()]);
    // The agent hangs up: the caller's action runs with QueueResult=bridged.
    fake.state.hangup(agent, { soft: false, cause: 16 });
    await advance(fake, clock, 1000);
    await until(() => caller.destroyed, "the caller's hang-up");
    const left = app.requests.find((r) => r.url.startsWith('http://app.test/left'));
    expect(left?.params.QueueResult).toBe('bridged');
    expect(fake.state.bridges.size).toBe(0);
    expect(events.filter((e) => e.type === 'notice' && e.code === 14103)).toEqual([]);
  });
});
