/**
 * Media streams on the Asterisk driver against the fake Asterisk (`fake/modelMedia.ts`): the
 * ARI requests (snoop per track, external media over RTP/μ-law to a socket on 127.0.0.1,
 * bridges), the frames delivered per track, the application's audio paced to the caller, the
 * clean-up when the stream ends or the call hangs up, and the real engine running
 * `<Connect><Stream>` and `<Start><Stream>` with an echo agent.
 */
import type {
  EngineEvent,
  HttpPort,
  MediaStreamHandler,
  MediaTrack,
  StreamPort,
  StreamSocketHandler,
} from '@rcml/core';
import { createEngine } from '@rcml/core';
import { mulawEnergy, toneFrame } from '@rcml/driver';
import { describe, expect, it } from 'vitest';
import { parseAsteriskArgs } from '../src/index.js';
import { advance, settle, useModel } from './fake/modelHarness.js';
import { recorder, until } from './helpers.js';

const { start: startFake } = useModel();

/** An answered inbound call on the fake. */
async function answeredCall() {
  const setup = await startFake();
  const { fake, t } = setup;
  const model = fake.state.inbound('+15551230001', '+15550001000');
  await until(() => t.inbound.length > 0, 'the inbound call');
  const channel = t.inbound[0]!.channel;
  const events = recorder();
  channel.listen(events);
  await channel.answer(new AbortController().signal);
  await settle(fake);
  return { ...setup, model, channel, events };
}

function frames() {
  const got: { track: MediaTrack; energy: number; ts: number; length: number }[] = [];
  const marks: { name: string; at: number }[] = [];
  let now = () => 0;
  const handler: MediaStreamHandler = {
    media: (track, payload, ts) =>
      got.push({ track, energy: mulawEnergy(payload), ts, length: payload.length }),
    markPlayed: (name) => marks.push({ name, at: now() }),
  };
  return { got, marks, handler, setNow: (f: () => number) => (now = f) };
}

const requests = (log: string[], pattern: RegExp) => log.filter((l) => pattern.test(l));

describe('forked tracks (<Start><Stream>)', () => {
  it('snoops each track into its own external media channel and delivers 20 ms frames of each', async () => {
    const { fake, clock, channel, model } = await answeredCall();
    const rec = frames();
    const stop = new AbortController();
    channel.mediaStream!({ tracks: ['inbound', 'outbound'], bidirectional: false }, rec.handler, stop.signal);
    await settle(fake);
    expect(requests(fake.log, /snoop\?/).map((l) => /spy=(\w+)/.exec(l)?.[1])).toEqual(['in', 'out']);
    const media = requests(fake.log, /REQ POST \/ari\/channels\/externalMedia/);
    expect(media).toHaveLength(2);
    for (const line of media) {
      expect(line).toMatch(/encapsulation=rtp/);
      expect(line).toMatch(/format=ulaw/);
      expect(line).toMatch(/transport=udp/);
      expect(line).toMatch(/external_host=127\.0\.0\.1:\d+/);
    }
    // Each snoop is bridged with its own external media channel; the call is in no bridge.
    expect(fake.state.bridges.size).toBe(2);
    for (const bridge of fake.state.bridges.values()) {
      expect(bridge.channels.map((id) => fake.state.channels.get(id)?.kind).sort()).toEqual([
        'external',
        'snoop',
      ]);
    }
    expect(model.bridge).toBeNull();

    // The caller talks for 200 ms while a 1 s prompt plays to it.
    fake.state.farSpeak(model, 0.2);
    const playing = channel.play(
      { url: 'http://media.test/long.wav', loop: 1, digits: null } as never,
      new AbortController().signal,
    );
    await advance(fake, clock, 600);
    const inbound = rec.got.filter((f) => f.track === 'inbound');
    const outbound = rec.got.filter((f) => f.track === 'outbound');
    for (const track of [inbound, outbound]) {
      expect(track.length).toBeGreaterThanOrEqual(25);
      expect(track.every((f) => f.length === 160)).toBe(true);
      expect(track.slice(1).every((f, i) => f.ts - track[i]!.ts === 20)).toBe(true);
    }
    // The voice is on the inbound track only, and only while it lasts; the prompt on the outbound one.
    expect(inbound.slice(0, 5).every((f) => f.energy > 1000)).toBe(true);
    expect(inbound.slice(-5).every((f) => f.energy === 0)).toBe(true);
    expect(outbound.slice(0, 20).every((f) => f.energy > 1000)).toBe(true);

    stop.abort();
    await settle(fake);
    const count = rec.got.length;
    await advance(fake, clock, 200);
    expect(rec.got.length).toBe(count);
    // Everything the stream made is gone; the call is untouched.
    expect(requests(fake.log, /REQ DELETE \/ari\/channels\/rcml-stream-/)).toHaveLength(4);
    expect(requests(fake.log, /REQ DELETE \/ari\/bridges\/rcml-stream-/)).toHaveLength(2);
    expect(fake.state.bridges.size).toBe(0);
    expect(fake.media.externals.size).toBe(0);
    expect(model.destroyed).toBe(false);
    await advance(fake, clock, 1000);
    await playing;
  });

  it('the call hanging up ends the stream and removes its channels and bridges', async () => {
    const { fake, clock, channel, model, events } = await answeredCall();
    const rec = frames();
    channel.mediaStream!(
      { tracks: ['inbound'], bidirectional: false },
      rec.handler,
      new AbortController().signal,
    );
    await advance(fake, clock, 100);
    expect(rec.got.length).toBeGreaterThan(0);
    fake.state.hangup(model, { soft: false, cause: 16 });
    await advance(fake, clock, 100);
    expect(events.events).toContain('hangup');
    const count = rec.got.length;
    await advance(fake, clock, 200);
    expect(rec.got.length).toBe(count);
    expect(fake.state.bridges.size).toBe(0);
    expect([...fake.state.channels.values()].filter((c) => !c.destroyed)).toEqual([]);
  });
});

