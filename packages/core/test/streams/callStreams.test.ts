/**
 * Media streams run by a call (streams/callStreams.ts, streams/mediaStream.ts), seen from the
 * application's WebSocket server: the exact JSON it receives, in order and numbered; what the
 * engine does with its messages; the notices and status callbacks of every way a stream ends
 * or fails; the limit of forked streams and `<Stop>`.
 */
import { RcmlError } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { MAX_BUFFERED_BYTES } from '../../src/streams/mediaStream.js';
import { ACCOUNT, streamCall } from './streamCall.js';

const CALL = 'CA00000000000000000000000000000001';
const MZ1 = 'MZ00000000000000000000000000000001';
const MZ2 = 'MZ00000000000000000000000000000002';
const FORMAT = { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 };
const frame = new Uint8Array(160).fill(0x7f);

const doc = (inner: string) => `<Response>${inner}</Response>`;

describe('a <Connect><Stream> as its application sees it', () => {
  it('receives connected, start, the caller’s audio, keys, played marks and stop, numbered without gaps', async () => {
    const c = streamCall(
      doc(
        '<Connect><Stream url="wss://agent.test/a" name="agent"><Parameter name="customer" value="42"/></Stream></Connect>',
      ),
    );
    await c.settle();
    expect(c.media[0]?.request).toEqual({ tracks: ['inbound'], bidirectional: true });
    const socket = c.sockets[0]!;
    expect(socket.request).toMatchObject({ url: 'wss://agent.test/a', streamSid: MZ1, name: 'agent' });
    c.media[0]!.handler.media('inbound', frame, 0);
    c.party().dtmf('5');
    socket.message(JSON.stringify({ event: 'mark', streamSid: MZ1, mark: { name: 'greeting' } }));
    expect(c.media[0]!.marks).toEqual(['greeting']);
    c.media[0]!.handler.markPlayed('greeting');
    c.party().hangup();
    await c.run();
    expect(socket.json()).toEqual([
      { event: 'connected', protocol: 'Call', version: '1.0.0' },
      {
        event: 'start',
        sequenceNumber: '1',
        start: {
          accountSid: ACCOUNT,
          streamSid: MZ1,
          callSid: CALL,
          tracks: ['inbound'],
          customParameters: { customer: '42' },
          mediaFormat: FORMAT,
        },
        streamSid: MZ1,
      },
      {
        event: 'media',
        sequenceNumber: '2',
        media: {
          track: 'inbound',
          chunk: '1',
          timestamp: '0',
          payload: Buffer.from(frame).toString('base64'),
        },
        streamSid: MZ1,
      },
      { event: 'dtmf', streamSid: MZ1, sequenceNumber: '3', dtmf: { track: 'inbound_track', digit: '5' } },
      { event: 'mark', sequenceNumber: '4', streamSid: MZ1, mark: { name: 'greeting' } },
      { event: 'stop', sequenceNumber: '5', stop: { accountSid: ACCOUNT, callSid: CALL }, streamSid: MZ1 },
    ]);
    expect(socket.closed).toBe(true);
    expect(c.media[0]!.signal.aborted).toBe(true);
  });

  it('a key pressed while the socket is still connecting is not sent: start is still number 1', async () => {
    const c = streamCall(doc('<Connect><Stream url="wss://agent.test/a"/></Connect>'), { open: 'pending' });
    await c.settle();
    c.party().dtmf('1');
    c.sockets[0]!.accept();
    await c.settle();
    c.party().dtmf('2');
    c.sockets[0]!.close(1000);
    await c.run();
    expect(c.sockets[0]!.json().map((m) => [m.event, m.sequenceNumber])).toEqual([
      ['connected', undefined],
      ['start', '1'],
      ['dtmf', '2'],
    ]);
  });

  it('plays the application’s audio, marks and clear; a message it cannot read is one 31924 warning with the reason', async () => {
    const c = streamCall(doc('<Connect><Stream url="wss://agent.test/a"/></Connect>'));
    await c.settle();
    const socket = c.sockets[0]!;
    socket.message(`not json: ${'x'.repeat(60)}`);
    socket.message('{"event":"hello"}');
    socket.message(JSON.stringify({ event: 'media', media: { payload: 'AAEC' } }));
    socket.message(JSON.stringify({ event: 'clear', streamSid: MZ1 }));
    expect(c.media[0]!.played).toEqual([new Uint8Array([0, 1, 2])]);
    expect(c.media[0]!.cleared).toBe(1);
    expect(c.notices()).toEqual([
      {
        code: 31924,
        level: 'warning',
        message: `<Stream> ${MZ1}: ignored a message from the application: not JSON: not json: ${'x'.repeat(30)}`,
      },
    ]);
    socket.close(1000);
    await c.run();
  });

  it('a message sent before the driver’s audio started is ignored with 31924, not a crash', async () => {
    const c = streamCall(doc('<Connect><Stream url="wss://agent.test/a" name="agent"/></Connect>'), {
      replyDuring: { event: 'start', text: '{"event":"clear"}' },
    });
    await c.settle();
    expect(c.media[0]!.cleared).toBe(0);
    expect(c.notices()).toEqual([
      {
        code: 31924,
        level: 'warning',
        message: `<Stream> "agent" (${MZ1}): ignored a message from the application: a clear message before the stream's audio started`,
      },
    ]);
    c.sockets[0]!.message('{"event":"clear"}');
    expect(c.media[0]!.cleared).toBe(1);
    c.sockets[0]!.close(1000);
    await c.run();
  });

  it('drops the caller’s audio only while more than the limit is unsent, with one 31924 warning', async () => {
    const buffered = { bytes: MAX_BUFFERED_BYTES };
    const c = streamCall(doc('<Connect><Stream url="wss://agent.test/a" name="agent"/></Connect>'), {
      buffered,
    });
    await c.settle();
    const { handler } = c.media[0]!;
    handler.media('inbound', frame, 0);
    buffered.bytes = MAX_BUFFERED_BYTES + 1;
    handler.media('inbound', frame, 20);
    handler.media('inbound', frame, 40);
    expect(c.sockets[0]!.json().map((m) => m.event)).toEqual(['connected', 'start', 'media']);
    expect(c.notices()).toEqual([
      {
        code: 31924,
        level: 'warning',
        message: `<Stream> "agent" (${MZ1}): the application is not reading (${MAX_BUFFERED_BYTES + 1} bytes unsent); media frames are dropped until it catches up`,
      },
    ]);
    c.sockets[0]!.close(1000);
    await c.run();
  });

  it('an application gone without a close frame (1006) is 31921 and stream-error; the document goes on', async () => {
    const c = streamCall(
      doc(
        '<Connect><Stream url="wss://agent.test/a" name="agent" statusCallback="/status"/></Connect><Say>after</Say>',
      ),
    );
    await c.settle();
    c.sockets[0]!.close(1006);
    await c.run();
    const why = 'the application closed the WebSocket abnormally (1006, no close frame)';
    expect(c.notices()).toEqual([
      { code: 31921, level: 'error', message: `<Stream> "agent" (${MZ1}): ${why}` },
    ]);
    expect(c.streamCallbacks().map((p) => [p.StreamEvent, p.StreamError])).toEqual([
      ['stream-started', undefined],
      ['stream-error', why],
    ]);
    expect(c.sockets[0]!.json().map((m) => m.event)).toEqual(['connected', 'start']);
  });
});

