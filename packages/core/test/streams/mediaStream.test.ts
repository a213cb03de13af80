/**
 * One media stream with a fake socket and a fake channel (streams/mediaStream.ts): what goes
 * out when the application stops reading (media frames dropped, counted in `chunk`, one
 * warning; other messages still sent), and what a closed socket does to the driver's stream.
 */
import { describe, expect, it } from 'vitest';
import type { StreamNoun } from '../../src/document/ast.js';
import type { Channel, MediaStreamHandler, StreamSocket } from '../../src/ports.js';
import { MAX_BUFFERED_BYTES, MediaStream } from '../../src/streams/mediaStream.js';

const NOUN: StreamNoun = {
  kind: 'Stream',
  url: 'wss://agent.test/a',
  name: 'a',
  track: 'inbound_track',
  statusCallback: null,
  statusCallbackMethod: 'POST',
  parameters: [],
  position: { path: 'Response/Connect[1]/Stream[1]' },
};

async function open(buffered: { bytes: number }, driverFails = false) {
  const sent: Record<string, unknown>[] = [];
  const notices: string[] = [];
  let handler: MediaStreamHandler | null = null;
  let mediaSignal: AbortSignal | null = null;
  let socketHandler: { closed(code: number, reason: string): void } | null = null;
  const socket: StreamSocket = {
    send: (text) => sent.push(JSON.parse(text) as Record<string, unknown>),
    close: () => {},
    get bufferedBytes() {
      return buffered.bytes;
    },
  };
  const channel = {
    mediaStream: (_r: unknown, h: MediaStreamHandler, signal: AbortSignal) => {
      if (driverFails) throw new Error('no media path');
      handler = h;
      mediaSignal = signal;
      return { play() {}, mark() {}, clear() {} };
    },
  } as unknown as Channel;
  const stream = new MediaStream(
    {
      port: {
        open: (_request, h) => {
          socketHandler = h;
          return Promise.resolve(socket);
        },
      },
      channel,
      clock: { now: () => 0, setTimeout: () => 0, clearTimeout: () => {} },
      callSid: 'CA1',
      accountSid: 'AC1',
      notice: (code, message) => notices.push(`${code} ${message}`),
      notify: () => {},
    },
    { sid: 'MZ1', noun: NOUN, url: NOUN.url, statusCallback: null, bidirectional: true },
  );
  await Promise.resolve();
  await Promise.resolve();
  if (handler === null && !driverFails) throw new Error('the driver stream did not start');
  return {
    stream,
    sent,
    notices,
    handler: handler as unknown as MediaStreamHandler,
    mediaSignal: () => mediaSignal,
    socketHandler: () => socketHandler,
  };
}

const frame = new Uint8Array(160).fill(0xff);

describe('a media stream', () => {
  it('drops media frames while the application is not reading; other messages still go', async () => {
    const buffered = { bytes: 0 };
    const s = await open(buffered);
    s.handler.media('inbound', frame, 0);
    buffered.bytes = MAX_BUFFERED_BYTES + 1;
    s.handler.media('inbound', frame, 20);
    s.handler.media('inbound', frame, 40);
    s.stream.dtmf('5');
    buffered.bytes = 0;
    s.handler.media('inbound', frame, 60);
    const events = s.sent.map((m) => m.event);
    expect(events).toEqual(['connected', 'start', 'media', 'dtmf', 'media']);
    // Sequence numbers stay gapless; chunks count the dropped frames (the gap shows the loss).
    expect(s.sent.slice(1).map((m) => m.sequenceNumber)).toEqual(['1', '2', '3', '4']);
    expect(
      s.sent.filter((m) => m.event === 'media').map((m) => (m.media as { chunk: string }).chunk),
    ).toEqual(['1', '4']);
    expect(s.notices).toHaveLength(1);
    expect(s.notices[0]).toMatch(/^31924 .*not reading/);
  });

  it('a driver that cannot stream: 14103, the application gets `stop`, the stream fails', async () => {
    const s = await open({ bytes: 0 }, true);
    await expect(s.stream.ended).resolves.toBeUndefined();
    expect(s.sent.map((m) => m.event)).toEqual(['connected', 'start', 'stop']);
    expect(s.notices).toEqual([expect.stringMatching(/^14103 .*could not stream: no media path/)]);
  });

  it('the application closing the socket stops the driver’s stream and ends the stream', async () => {
    const s = await open({ bytes: 0 });
    s.socketHandler()?.closed(1000, '');
    expect(s.mediaSignal()?.aborted).toBe(true);
    await expect(s.stream.ended).resolves.toBeUndefined();
    s.stream.stop();
    expect(s.sent.map((m) => m.event)).toEqual(['connected', 'start']);
  });
});