describe('bidirectional (<Connect><Stream>)', () => {
  it('bridges the call with an external media channel and paces the application’s audio to the caller', async () => {
    const { fake, clock, channel, model } = await answeredCall();
    const rec = frames();
    rec.setNow(() => clock.now());
    const stop = new AbortController();
    const session = channel.mediaStream!(
      { tracks: ['inbound'], bidirectional: true },
      rec.handler,
      stop.signal,
    );
    // Queued before the leg is up: kept, then played in order.
    const tone = toneFrame(1000, 10000);
    const start = clock.now();
    for (let i = 0; i < 10; i += 1) session.play(tone);
    session.mark('ten');
    await settle(fake);
    expect(requests(fake.log, /snoop/)).toEqual([]);
    expect(model.bridge).not.toBeNull();
    const bridge = fake.state.bridges.get(model.bridge!)!;
    expect(bridge.channels.map((id) => fake.state.channels.get(id)?.kind).sort()).toEqual([
      'external',
      'inbound',
    ]);

    fake.state.farSpeak(model, 1);
    await advance(fake, clock, 400);
    // The caller's voice reaches the application...
    const inbound = rec.got.filter((f) => f.track === 'inbound');
    expect(inbound.length).toBeGreaterThanOrEqual(15);
    expect(inbound.some((f) => f.energy > 1000)).toBe(true);
    // ...and the application's audio reaches the caller: 10 frames, 20 ms apart, numbered.
    const external = [...fake.media.externals.values()][0]!;
    const packets = external.received;
    expect(packets).toHaveLength(10);
    expect(packets.every((p) => p.payloadType === 0 && p.payload.length === 160)).toBe(true);
    expect(packets.slice(1).map((p, i) => p.at - packets[i]!.at)).toEqual(Array(9).fill(20));
    expect(packets.slice(1).map((p, i) => (p.sequence - packets[i]!.sequence) & 0xffff)).toEqual(
      Array(9).fill(1),
    );
    expect(packets.slice(1).map((p, i) => p.timestamp - packets[i]!.timestamp)).toEqual(Array(9).fill(160));
    expect(new Set(packets.map((p) => p.ssrc)).size).toBe(1);
    expect(packets[0]!.marker).toBe(true);
    expect(fake.media.heard.get(model.id)?.every((f) => mulawEnergy(f) > 5000)).toBe(true);
    // The mark comes back once the last frame has played (sent at +180 ms, played by +200 ms).
    expect(rec.marks).toEqual([{ name: 'ten', at: packets[9]!.at + 20 }]);
    expect(packets[0]!.at - start).toBeLessThan(20);

    // clear: queued audio dropped, pending marks at once.
    for (let i = 0; i < 50; i += 1) session.play(tone);
    session.mark('dropped');
    await advance(fake, clock, 100);
    session.clear();
    expect(rec.marks.map((m) => m.name)).toEqual(['ten', 'dropped']);
    const sent = packets.length;
    await advance(fake, clock, 200);
    expect(packets.length).toBe(sent);

    stop.abort();
    await settle(fake);
    // The call leaves the bridge and stays up; the next operation waits for the clean-up.
    expect(model.bridge).toBeNull();
    expect(fake.state.bridges.size).toBe(0);
    expect(model.destroyed).toBe(false);
  });
});

