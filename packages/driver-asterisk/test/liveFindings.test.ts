/**
 * Regressions for what a run against a real Asterisk 22.10.1 found (issue "Asterisk, proven
 * live"), on the fake Asterisk, which now behaves as the real server did: a created leg's
 * 200 before its `StasisStart`, 409 for an existing bridge id, 409 for stopping a recording
 * Asterisk has just ended itself, and no ARI at all once Asterisk is stopped.
 */
import type { AddressInfo } from 'node:net';
import { isRcmlError, type Logger } from '@rcml/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelAri } from './fake/modelAri.js';
import { advance, answeredInbound, type ModelSetup, settle, startModel } from './fake/modelHarness.js';
import { conferenceDial, recorder, until } from './helpers.js';

const open = () => new AbortController().signal;
let setup: ModelSetup | null = null;
let extraFake: ModelAri | null = null;

afterEach(async () => {
  await setup?.t.driver.stop().catch(() => undefined);
  await setup?.fake.close().catch(() => undefined);
  await extraFake?.close().catch(() => undefined);
  setup = null;
  extraFake = null;
});

interface LogLine {
  readonly level: string;
  readonly message: string;
  readonly fields: Record<string, unknown> | undefined;
}

function memoryLogger(): { logger: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const at =
    (level: string) =>
    (message: string, fields?: Record<string, unknown>): void => {
      lines.push({ level, message, fields });
    };
  return { lines, logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') } };
}

async function start(overrides: Parameters<typeof startModel>[0] = {}): Promise<ModelSetup> {
  setup = await startModel(overrides);
  return setup;
}

const dialOne = (to: string, callSid: string, callerId: string) => ({
  targets: [{ type: 'number' as const, to, callSid }],
  timeout: 20,
  timeLimit: 14400,
  callerId,
  hangupOnStar: false,
  record: 'do-not-record' as const,
});

describe('a created leg is dialled only once it is in Stasis', () => {
  it('30 sequential single dials: each waits for its StasisStart, none is refused', async () => {
    const s = await start();
    const { call } = await answeredInbound(s);
    for (let i = 0; i < 30; i += 1) {
      const session = call.channel.dial(
        dialOne(`+1555000${String(i).padStart(4, '0')}`, `CA${i}`, ''),
        open(),
      );
      const leg = recorder();
      session.legs[0]!.listen(leg);
      const to = `+1555000${String(i).padStart(4, '0')}`;
      const mine = () => [...s.fake.state.channels.values()].find((c) => c.endpoint.includes(to));
      for (let k = 0; k < 50 && mine()?.dialing !== true; k += 1) await settle(s.fake);
      const model = mine()!;
      const lines = s.fake.log.filter((l) => l.includes(model.id) && !l.startsWith('EV Dial'));
      // The 200 of create comes first, then StasisStart, and only then the dial.
      expect(lines.slice(0, 2)).toEqual([
        `EV StasisStart ${model.id}`,
        `REQ POST /ari/channels/${model.id}/dial?caller=${call.channel.id}&timeout=20`,
      ]);
      s.fake.state.far(model, 'answer');
      await until(() => leg.events.length > 0, `leg ${i} to answer`);
      expect(leg.events).toEqual(['answered']);
      await session.bridge(0);
      s.fake.state.hangup(model, { soft: false, cause: 16 });
      await until(() => leg.events.length > 1, `leg ${i} to hang up`);
      expect(leg.events).toEqual(['answered', 'hangup']);
      await until(() => s.fake.state.bridges.size === 0, `the bridge of leg ${i} to go`);
    }
    expect(s.fake.refusals).toEqual([]);
  });

  it('a callerId dial sets the connected line after StasisStart, then dials', async () => {
    const s = await start();
    const { call } = await answeredInbound(s);
    const session = call.channel.dial(dialOne('+15550009999', 'CAleg', '+15550000042'), open());
    const leg = recorder();
    session.legs[0]!.listen(leg);
    await settle(s.fake);
    const model = [...s.fake.state.channels.values()].find((c) => c.kind === 'created')!;
    const lines = s.fake.log.filter((l) => l.includes(model.id) && !l.startsWith('EV Dial'));
    expect(lines.slice(0, 3)).toEqual([
      `EV StasisStart ${model.id}`,
      `REQ POST /ari/channels/${model.id}/variable?variable=CONNECTEDLINE(num,i)&value=+15550000042`,
      `REQ POST /ari/channels/${model.id}/dial?timeout=20`,
    ]);
    expect(model.dialing).toBe(true);
    expect(leg.events).toEqual([]);
  });

  it('a leg hung up before its StasisStart is never dialled', async () => {
    const s = await start({ ringTimeoutMarginSeconds: 0 });
    const { call } = await answeredInbound(s);
    const session = call.channel.dial(dialOne('+15550009999', 'CAleg', ''), open());
    session.legs[0]!.listen(recorder());
    // Hang up before the fake's StasisStart timer fires (settle would fire it).
    await until(() => [...s.fake.state.channels.values()].some((c) => c.kind === 'created'), 'the leg');
    await session.legs[0]!.hangup();
    await settle(s.fake);
    expect(s.fake.log.some((l) => l.includes('/dial?'))).toBe(false);
  });
});

describe('conferences on a real Asterisk', () => {
  it('the second member gets 409 for the room bridge and joins the existing one', async () => {
    const s = await start();
    const a = await answeredInbound(s, { from: '+15551230001', to: '+15550001000' });
    const b = await answeredInbound(s, { from: '+15551230002', to: '+15550002000' });
    const c = await answeredInbound(s, { from: '+15551230003', to: '+15550003000' });
    const legs = [a, b, c].map((m, i) => {
      const session = m.call.channel.dial(conferenceDial('team', `CA${i}`), open());
      const rec = recorder();
      session.legs[0]!.listen(rec);
      return { session, rec };
    });
    await settle(s.fake);
    expect(legs.map((l) => l.rec.events)).toEqual([['answered'], ['answered'], ['answered']]);
    expect(s.fake.state.bridges.get('rcml-conf-team')?.channels).toEqual([
      a.model.id,
      b.model.id,
      c.model.id,
    ]);
    expect(
      s.fake.log.filter((l) => l.includes('/bridges/rcml-conf-team') && !l.includes('addChannel')),
    ).toEqual([
      'REQ POST /ari/bridges/rcml-conf-team?type=mixing&name=team',
      'REQ POST /ari/bridges/rcml-conf-team?type=mixing&name=team',
      'REQ GET /ari/bridges/rcml-conf-team',
      'REQ POST /ari/bridges/rcml-conf-team?type=mixing&name=team',
      'REQ GET /ari/bridges/rcml-conf-team',
    ]);
    // Members leave one by one; the last one out removes the bridge.
    await legs[1]!.session.legs[0]!.hangup();
    await settle(s.fake);
    expect(s.fake.state.bridges.get('rcml-conf-team')?.channels).toEqual([a.model.id, c.model.id]);
    await legs[0]!.session.legs[0]!.hangup();
    await legs[2]!.session.legs[0]!.hangup();
    await settle(s.fake);
    expect(s.fake.state.bridges.has('rcml-conf-team')).toBe(false);
  });

  it('endConferenceOnExit from a member refused as full does not end the room', async () => {
    const s = await start();
    const a = await answeredInbound(s, { from: '+15551230001', to: '+15550001000' });
    const b = await answeredInbound(s, { from: '+15551230002', to: '+15550002000' });
    const first = recorder();
    a.call.channel
      .dial(conferenceDial('small', 'CAa', { maxParticipants: 1 }), open())
      .legs[0]!.listen(first);
    await settle(s.fake);
    const second = recorder();
    const refused = b.call.channel.dial(
      conferenceDial('small', 'CAb', { maxParticipants: 1, endConferenceOnExit: true }),
      open(),
    );
    refused.legs[0]!.listen(second);
    await settle(s.fake);
    expect(second.events).toEqual(['failed:conference-full']);
    await refused.legs[0]!.hangup();
    await settle(s.fake);
    expect(first.events).toEqual(['answered']);
    expect(s.fake.state.bridges.get('rcml-conf-small')?.channels).toEqual([a.model.id]);
  });

  it('endConferenceOnExit from a member who joined ends the room for the others', async () => {
    const s = await start();
    const a = await answeredInbound(s, { from: '+15551230001', to: '+15550001000' });
    const b = await answeredInbound(s, { from: '+15551230002', to: '+15550002000' });
    const stayer = recorder();
    a.call.channel.dial(conferenceDial('end', 'CAa'), open()).legs[0]!.listen(stayer);
    const ender = b.call.channel.dial(conferenceDial('end', 'CAb', { endConferenceOnExit: true }), open());
    ender.legs[0]!.listen(recorder());
    await settle(s.fake);
    await ender.legs[0]!.hangup();
    await settle(s.fake);
    expect(stayer.events).toEqual(['answered', 'hangup']);
  });
});

describe('recordings ended by a key', () => {
  it('the stop racing Asterisk’s own terminateOn (409) still gives the file', async () => {
    const s = await start();
    const { call, model } = await answeredInbound(s);
    let result: Promise<{ url: string }> | null = null;
    const session = await call.channel.record(
      {
        maxLength: 60,
        timeout: 5,
        finishOnKey: '#',
        playBeep: false,
        trim: 'trim-silence',
        recordingSid: 'REkey',
      },
      open(),
    );
    // The engine stops the recording as soon as it hears the key, as Asterisk ends it too.
    call.channel.listen({
      ...recorder(),
      dtmf: () => {
        result = session.stop();
      },
    });
    await advance(s.fake, s.clock, 2000);
    s.fake.state.farDtmf(model, '#');
    await advance(s.fake, s.clock, 300);
    await until(() => result !== null, 'the key');
    const { url } = await result!;
    expect(url).toBe(`http://rcml.test/recordings/REkey.wav?bytes=${44 + 2 * 16000}`);
    expect(s.fake.log.filter((l) => l.includes('recordings/'))).toEqual([
      'REQ POST /ari/recordings/live/REkey/stop',
      'REQ GET /ari/recordings/stored/REkey',
      'REQ GET /ari/recordings/stored/REkey/file',
    ]);
  });

  it('trim="do-not-trim" gives Asterisk no maxSilenceSeconds (it would trim the silence)', async () => {
    const s = await start();
    const { call, model } = await answeredInbound(s);
    await call.channel.record(
      {
        maxLength: 60,
        timeout: 5,
        finishOnKey: '#',
        playBeep: false,
        trim: 'do-not-trim',
        recordingSid: 'REnt',
      },
      open(),
    );
    expect(s.fake.log.filter((l) => l.includes('/record?'))).toEqual([
      `REQ POST /ari/channels/${model.id}/record?name=REnt&format=wav&maxDurationSeconds=60&maxSilenceSeconds=0&beep=false&terminateOn=%23&ifExists=overwrite`.replace(
        '%23',
        '#',
      ),
    ]);
  });
});

describe('caller-chosen channel ids', () => {
  it('Asterisk refuses an id that is a prefix of a live one: the call fails, and the refusal is logged', async () => {
    const { logger, lines } = memoryLogger();
    const s = await start({ logger });
    const live = s.t.driver.originate({
      callSid: 'CA12',
      to: '+15550000001',
      from: '+15551112222',
      timeout: 30,
      detectVoicemail: false,
    });
    live.listen(recorder());
    await settle(s.fake);
    const refused = s.t.driver.originate({
      callSid: 'CA1',
      to: '+15550000002',
      from: '+15551112222',
      timeout: 30,
      detectVoicemail: false,
    });
    const rec = recorder();
    refused.listen(rec);
    await until(() => rec.events.length > 0, 'the refusal');
    expect(rec.events).toEqual(['failed:unreachable']);
    expect(s.fake.state.channels.has('rcml-CA1')).toBe(false);
    expect(
      lines.some(
        (l) =>
          l.message === 'ARI request failed' && l.fields?.status === 409 && l.fields?.path === '/channels',
      ),
    ).toBe(false);
    expect(
      lines.some((l) => l.message === 'originate failed' && String(l.fields?.error).includes('409')),
    ).toBe(true);
  });
});

describe('withheld caller numbers', () => {
  it('an inbound call with an empty caller number arrives as From=anonymous', async () => {
    const s = await start();
    s.fake.state.inbound('', '+15550001000');
    await until(() => s.t.inbound.length > 0, 'the inbound call');
    expect(s.t.inbound[0]!.from).toBe('anonymous');
  });
});

describe('losing Asterisk', () => {
  it('killed under live calls: they end at once, new calls are refused, and after a restart calls run again', async () => {
    const { logger, lines } = memoryLogger();
    const s = await start({ logger });
    const port = (new URL(s.fake.url) as URL).port;
    const a = await answeredInbound(s);
    const b = await answeredInbound(s, { from: '+15551230002', to: '+15550002000' });
    const outbound = s.t.driver.originate({
      callSid: 'CAout',
      to: '+15557654321',
      from: '+15551112222',
      timeout: 30,
      detectVoicemail: false,
    });
    const ringing = recorder();
    outbound.listen(ringing);
    await settle(s.fake);

    await s.fake.close();
    await until(
      () => a.rec.events.length > 0 && b.rec.events.length > 0 && ringing.events.length > 0,
      'the calls to end',
    );
    expect(a.rec.events).toEqual(['hangup']);
    expect(b.rec.events).toEqual(['hangup']);
    expect(ringing.events).toEqual(['failed:unreachable']);
    expect(lines.some((l) => l.level === 'error' && l.message.startsWith('ARI connection lost'))).toBe(true);
    expect(lines.some((l) => l.message === 'ARI request failed' && l.fields?.path === '/asterisk/ping')).toBe(
      true,
    );

    let refused: unknown = null;
    try {
      s.t.driver.originate({
        callSid: 'CAnew',
        to: '+15550000001',
        from: '+15551112222',
        timeout: 30,
        detectVoicemail: false,
      });
    } catch (error) {
      refused = error;
    }
    expect(isRcmlError(refused) && refused.code).toBe(14103);
    expect((refused as Error).message).toMatch(/Asterisk is unreachable/);

    // Asterisk comes back on the same port; the socket reconnects on its backoff.
    extraFake = await ModelAri.start({ clock: s.clock }, Number(port));
    expect((extraFake as unknown as { server: { address(): AddressInfo } }).server.address().port).toBe(
      Number(port),
    );
    for (let i = 0; i < 10 && !extraFake.connected; i += 1) {
      await until(() => s.clock.pending > 0, 'the reconnection timer');
      s.clock.fireNext();
      await until(() => extraFake!.connected || s.clock.pending > 0, 'an attempt');
    }
    expect(extraFake.connected).toBe(true);
    await until(() => lines.some((l) => l.message === 'ARI connection is back'), 'the log line');
    const again = s.t.driver.originate({
      callSid: 'CAagain',
      to: '+15550000001',
      from: '+15551112222',
      timeout: 30,
      detectVoicemail: false,
    });
    again.listen(recorder());
    await settle(extraFake);
    expect(extraFake.state.channels.has('rcml-CAagain')).toBe(true);
  });

  it('one dead connection ends only the call whose operation it carried; Asterisk stays reachable', async () => {
    const { logger, lines } = memoryLogger();
    const s = await start({ logger });
    const a = await answeredInbound(s);
    const b = await answeredInbound(s, { from: '+15551230002', to: '+15550002000' });
    s.fake.dropNext(`/channels/${a.model.id}/play`);
    const error = await a.call.channel.play({ url: 'sound:hello-world', loop: 1 }, open()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isRcmlError(error) && error.code).toBe(14103);
    expect(a.rec.events).toEqual(['hangup']);
    await settle(s.fake);
    expect(b.rec.events).toEqual([]);
    expect(lines.some((l) => l.message.startsWith('ARI connection lost'))).toBe(false);
    const next = s.t.driver.originate({
      callSid: 'CAnext',
      to: '+15550000001',
      from: '+15551112222',
      timeout: 30,
      detectVoicemail: false,
    });
    next.listen(recorder());
    await settle(s.fake);
    expect(s.fake.state.channels.has('rcml-CAnext')).toBe(true);
  });

  it('a media operation whose request cannot be sent ends the call (no next verb)', async () => {
    const s = await start();
    const { call, rec } = await answeredInbound(s);
    s.fake.stopHttp();
    const error = await call.channel.play({ url: 'sound:hello-world', loop: 1 }, open()).then(
      () => null,
      (e: unknown) => e,
    );
    expect(isRcmlError(error) && error.code).toBe(14103);
    expect(rec.events).toEqual(['hangup']);
  });
});