describe('a stream that cannot run', () => {
  it.each([
    [new RcmlError(11210, 'host not allowed'), 11210, 'host not allowed'],
    [new RcmlError(31920, 'connection refused'), 31920, 'connection refused'],
    [new Error('handshake failed'), 31920, 'handshake failed'],
  ])('a refused connection (%s) is its notice and stream-error', async (error, code, why) => {
    const c = streamCall(
      doc('<Connect><Stream url="wss://agent.test/a" name="agent" statusCallback="/status"/></Connect>'),
      { open: { reject: error } },
    );
    await c.run();
    expect(c.notices()).toEqual([
      {
        code,
        level: 'error',
        message: `<Stream> "agent" (${MZ1}): could not connect to wss://agent.test/a: ${why}`,
      },
    ]);
    expect(c.streamCallbacks()).toEqual([
      expect.objectContaining({
        url: 'http://app.test/status',
        StreamEvent: 'stream-error',
        StreamError: why,
      }),
    ]);
  });

  it('a driver that cannot stream audio is 14107 with that reason (not a missing port)', async () => {
    const c = streamCall(doc('<Start><Stream url="wss://agent.test/a" statusCallback="/s"/></Start>'), {
      noMediaStream: true,
    });
    await c.run();
    expect(c.notices()).toEqual([
      { code: 14107, level: 'error', message: `<Stream> ${MZ1}: the media driver cannot stream audio` },
    ]);
    expect(c.sockets).toEqual([]);
    expect(c.streamCallbacks().map((p) => [p.StreamEvent, p.StreamError])).toEqual([
      ['stream-error', 'the media driver cannot stream audio'],
    ]);
  });

  it('an engine without a stream port is 14107 with that reason', async () => {
    const c = streamCall(doc('<Start><Stream url="wss://agent.test/a"/></Start>'), { noPort: true });
    await c.run();
    expect(c.notices()).toEqual([
      { code: 14107, level: 'error', message: `<Stream> ${MZ1}: no stream port is configured` },
    ]);
  });

  it('a url that cannot be resolved is 31920 and stream-error; nothing is opened', async () => {
    const c = streamCall(
      doc('<Connect><Stream url="ws://bad host/a" statusCallback="/s"/></Connect><Say>next</Say>'),
    );
    await c.run();
    const why = 'url "ws://bad host/a" does not resolve to a ws:// or wss:// URL';
    expect(c.notices()).toEqual([{ code: 31920, level: 'error', message: `<Stream> ${MZ1}: ${why}` }]);
    expect(c.sockets).toEqual([]);
    expect(c.streamCallbacks().map((p) => [p.StreamEvent, p.StreamError])).toEqual([['stream-error', why]]);
  });

  it('a driver failing to stream is error 14103; the application gets stop, numbered 2', async () => {
    const c = streamCall(doc('<Connect><Stream url="wss://agent.test/a"/></Connect>'), {
      mediaStreamThrows: new Error('no media path'),
    });
    await c.run();
    expect(c.notices()).toEqual([
      {
        code: 14103,
        level: 'error',
        message: `<Stream> ${MZ1}: the media driver could not stream: no media path`,
      },
    ]);
    expect(c.sockets[0]!.json().slice(2)).toEqual([
      { event: 'stop', sequenceNumber: '2', stop: { accountSid: ACCOUNT, callSid: CALL }, streamSid: MZ1 },
    ]);
  });
});