describe('a stream Asterisk cannot set up', () => {
  it('is logged; the application’s audio still takes its time and its marks come back', async () => {
    const logged: string[] = [];
    const log = (level: string) => (message: string) => logged.push(`${level} ${message}`);
    const setup = await startFake({
      logger: { debug: () => undefined, info: log('info'), warn: log('warn'), error: log('error') },
    });
    const { fake, clock, t } = setup;
    fake.media.refuse = 'Failed to create channel';
    fake.state.inbound('+15551230001', '+15550001000');
    await until(() => t.inbound.length > 0, 'the inbound call');
    const channel = t.inbound[0]!.channel;
    channel.listen(recorder());
    await channel.answer(new AbortController().signal);
    const rec = frames();
    rec.setNow(() => clock.now());
    const start = clock.now();
    const stop = new AbortController();
    const session = channel.mediaStream!(
      { tracks: ['inbound'], bidirectional: true },
      rec.handler,
      stop.signal,
    );
    session.play(new Uint8Array(160 * 5).fill(0x55));
    session.mark('five');
    await advance(fake, clock, 400);
    expect(logged).toContain('error media stream could not be set up; the stream carries no audio');
    expect(rec.marks).toEqual([{ name: 'five', at: start + 100 }]);
    expect(rec.got).toEqual([]);
    stop.abort();
    await settle(fake);
    expect(requests(fake.log, /REQ DELETE \/ari\/channels\/rcml-stream-/)).toHaveLength(1);
    expect(fake.state.bridges.size).toBe(0);
  });
});

describe('a fork Asterisk cannot set up', () => {
  it('removes the snoop channels it made once the stream ends', async () => {
    const { fake, clock, channel, model } = await answeredCall();
    fake.media.refuse = 'Failed to create channel';
    const stop = new AbortController();
    channel.mediaStream!(
      { tracks: ['inbound', 'outbound'], bidirectional: false },
      frames().handler,
      stop.signal,
    );
    await advance(fake, clock, 100);
    const helpers = () => [...fake.state.channels.values()].filter((c) => c.kind === 'snoop' && !c.destroyed);
    expect(helpers()).toHaveLength(2);
    stop.abort();
    await settle(fake);
    expect(helpers()).toEqual([]);
    expect(fake.state.bridges.size).toBe(0);
    expect(model.destroyed).toBe(false);
  });
});

