/**
 * Shared pieces of the driver tests: a handler that writes down what the driver reports, a
 * driver wired to a fake ARI server with injected clock, TTS, media and converter, and a way
 * to wait for I/O on real loopback sockets without sleeping.
 */
import { mkdtempSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelHandler, DialRequest, DialTarget, HttpPort, HttpRequest, SayRequest } from '@rcml/core';
import { createSimulatedClock, type SimulatedClock } from '@rcml/core';
import {
  type AsteriskDriver,
  type AsteriskDriverOptions,
  type AudioConverter,
  createAsteriskDriver,
  type InboundCall,
  type MediaFetcher,
} from '../src/index.js';

/** A web application: URL (its query ignored) → RCML document (or a function of the request); remembers requests. */
export function webApp(pages: Record<string, string | ((r: HttpRequest) => string)>): {
  http: HttpPort;
  requests: HttpRequest[];
} {
  const requests: HttpRequest[] = [];
  return {
    requests,
    http: {
      async send(request) {
        requests.push(request);
        const page = pages[request.url.split('?')[0]!];
        if (page === undefined) return { status: 404, contentType: 'text/plain', location: null, body: '' };
        const body = typeof page === 'string' ? page : page(request);
        return { status: 200, contentType: 'text/xml', location: null, body };
      },
    },
  };
}

/**
 * A `<Dial><Conference>` of one leg (`callSid`) into `room`, with TwiML's defaults for the
 * room unless `conference` says otherwise.
 */
export function conferenceDial(
  room: string,
  callSid: string,
  conference: Partial<NonNullable<DialTarget['conference']>> = {},
): DialRequest {
  return {
    targets: [
      {
        type: 'conference',
        to: room,
        callSid,
        conference: {
          muted: false,
          beep: 'false',
          startConferenceOnEnter: true,
          endConferenceOnExit: false,
          maxParticipants: 250,
          ...conference,
        },
      },
    ],
    timeout: 30,
    timeLimit: 14400,
    callerId: '',
    hangupOnStar: false,
    record: 'do-not-record',
  };
}

/** A handler that records calls as strings: `dtmf:1`, `failed:no-answer`, `voice:true`. */
export interface Recorder extends ChannelHandler {
  readonly events: string[];
}

export function recorder(): Recorder {
  const events: string[] = [];
  return {
    events,
    ringing: () => events.push('ringing'),
    answered: () => events.push('answered'),
    detected: (by) => events.push(`detected:${by}`),
    busy: () => events.push('busy'),
    failed: (reason) => events.push(`failed:${reason}`),
    dtmf: (digit) => events.push(`dtmf:${digit}`),
    voice: (active) => events.push(`voice:${active}`),
    speech: (r) => events.push(`speech:${r.transcript}`),
    hangup: () => events.push('hangup'),
  };
}

/** One macrotask turn: lets loopback socket I/O make progress. */
export function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * Let I/O run until `test` holds. Not a sleep: it yields to the event loop and fails after a
 * bounded number of turns with `what` in the message.
 */
export async function until(test: () => boolean, what = 'condition'): Promise<void> {
  for (let i = 0; i < 20_000; i += 1) {
    if (test()) return;
    await turn();
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * A minimal silent 8 kHz mono 16-bit wav of `samples` samples. Written out byte by byte on purpose
 * (not `src/media/wavFile.ts`): tests use it as an independent oracle for the wav reader.
 */
export function wav8k(samples = 800): Buffer {
  const data = samples * 2;
  const buf = Buffer.alloc(44 + data);
  buf.write('RIFF', 0, 'ascii');
  buf.writeUInt32LE(36 + data, 4);
  buf.write('WAVE', 8, 'ascii');
  buf.write('fmt ', 12, 'ascii');
  buf.writeUInt32LE(16, 16);
  buf.writeUInt16LE(1, 20);
  buf.writeUInt16LE(1, 22);
  buf.writeUInt32LE(8000, 24);
  buf.writeUInt32LE(16000, 28);
  buf.writeUInt16LE(2, 32);
  buf.writeUInt16LE(16, 34);
  buf.write('data', 36, 'ascii');
  buf.writeUInt32LE(data, 40);
  return buf;
}

export interface TestDriver {
  readonly driver: AsteriskDriver;
  readonly clock: SimulatedClock;
  readonly dir: string;
  readonly said: SayRequest[];
  readonly fetched: string[];
  readonly converted: string[];
  /** Inbound calls in arrival order. */
  readonly inbound: InboundCall[];
}

/** Media served by the injected fetcher: URL → body (a missing URL answers 404). */
export type MediaTable = Record<string, { contentType: string; bytes: Buffer }>;

export async function startDriver(
  url: string,
  overrides: Partial<AsteriskDriverOptions> & { media?: MediaTable; ttsUri?: string } = {},
): Promise<TestDriver> {
  const dir = mkdtempSync(join(tmpdir(), 'rcml-ast-test-'));
  const clock = createSimulatedClock();
  const said: SayRequest[] = [];
  const fetched: string[] = [];
  const converted: string[] = [];
  const inbound: InboundCall[] = [];
  const media = overrides.media ?? {};
  const fetcher: MediaFetcher = async (u) => {
    fetched.push(u);
    const hit = media[u];
    if (hit === undefined) return { status: 404, contentType: 'text/plain', bytes: new Uint8Array() };
    return { status: 200, contentType: hit.contentType, bytes: new Uint8Array(hit.bytes) };
  };
  const converter: AudioConverter = {
    async toAsteriskWav(input, output) {
      converted.push(input);
      if (input.endsWith('.broken')) throw new Error('sox: cannot decode');
      await copyFile(input, output);
    },
  };
  let ids = 0;
  const { media: _m, ttsUri, ...rest } = overrides;
  const driver = createAsteriskDriver({
    ariUrl: url,
    ariUser: 'rcml',
    ariPassword: 'secret',
    clock,
    endpoints: { number: 'Local/{to}/n' },
    mediaCacheDir: join(dir, 'media'),
    ttsCacheDir: join(dir, 'tts'),
    recordingsDir: join(dir, 'recordings'),
    recordingBaseUrl: 'http://rcml.test/recordings',
    mediaFetcher: fetcher,
    converter,
    tts: {
      async synthesize(request) {
        said.push(request);
        return ttsUri ?? 'sound:/tts/say1';
      },
    },
    newId: () => `test-${++ids}`,
    // The recorded client passed the dial timeout as it is.
    ringTimeoutMarginSeconds: 0,
    ...rest,
  });
  await driver.start((call) => inbound.push(call));
  return { driver, clock, dir, said, fetched, converted, inbound };
}
