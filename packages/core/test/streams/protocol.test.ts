/**
 * TwiML's media-stream messages as the core builds and reads them (streams/protocol.ts): the
 * engine's messages are the JSON TwiML applications parse, and every way an application's
 * message can be wrong is reported with a reason, never thrown.
 */
import { describe, expect, it } from 'vitest';
import {
  connectedMessage,
  dtmfMessage,
  fromBase64,
  markMessage,
  mediaMessage,
  readAppMessage,
  startMessage,
  stopMessage,
  toBase64,
} from '../../src/streams/protocol.js';
import { resolveStreamUrl } from '../../src/streams/url.js';

const SID = 'MZ00000000000000000000000000000001';

describe('the engine’s messages', () => {
  it('are the JSON TwiML sends, numbers as strings', () => {
    expect(JSON.parse(connectedMessage())).toEqual({
      event: 'connected',
      protocol: 'Call',
      version: '1.0.0',
    });
    expect(
      JSON.parse(
        startMessage(1, {
          streamSid: SID,
          accountSid: 'AC1',
          callSid: 'CA1',
          tracks: ['inbound', 'outbound'],
          customParameters: { a: '1' },
        }),
      ),
    ).toEqual({
      event: 'start',
      sequenceNumber: '1',
      start: {
        accountSid: 'AC1',
        streamSid: SID,
        callSid: 'CA1',
        tracks: ['inbound', 'outbound'],
        customParameters: { a: '1' },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
      streamSid: SID,
    });
    const payload = new Uint8Array([0, 1, 2, 254, 255]);
    expect(
      JSON.parse(mediaMessage(7, SID, { track: 'outbound', chunk: 3, timestamp: 40.6, payload })),
    ).toEqual({
      event: 'media',
      sequenceNumber: '7',
      media: { track: 'outbound', chunk: '3', timestamp: '40', payload: toBase64(payload) },
      streamSid: SID,
    });
    expect(JSON.parse(dtmfMessage(8, SID, '#'))).toEqual({
      event: 'dtmf',
      streamSid: SID,
      sequenceNumber: '8',
      dtmf: { track: 'inbound_track', digit: '#' },
    });
    expect(JSON.parse(markMessage(9, SID, 'a "quoted" name'))).toEqual({
      event: 'mark',
      sequenceNumber: '9',
      streamSid: SID,
      mark: { name: 'a "quoted" name' },
    });
    expect(JSON.parse(stopMessage(10, { streamSid: SID, accountSid: 'AC1', callSid: 'CA1' }))).toEqual({
      event: 'stop',
      sequenceNumber: '10',
      stop: { accountSid: 'AC1', callSid: 'CA1' },
      streamSid: SID,
    });
  });
});

describe('the application’s messages', () => {
  it('reads media, mark and clear', () => {
    const payload = toBase64(new Uint8Array(160).fill(0x55));
    const media = readAppMessage(JSON.stringify({ event: 'media', streamSid: SID, media: { payload } }), SID);
    expect(media.event).toBe('media');
    if (media.event === 'media') expect(media.payload).toEqual(new Uint8Array(160).fill(0x55));
    expect(
      readAppMessage(JSON.stringify({ event: 'mark', streamSid: SID, mark: { name: 'x' } }), SID),
    ).toEqual({
      event: 'mark',
      name: 'x',
    });
    expect(readAppMessage('{"event":"clear"}', SID)).toEqual({ event: 'clear' });
  });

  it.each([
    ['not json', /not JSON/],
    ['[1]', /unknown event/],
    ['"text"', /not a JSON object/],
    ['null', /not a JSON object/],
    ['{"event":"media"}', /without media.payload/],
    ['{"event":"mark"}', /without mark.name/],
    ['{"event":"media","media":{}}', /without media.payload/],
    ['{"event":"media","media":{"payload":"***"}}', /not base64/],
    ['{"event":"mark","mark":{}}', /without mark.name/],
    ['{"event":"hello"}', /unknown event "hello"/],
    [`{"event":"clear","streamSid":"MZ2"}`, /MZ2 is not this stream's/],
  ])('%s is invalid with its reason', (text, reason) => {
    const message = readAppMessage(text, SID);
    expect(message.event).toBe('invalid');
    if (message.event === 'invalid') expect(message.reason).toMatch(reason);
  });

  it('quotes at most 40 characters of a message that is not JSON', () => {
    expect(readAppMessage(`{${'y'.repeat(60)}`, SID)).toEqual({
      event: 'invalid',
      reason: `not JSON: {${'y'.repeat(39)}`,
    });
  });

  it('base64 round-trips bytes', () => {
    const bytes = new Uint8Array(256).map((_v, i) => i);
    expect(fromBase64(toBase64(bytes))).toEqual(bytes);
    expect(fromBase64('abcde')).toBeNull();
    expect(fromBase64('a-b_')).toBeNull();
    // Padding only ends a whole group of four.
    expect(fromBase64('AB=')).toBeNull();
    expect(fromBase64('ABCDE=')).toBeNull();
    expect(fromBase64('AB==')).toEqual(new Uint8Array([0]));
    expect(fromBase64('AB')).toEqual(new Uint8Array([0]));
  });

  it('base64 is the same without Node’s Buffer (other runtimes)', () => {
    const bytes = new Uint8Array(256).map((_v, i) => i);
    const withBuffer = { text: toBase64(bytes), decoded: ['AB==', 'AB', 'AB=', 'abcde', ''].map(fromBase64) };
    const global = globalThis as { Buffer?: unknown };
    const saved = global.Buffer;
    delete global.Buffer;
    try {
      expect(toBase64(bytes)).toBe(withBuffer.text);
      expect(fromBase64(withBuffer.text)).toEqual(bytes);
      expect(['AB==', 'AB', 'AB=', 'abcde', ''].map(fromBase64)).toEqual(withBuffer.decoded);
    } finally {
      global.Buffer = saved;
    }
  });
});

describe('stream URLs', () => {
  it('resolve relative references with http → ws, https → wss; other schemes are refused', () => {
    expect(resolveStreamUrl('/media', 'https://app.example/voice')).toBe('wss://app.example/media');
    expect(resolveStreamUrl('media?x=1', 'http://app.example/dir/voice')).toBe(
      'ws://app.example/dir/media?x=1',
    );
    expect(resolveStreamUrl('wss://agent.example/a', 'http://app.example/')).toBe('wss://agent.example/a');
    expect(resolveStreamUrl('ftp://agent.example/a', 'http://app.example/')).toBeNull();
    expect(resolveStreamUrl('ws://bad host/a', 'http://app.example/')).toBeNull();
  });
});
