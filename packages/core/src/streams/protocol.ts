/**
 * TwiML's media-stream WebSocket protocol, as its applications expect it: the messages the
 * engine sends (`connected`, `start`, `media`, `dtmf`, `mark`, `stop`) and the ones it reads
 * (`media`, `mark`, `clear`). Pure: JSON text in and out, no I/O. Numbers that TwiML sends as
 * strings (`sequenceNumber`, `chunk`, `timestamp`) are strings here too.
 */
import type { MediaTrack } from '../ports.js';

/** The `mediaFormat` of every stream: 8 kHz mono μ-law. */
export const MEDIA_FORMAT = Object.freeze({ encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 });

/** Bytes of one 20 ms frame of 8 kHz μ-law. */
export const FRAME_BYTES = 160;

/** Milliseconds of audio in one frame. */
export const FRAME_MS = 20;

/** What the `start` message describes. */
export interface StartInfo {
  readonly streamSid: string;
  readonly accountSid: string;
  readonly callSid: string;
  readonly tracks: readonly MediaTrack[];
  readonly customParameters: Readonly<Record<string, string>>;
}

/** The first message: the protocol of the connection. */
export function connectedMessage(): string {
  return '{"event":"connected","protocol":"Call","version":"1.0.0"}';
}

/** The stream's metadata, sent right after `connected`. */
export function startMessage(sequenceNumber: number, info: StartInfo): string {
  return JSON.stringify({
    event: 'start',
    sequenceNumber: String(sequenceNumber),
    start: {
      accountSid: info.accountSid,
      streamSid: info.streamSid,
      callSid: info.callSid,
      tracks: info.tracks,
      customParameters: info.customParameters,
      mediaFormat: MEDIA_FORMAT,
    },
    streamSid: info.streamSid,
  });
}

/** One frame of audio of a track; `chunk` counts the track's frames from 1. */
export function mediaMessage(
  sequenceNumber: number,
  streamSid: string,
  frame: {
    readonly track: MediaTrack;
    readonly chunk: number;
    readonly timestamp: number;
    readonly payload: Uint8Array;
  },
): string {
  // Hand-built: this is the hot path (50 messages per second per track per stream).
  return (
    `{"event":"media","sequenceNumber":"${sequenceNumber}","media":{"track":"${frame.track}",` +
    `"chunk":"${frame.chunk}","timestamp":"${Math.floor(frame.timestamp)}","payload":"${toBase64(frame.payload)}"},` +
    `"streamSid":"${streamSid}"}`
  );
}

/** A key pressed by the party (bidirectional streams only). */
export function dtmfMessage(sequenceNumber: number, streamSid: string, digit: string): string {
  return JSON.stringify({
    event: 'dtmf',
    streamSid,
    sequenceNumber: String(sequenceNumber),
    dtmf: { track: 'inbound_track', digit },
  });
}

/** A mark of the application's, sent back once the audio before it has been played. */
export function markMessage(sequenceNumber: number, streamSid: string, name: string): string {
  return JSON.stringify({ event: 'mark', sequenceNumber: String(sequenceNumber), streamSid, mark: { name } });
}

/** The last message of a stream the engine ends. */
export function stopMessage(
  sequenceNumber: number,
  info: Omit<StartInfo, 'tracks' | 'customParameters'>,
): string {
  return JSON.stringify({
    event: 'stop',
    sequenceNumber: String(sequenceNumber),
    stop: { accountSid: info.accountSid, callSid: info.callSid },
    streamSid: info.streamSid,
  });
}

/** A message from the application, read. */
export type AppMessage =
  | { readonly event: 'media'; readonly payload: Uint8Array }
  | { readonly event: 'mark'; readonly name: string }
  | { readonly event: 'clear' }
  /** Not understood: why (the stream reports it once as 31924 and goes on). */
  | { readonly event: 'invalid'; readonly reason: string };

/**
 * Read one message from the application. `streamSid`, when the message has one, must be the
 * stream's; anything else is `invalid` with the reason (never a throw).
 */
export function readAppMessage(text: string, streamSid: string): AppMessage {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return invalid(`not JSON: ${text.slice(0, 40)}`);
  }
  if (typeof data !== 'object' || data === null) return invalid('not a JSON object');
  const message = data as Record<string, unknown>;
  if (message.streamSid !== undefined && message.streamSid !== streamSid) {
    return invalid(`streamSid ${String(message.streamSid)} is not this stream's (${streamSid})`);
  }
  switch (message.event) {
    case 'media': {
      const payload = (message.media as { payload?: unknown } | undefined)?.payload;
      if (typeof payload !== 'string') return invalid('media message without media.payload');
      const bytes = fromBase64(payload);
      if (bytes === null) return invalid('media.payload is not base64');
      return { event: 'media', payload: bytes };
    }
    case 'mark': {
      const name = (message.mark as { name?: unknown } | undefined)?.name;
      if (typeof name !== 'string') return invalid('mark message without mark.name');
      return { event: 'mark', name };
    }
    case 'clear':
      return { event: 'clear' };
    default:
      return invalid(`unknown event ${JSON.stringify(message.event)}`);
  }
}

function invalid(reason: string): AppMessage {
  return { event: 'invalid', reason };
}

/** Base64 of bytes (Node's Buffer when present: it is the fast path). */
export function toBase64(bytes: Uint8Array): string {
  const B = (globalThis as { Buffer?: BufferLike }).Buffer;
  if (B !== undefined) return B.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * Bytes of base64 text, or null when it is not base64. Padding may only complete a group of
 * four (Node's Buffer would read `AB=`, `atob` refuses it: both runtimes answer the same).
 */
export function fromBase64(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 === 1) return null;
  if (text.endsWith('=') && text.length % 4 !== 0) return null;
  const B = (globalThis as { Buffer?: BufferLike }).Buffer;
  if (B !== undefined) return new Uint8Array(B.from(text, 'base64'));
  // atob cannot throw here: the checks above leave only its alphabet, padded to a group of four.
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

interface BufferLike {
  from(
    data: ArrayBufferLike | string,
    offsetOrEncoding?: number | string,
    length?: number,
  ): Uint8Array & {
    toString(encoding: string): string;
  };
}