describe('the engine on Asterisk', () => {
  /** An echo agent: every inbound frame is sent back; it hangs up after `frames` frames. */
  function echoAgent(closeAfter: number) {
    const seen: Record<string, unknown>[] = [];
    const port: StreamPort = {
      async open(_request, handler: StreamSocketHandler) {
        let closed = false;
        let media = 0;
        const close = (code: number) => {
          if (closed) return;
          closed = true;
          queueMicrotask(() => handler.closed(code, ''));
        };
        return {
          send(text) {
            if (closed) return;
            const message = JSON.parse(text) as {
              event: string;
              streamSid?: string;
              media?: { payload: string };
            };
            seen.push(message as Record<string, unknown>);
            if (message.event !== 'media') return;
            media += 1;
            queueMicrotask(() => {
              if (closed) return;
              handler.message(
                JSON.stringify({
                  event: 'media',
                  streamSid: message.streamSid,
                  media: { payload: message.media?.payload },
                }),
              );
              if (media === closeAfter) close(1000);
            });
          },
          close: () => close(1000),
        };
      },
    };
    return { port, seen };
  }

  function app(pages: Record<string, string>): HttpPort {
    return {
      async send(request) {
        const body = pages[new URL(request.url).pathname];
        if (body === undefined) return { status: 404, contentType: 'text/plain', location: null, body: '' };
        return { status: 200, contentType: 'text/xml', location: null, body };
      },
    };
  }

  it('<Connect><Stream>: an echo agent hears the caller and the caller hears the echo; the socket closing runs the action', async () => {
    const setup = await startFake();
    const { fake, clock, t } = setup;
    const agent = echoAgent(40);
    const engine = createEngine({
      driver: t.driver,
      clock,
      streams: agent.port,
      http: app({
        '/start':
          '<Response><Connect action="/after"><Stream url="wss://agent.test/echo"/></Connect></Response>',
        '/after': '<Response><Hangup/></Response>',
      }),
    });
    const events: EngineEvent[] = [];
    engine.subscribe((e) => events.push(e));
    const model = fake.state.inbound('+15551230001', '+15550001000');
    await until(() => t.inbound.length > 0, 'the inbound call');
    const call = t.inbound[0]!;
    engine.inbound({ From: call.from, To: call.to, Url: 'http://app.test/start' }, call.channel);
    await advance(fake, clock, 100);
    fake.state.farSpeak(model, 0.4);
    await advance(fake, clock, 2000);
    expect(agent.seen.map((m) => m.event).slice(0, 2)).toEqual(['connected', 'start']);
    const inbound = agent.seen.filter((m) => m.event === 'media');
    expect(inbound.length).toBeGreaterThanOrEqual(40);
    // The caller's voice went to the agent and came back to the caller.
    const heard = fake.media.heard.get(model.id) ?? [];
    expect(heard.length).toBeGreaterThanOrEqual(30);
    expect(heard.filter((f) => mulawEnergy(f) > 1000).length).toBeGreaterThanOrEqual(10);
    // The agent hung up after 40 frames: the action ran, then the call ended.
    await until(() => model.destroyed, 'the hang-up');
    expect(events.some((e) => e.type === 'notice' && e.code === 14107)).toBe(false);
    expect(fake.state.bridges.size).toBe(0);
    expect([...fake.state.channels.values()].filter((c) => !c.destroyed)).toEqual([]);
    expect(requests(fake.log, /REQ DELETE \/ari\/bridges\/rcml-stream-/)).toHaveLength(1);
  });

  it('<Start><Stream track="both_tracks">: the fork runs while the call goes on', async () => {
    const setup = await startFake();
    const { fake, clock, t } = setup;
    const agent = echoAgent(-1);
    const engine = createEngine({
      driver: t.driver,
      clock,
      streams: agent.port,
      http: app({
        '/start':
          '<Response><Start><Stream url="wss://agent.test/fork" track="both_tracks"/></Start><Play>http://media.test/long.wav</Play><Hangup/></Response>',
      }),
    });
    fake.state.inbound('+15551230001', '+15550001000');
    await until(() => t.inbound.length > 0, 'the inbound call');
    const call = t.inbound[0]!;
    engine.inbound({ From: call.from, To: call.to, Url: 'http://app.test/start' }, call.channel);
    await advance(fake, clock, 3000);
    const media = agent.seen.filter((m) => m.event === 'media') as {
      media: { track: string; payload: string };
    }[];
    const outbound = media.filter((m) => m.media.track === 'outbound');
    expect(media.filter((m) => m.media.track === 'inbound').length).toBeGreaterThanOrEqual(20);
    expect(outbound.length).toBeGreaterThanOrEqual(20);
    // The prompt is heard on the outbound track.
    expect(outbound.some((m) => mulawEnergy(Buffer.from(m.media.payload, 'base64')) > 1000)).toBe(true);
    expect(agent.seen.at(-1)?.event).toBe('stop');
    expect([...fake.state.channels.values()].filter((c) => !c.destroyed)).toEqual([]);
    expect(fake.state.bridges.size).toBe(0);
  });
});

describe('mediaStreamHost', () => {
  it('is where the external media channels send their RTP (--media-stream-host for rcml serve)', async () => {
    const args = ['--ari-url', 'http://a:8088', '--ari-user', 'u', '--ari-password', 'p'];
    expect(parseAsteriskArgs([...args, '--media-stream-host=127.0.0.1']).mediaStreamHost).toBe('127.0.0.1');
    expect(parseAsteriskArgs(args).mediaStreamHost).toBeUndefined();
    const { fake, clock, channel } = await answeredCall();
    channel.mediaStream!(
      { tracks: ['inbound'], bidirectional: false },
      frames().handler,
      new AbortController().signal,
    );
    await advance(fake, clock, 0);
    const host = requests(fake.log, /externalMedia/)[0]?.match(/external_host=([^&]+)/)?.[1];
    const external = [...fake.media.externals.values()][0]!;
    expect(host).toBe(`127.0.0.1:${external.target.port}`);
  });
});