describe('a stream ended while its socket is connecting', () => {
  it('abandons the attempt; a socket that opens late is closed unused; no stream-stopped', async () => {
    const c = streamCall(doc('<Connect><Stream url="wss://agent.test/a" statusCallback="/s"/></Connect>'), {
      open: 'pending',
    });
    await c.settle();
    const socket = c.sockets[0]!;
    expect(socket.request.signal.aborted).toBe(false);
    c.party().hangup();
    await c.run();
    expect(socket.request.signal.aborted).toBe(true);
    socket.accept();
    await c.settle();
    expect(socket.received).toEqual([]);
    expect(socket.closed).toBe(true);
    expect(c.media).toEqual([]);
    expect(c.streamCallbacks()).toEqual([]);
  });

  it('an attempt that fails after it was abandoned reports nothing', async () => {
    const c = streamCall(doc('<Connect><Stream url="wss://agent.test/a" statusCallback="/s"/></Connect>'), {
      open: 'pending',
    });
    await c.settle();
    c.party().hangup();
    await c.run();
    c.sockets[0]!.refuse(new RcmlError(31920, 'aborted'));
    await c.settle();
    expect(c.notices()).toEqual([]);
    expect(c.streamCallbacks()).toEqual([]);
  });
});

describe('a message from the application outside the open stream', () => {
  it('one that arrives while the socket is still connecting is ignored silently; a later unreadable one still warns', async () => {
    const c = streamCall(doc('<Connect><Stream url="wss://agent.test/a"/></Connect>'), { open: 'pending' });
    await c.settle();
    const socket = c.sockets[0]!;
    socket.message(JSON.stringify({ event: 'media', media: { payload: 'AAEC' } }));
    socket.accept();
    await c.settle();
    expect(c.media[0]!.played).toEqual([]);
    expect(c.notices()).toEqual([]);
    socket.message('garbage');
    expect(c.notices()).toEqual([
      {
        code: 31924,
        level: 'warning',
        message: `<Stream> ${MZ1}: ignored a message from the application: not JSON: garbage`,
      },
    ]);
    socket.close(1000);
    await c.run();
  });

  it('one still on its way when the call ended the stream is ignored silently', async () => {
    const c = streamCall(doc('<Connect><Stream url="wss://agent.test/a"/></Connect>'));
    await c.settle();
    const socket = c.sockets[0]!;
    c.party().hangup();
    await c.run();
    expect(socket.closed).toBe(true);
    socket.message(JSON.stringify({ event: 'media', media: { payload: 'AAEC' } }));
    socket.message('{"event":"clear"}');
    await c.settle();
    expect(c.media[0]!.played).toEqual([]);
    expect(c.media[0]!.cleared).toBe(0);
    expect(c.notices()).toEqual([]);
  });
});

describe('no stream outlives its call', () => {
  it.each([0, 1, 2, 4])(
    'a stream asked for as the call ends (hang-up %i microtasks after the answer) is closed with it',
    async (depth) => {
      const c = streamCall(doc('<Start><Stream url="wss://fork.test/a"/></Start><Pause length="5"/>'), {
        hangupAfterAnswer: depth,
      });
      await c.run();
      expect(c.status()).toBe('completed');
      for (const socket of c.sockets) expect(socket.closed).toBe(true);
      for (const m of c.media) expect(m.signal.aborted).toBe(true);
    },
  );
});

