/**
 * Media streams end to end: the engine (simulated driver in real time, system clock) against
 * real WebSocket agents on 127.0.0.1 speaking TwiML's media-stream protocol: an echo agent, a
 * mark/clear agent, a DTMF agent, an agent that hangs up after a while, forked streams with
 * `<Start>`/`<Stop>`, and the failures (refused connection, SSRF guard, protocol errors).
 * Assertions are on message content and order, not on timing.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mulawEnergy } from '@rcml/driver';
import { computeSignature, createUrlGuard } from '@rcml/webhook';
import { afterEach, describe, expect, it } from 'vitest';
import { type Agent, dtmfAgent, echo, hangUpAfter, markClear, type Received, startAgent } from './agents.js';
import { APP, AUTH_TOKEN, type CallWorld, notices, requestsTo, startCall } from './world.js';

const agents: Agent[] = [];
const worlds: CallWorld[] = [];

async function agent(behaviour?: Parameters<typeof startAgent>[0]): Promise<Agent> {
  const started = await startAgent(behaviour);
  agents.push(started);
  return started;
}

function call(...args: Parameters<typeof startCall>): CallWorld {
  const world = startCall(...args);
  worlds.push(world);
  return world;
}

afterEach(async () => {
  for (const world of worlds.splice(0)) await world.engine.shutdown({ deadlineMs: 1000 }).catch(() => {});
  for (const a of agents.splice(0)) await a.close();
});

const media = (received: readonly Received[]) => received.filter((m) => m.event === 'media');
const bytes = (m: Received) => Buffer.from((m.media as { payload: string }).payload, 'base64');

describe('<Connect><Stream>: a bidirectional stream', () => {
  it('echo agent: connected, start, media frames in order; the echoed audio is played to the caller; action after close', async () => {
    const echoAgent = await agent(echo);
    const url = `${echoAgent.url}/echo?room=1`;
    const world = call({
      '/voice': `<Response><Connect action="/after"><Stream url="${url}"><Parameter name="customer" value="42"/><Parameter name="lang" value="en-GB"/></Stream></Connect><Say>not reached</Say></Response>`,
      '/after': '<Response><Hangup/></Response>',
    });
    const connection = await echoAgent.connection();
    await connection.until((r) => r.some((m) => m.event === 'start'));
    await world.call.farEnd.speak(0.1);
    await connection.until((r) => media(r).length >= 15);
    connection.socket.close(1000);
    await world.ended;

    // The upgrade: signed like an HTTP request (the URL as requested, no parameters).
    expect(connection.path).toBe('/echo?room=1');
    expect(connection.headers['x-twilio-signature']).toBe(computeSignature(AUTH_TOKEN, url, {}));

    const [connected, start] = connection.received;
    expect(connected).toEqual({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    const streamSid = connection.streamSid();
    expect(streamSid).toMatch(/^MZ[0-9a-f]{32}$/);
    expect(start).toEqual({
      event: 'start',
      sequenceNumber: '1',
      start: {
        accountSid: expect.stringMatching(/^AC/),
        streamSid,
        callSid: world.callSid,
        tracks: ['inbound'],
        customParameters: { customer: '42', lang: 'en-GB' },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
      streamSid,
    });
    const frames = media(connection.received);
    frames.forEach((m, i) => {
      expect(m).toMatchObject({
        event: 'media',
        sequenceNumber: String(i + 2),
        streamSid,
        media: { track: 'inbound', chunk: String(i + 1), timestamp: String(i * 20) },
      });
      expect(bytes(m)).toHaveLength(160);
    });
    // The party talked for the first frames after `start`: a tone, then silence.
    expect(frames.some((m) => mulawEnergy(bytes(m)) > 1000)).toBe(true);
    expect(mulawEnergy(bytes(frames[frames.length - 1] as Received))).toBe(0);

    // What the caller heard: the echoed frames, in order, 20 ms each.
    const stream = world.call.channel.mediaStreams[0];
    expect(stream?.request).toEqual({ tracks: ['inbound'], bidirectional: true });
    const played = stream?.played ?? [];
    expect(played.length).toBeGreaterThan(5);
    played.forEach((frame, i) => {
      expect(Buffer.from(frame)).toEqual(bytes(frames[i] as Received));
    });

    // The socket closed: `action` with the call's parameters, then its document.
    const after = requestsTo(world, '/after');
    expect(after).toHaveLength(1);
    expect(after[0]?.params).toMatchObject({ CallSid: world.callSid, CallStatus: 'in-progress' });
    expect(world.call.channel.endedBy).toBe('engine');
    expect(notices(world)).toEqual([]);
  });

  it('mark/clear agent: marks come back when their audio has played; clear drops the queue and returns pending marks', async () => {
    const markAgent = await agent(markClear);
    const world = call({
      '/voice': `<Response><Connect><Stream url="${markAgent.url}/marks"/></Connect><Hangup/></Response>`,
    });
    const connection = await markAgent.connection();
    const marks = (r: readonly Received[]) =>
      r.filter((m) => m.event === 'mark').map((m) => (m.mark as { name: string }).name);
    await connection.until((r) => marks(r).includes('after-clear'));
    connection.socket.close(1000);
    await world.ended;

    expect(marks(connection.received)).toEqual(['first', 'second', 'after-clear']);
    const markMessages = connection.received.filter((m) => m.event === 'mark');
    for (const m of markMessages) {
      expect(m.streamSid).toBe(connection.streamSid());
      expect(Number(m.sequenceNumber)).toBeGreaterThan(1);
    }
    // Sequence numbers count every message after `connected`, without gaps.
    const sequence = connection.received.slice(1).map((m) => Number(m.sequenceNumber));
    expect(sequence).toEqual(sequence.map((_n, i) => i + 1));

    const played = world.call.channel.mediaStreams[0]?.played ?? [];
    // 10 frames before `first`, some of the 2 s batch (until the clear arrived: how many
    // depends on the machine's load, not on the engine), then the 2 after the clear: fewer
    // than the 112 queued (the clear dropped the rest of the batch).
    expect(played.length).toBeGreaterThanOrEqual(12);
    expect(played.length).toBeLessThan(112);
    for (const frame of played) expect(Buffer.from(frame)).toEqual(Buffer.alloc(160, 0x55));
  });

  it('DTMF agent: the caller’s keys arrive as dtmf messages; the agent closes on #, the next verb runs', async () => {
    const keys = await agent(dtmfAgent);
    const world = call({
      '/voice': `<Response><Connect><Stream url="${keys.url}"/></Connect><Say>after</Say></Response>`,
    });
    const connection = await keys.connection();
    await connection.until((r) => r.some((m) => m.event === 'start'));
    await world.call.farEnd.dtmf('12');
    await connection.until((r) => r.filter((m) => m.event === 'mark').length === 2);
    await world.call.farEnd.dtmf('#');
    await connection.closed;
    await world.ended;

    const dtmf = connection.received.filter((m) => m.event === 'dtmf');
    expect(dtmf.map((m) => m.dtmf)).toEqual([
      { track: 'inbound_track', digit: '1' },
      { track: 'inbound_track', digit: '2' },
      { track: 'inbound_track', digit: '#' },
    ]);
    for (const m of dtmf) expect(m.streamSid).toBe(connection.streamSid());
    const marks = connection.received.filter((m) => m.event === 'mark').map((m) => m.mark);
    expect(marks).toEqual([{ name: 'key-1' }, { name: 'key-2' }]);
    // The next verb ran: the document's <Say>, then the verbs ran out.
    const says = world.events.filter((e) => e.type === 'verb' && e.phase === 'start' && e.verb === 'Say');
    expect(says).toHaveLength(1);
  });

  it('an agent that hangs up after a while: the verb ends then, `action` is requested', async () => {
    const leaving = await agent(hangUpAfter(15));
    const world = call({
      '/voice': `<Response><Connect action="/after" method="GET"><Stream url="${leaving.url}"/></Connect></Response>`,
      '/after': '<Response><Say>Goodbye</Say></Response>',
    });
    const connection = await leaving.connection();
    await connection.closed;
    await world.ended;
    const after = requestsTo(world, '/after');
    expect(after.map((r) => r.method)).toEqual(['GET']);
    // The agent closed after its 15th frame (no `stop`: the agent closed the socket).
    expect(media(connection.received).length).toBeGreaterThanOrEqual(15);
    expect(connection.received.some((m) => m.event === 'stop')).toBe(false);
  });

  it('the caller hangs up: the engine sends `stop` and closes; no action request', async () => {
    const echoAgent = await agent(echo);
    const world = call({
      '/voice': `<Response><Connect action="/after"><Stream url="${echoAgent.url}" statusCallback="/stream-status"/></Connect></Response>`,
    });
    const connection = await echoAgent.connection();
    await connection.until((r) => media(r).length >= 3);
    await world.call.farEnd.hangup();
    await connection.closed;
    await world.ended;
    const last = connection.received[connection.received.length - 1];
    expect(last).toEqual({
      event: 'stop',
      sequenceNumber: String(connection.received.length - 1),
      stop: { accountSid: expect.stringMatching(/^AC/), callSid: world.callSid },
      streamSid: connection.streamSid(),
    });
    expect(requestsTo(world, '/after')).toHaveLength(0);
    const status = requestsTo(world, '/stream-status').map((r) => r.params.StreamEvent);
    expect(status).toEqual(['stream-started', 'stream-stopped']);
  });
});

describe('<Start><Stream> and <Stop><Stream>: forked streams', () => {
  it('both tracks fork while the call goes on; status callbacks; <Stop> by name sends `stop`', async () => {
    const fork = await agent();
    const world = call({
      '/voice': `<Response><Start><Stream url="${fork.url}/fork" name="transcript" track="both_tracks" statusCallback="/stream-status"/></Start><Say>Hello there</Say><Stop><Stream name="transcript"/></Stop><Pause length="1"/></Response>`,
    });
    const connection = await fork.connection();
    await connection.closed;
    await world.ended;
    const [, start] = connection.received;
    expect((start?.start as { tracks: string[] } | undefined)?.tracks).toEqual(['inbound', 'outbound']);
    const frames = media(connection.received);
    const tracks = new Set(frames.map((m) => (m.media as { track: string }).track));
    expect(tracks).toEqual(new Set(['inbound', 'outbound']));
    // Each track counts its own chunks from 1.
    for (const track of tracks) {
      const chunks = frames
        .filter((m) => (m.media as { track: string }).track === track)
        .map((m) => Number((m.media as { chunk: string }).chunk));
      expect(chunks).toEqual(chunks.map((_c, i) => i + 1));
    }
    // The caller heard the <Say>: the outbound track carries audio, the inbound only silence.
    const outbound = frames.filter((m) => (m.media as { track: string }).track === 'outbound');
    expect(outbound.some((m) => mulawEnergy(bytes(m)) > 1000)).toBe(true);
    expect(
      frames
        .filter((m) => (m.media as { track: string }).track === 'inbound')
        .every((m) => mulawEnergy(bytes(m)) === 0),
    ).toBe(true);
    expect(connection.received[connection.received.length - 1]?.event).toBe('stop');

    const status = requestsTo(world, '/stream-status');
    expect(status.map((r) => r.params.StreamEvent)).toEqual(['stream-started', 'stream-stopped']);
    expect(status[0]?.params).toMatchObject({
      AccountSid: expect.stringMatching(/^AC/),
      CallSid: world.callSid,
      StreamSid: connection.streamSid(),
      StreamName: 'transcript',
      Timestamp: expect.stringMatching(/\+0000$/),
    });
    expect(status[0]?.params.StreamError).toBeUndefined();
    // The stream's callbacks come before the call's `completed`.
    const completed = world.requests.findIndex(
      (r) => r.params.CallStatus === 'completed' && r.url.endsWith('/status'),
    );
    expect(world.requests.indexOf(status[1] as never)).toBeLessThan(completed);
  });

  it('at most 4 forked streams: a 5th is ignored with 14106; the call end stops the others', async () => {
    const fork = await agent();
    const start = (n: number) => `<Start><Stream url="${fork.url}/s${n}" name="s${n}"/></Start>`;
    const world = call({
      '/voice': `<Response>${[1, 2, 3, 4, 5].map(start).join('')}<Pause length="1"/></Response>`,
    });
    await world.ended;
    await Promise.all(fork.connections.map((c) => c.closed));
    expect(fork.connections.map((c) => c.path).sort()).toEqual(['/s1', '/s2', '/s3', '/s4']);
    for (const c of fork.connections) {
      if (c.received.some((m) => m.event === 'start')) {
        expect(c.received[c.received.length - 1]?.event).toBe('stop');
      }
    }
    expect(notices(world).filter((n) => n.startsWith('14106'))).toHaveLength(1);
  });

  it('a one-way stream ignores audio from the application (31924, once)', async () => {
    const talker = await agent((message, connection) => {
      if (message.event !== 'start') return;
      const payload = Buffer.alloc(160, 0x55).toString('base64');
      connection.send({ event: 'media', streamSid: connection.streamSid(), media: { payload } });
      connection.send({ event: 'clear', streamSid: connection.streamSid() });
    });
    const world = call({
      '/voice': `<Response><Start><Stream url="${talker.url}"/></Start><Pause length="1"/></Response>`,
    });
    await world.ended;
    expect(notices(world).filter((n) => n.startsWith('31924'))).toHaveLength(1);
    expect(world.call.channel.mediaStreams[0]?.played).toEqual([]);
  });
});

describe('stream failures', () => {
  it('a refused connection: 31920, stream-error callback, then the action', async () => {
    const gone = await agent();
    const url = gone.url;
    await gone.close();
    agents.splice(agents.indexOf(gone), 1);
    const world = call({
      '/voice': `<Response><Connect action="/after"><Stream url="${url}" name="bot" statusCallback="/stream-status"/></Connect></Response>`,
      '/after': '<Response><Hangup/></Response>',
    });
    await world.ended;
    expect(notices(world)[0]).toMatch(
      /^31920: <Stream> "bot" \(MZ[0-9a-f]+\): could not connect to ws:\/\/127\.0\.0\.1/,
    );
    const status = requestsTo(world, '/stream-status');
    expect(status.map((r) => r.params.StreamEvent)).toEqual(['stream-error']);
    expect(status[0]?.params.StreamError).toMatch(/ECONNREFUSED/);
    expect(requestsTo(world, '/after')).toHaveLength(1);
  });

  it('an upgrade answered without 101 (a web server that is not a stream application): 31920 naming the status', async () => {
    const server = createServer((_req, res) => res.writeHead(403).end('forbidden'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    try {
      const world = call({
        '/voice': `<Response><Connect><Stream url="ws://127.0.0.1:${port}/media" statusCallback="/stream-status"/></Connect></Response>`,
      });
      await world.ended;
      expect(notices(world)[0]).toMatch(/^31920: .*answered 403 instead of 101/);
      expect(requestsTo(world, '/stream-status')[0]?.params.StreamError).toMatch(/403/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('the SSRF guard refuses an internal address with 11210; the next verb runs', async () => {
    const inside = await agent();
    const world = call(
      { '/voice': `<Response><Connect><Stream url="${inside.url}"/></Connect><Say>next</Say></Response>` },
      { streams: { guard: createUrlGuard() } },
    );
    await world.ended;
    expect(notices(world)[0]).toMatch(/^11210: .*refused by the SSRF guard/);
    expect(inside.connections).toHaveLength(0);
  });

  it(`a relative url resolves against the document (http → ws)`, async () => {
    const world = call({ '/voice': '<Response><Connect><Stream url="/media"/></Connect></Response>' });
    await world.ended;
    // app.test does not exist: the attempt names the resolved URL.
    expect(notices(world)[0]).toContain(`could not connect to ${APP.replace('http', 'ws')}/media`);
  });
});