describe('<Start><Stream> and <Stop><Stream>', () => {
  it('forks one way: the application’s audio is not played (one 31924 warning), keys are not sent', async () => {
    const c = streamCall(
      doc(
        '<Start><Stream url="wss://fork.test/a" name="notes" track="both_tracks"/></Start><Pause length="10"/>',
      ),
    );
    await c.settle();
    expect(c.media[0]?.request).toEqual({ tracks: ['inbound', 'outbound'], bidirectional: false });
    const socket = c.sockets[0]!;
    socket.message(JSON.stringify({ event: 'media', media: { payload: 'AAEC' } }));
    socket.message('{"event":"clear"}');
    c.party().dtmf('3');
    expect(c.media[0]!.played).toEqual([]);
    expect(c.media[0]!.cleared).toBe(0);
    expect(c.notices()).toEqual([
      {
        code: 31924,
        level: 'warning',
        message: `<Stream> "notes" (${MZ1}): ignored a message from the application: a media message on a one-way (<Start>) stream`,
      },
    ]);
    await c.run();
    expect(socket.json().map((m) => m.event)).toEqual(['connected', 'start', 'stop']);
  });

  it('a fifth forked stream is ignored with warning 14106; one that ended makes room', async () => {
    const start = (name: string) =>
      `<Start><Stream url="wss://fork.test/${name || 'x'}"${name ? ` name="${name}"` : ''}/></Start>`;
    const c = streamCall(
      doc(
        `${start('a')}${start('b')}${start('c')}${start('d')}${start('e')}${start('')}<Pause length="5"/>${start('f')}<Pause length="5"/>`,
      ),
    );
    await c.settle();
    expect(c.notices()).toEqual([
      {
        code: 14106,
        level: 'warning',
        message: '<Start><Stream> "e": the call already runs 4 forked streams; this one is ignored',
      },
      {
        code: 14106,
        level: 'warning',
        message: '<Start><Stream>: the call already runs 4 forked streams; this one is ignored',
      },
    ]);
    c.sockets[0]!.close(1000);
    await c.run();
    expect(c.sockets.map((s) => s.request.name)).toEqual(['a', 'b', 'c', 'd', 'f']);
    expect(c.notices()).toHaveLength(2);
  });

  it('<Stop> stops the streams of its name, or the one whose SID it gives; the others run on', async () => {
    const c = streamCall(
      doc(
        `<Start><Stream url="wss://fork.test/a" name="a"/></Start><Start><Stream url="wss://fork.test/x"/></Start>` +
          `<Start><Stream url="wss://fork.test/b" name="b"/></Start><Stop><Stream name="a"/></Stop><Pause length="5"/>` +
          `<Stop><Stream name="${MZ2}"/></Stop><Pause length="5"/>`,
      ),
    );
    await c.until(1);
    expect(c.sockets.map((s) => s.closed)).toEqual([true, false, false]);
    await c.until(6);
    expect(c.sockets.map((s) => s.closed)).toEqual([true, true, false]);
    // A message or a broken socket after the engine stopped a stream is not reported.
    c.sockets[0]!.message('garbage');
    c.sockets[0]!.close(1006);
    await c.run();
    expect(c.notices()).toEqual([]);
    expect(c.sockets.map((s) => s.json().at(-1)?.event)).toEqual(['stop', 'stop', 'stop']);
  });

  it('<Stop> without a name stops every forked stream, named or not', async () => {
    const c = streamCall(
      doc(
        '<Start><Stream url="wss://fork.test/a" name="a"/></Start><Start><Stream url="wss://fork.test/x"/></Start>' +
          '<Stop><Stream/></Stop><Pause length="5"/>',
      ),
    );
    await c.until(1);
    expect(c.sockets.map((s) => [s.closed, s.json().at(-1)?.event])).toEqual([
      [true, 'stop'],
      [true, 'stop'],
    ]);
    await c.run();
  });

  it('status callbacks: stream-started, then stream-stopped when <Stop> ends it', async () => {
    const c = streamCall(
      doc('<Start><Stream url="wss://fork.test/a" statusCallback="/s"/></Start><Stop><Stream/></Stop>'),
    );
    await c.run();
    expect(c.streamCallbacks().map((p) => [p.StreamEvent, p.StreamName, p.StreamSid])).toEqual([
      ['stream-started', MZ1, MZ1],
      ['stream-stopped', MZ1, MZ1],
    ]);
  });
});
