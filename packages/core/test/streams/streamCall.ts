/**
 * Test set-up for media streams through the engine: an inbound call on a stub channel that can
 * stream (`Channel.mediaStream`), and a fake `StreamPort` standing for the applications'
 * WebSocket servers. Each socket keeps the exact text the application received; the test
 * plays the application (`app.message`, `app.close`) and the driver (`media.frame`).
 */
import {
  type Channel,
  type ChannelHandler,
  createEngine,
  createSequentialIds,
  createSimulatedClock,
  type EngineEvent,
  type HttpRequest,
  type MediaStreamHandler,
  type MediaStreamRequest,
  type StreamOpenRequest,
  type StreamSocketHandler,
} from '@rcml/core';
import { flush } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

const EPOCH = Date.UTC(2026, 0, 1);

/** The account of every call. */
export const ACCOUNT = 'AC00000000000000000000000000000007';

/** One connection attempt of the engine to an application. */
export interface FakeSocket {
  readonly request: StreamOpenRequest;
  /** The text of every message the application received, in order. */
  readonly received: string[];
  /** Whether the engine closed the socket. */
  closed: boolean;
  /** The application sends a message. */
  message(text: string): void;
  /** The socket closes (by the application, or broken: 1006). */
  close(code?: number): void;
  /** A pending attempt: the upgrade succeeds / fails now. */
  accept(): void;
  refuse(error: unknown): void;
  /** The received messages, parsed. */
  json(): Record<string, unknown>[];
}

/** What the driver was asked to stream, and its side of it. */
export interface FakeMedia {
  readonly request: MediaStreamRequest;
  readonly handler: MediaStreamHandler;
  readonly signal: AbortSignal;
  readonly played: Uint8Array[];
  readonly marks: string[];
  cleared: number;
}

export interface StreamCallOptions {
  /** No `streams` port on the engine. */
  noPort?: boolean;
  /** The channel has no `mediaStream`. */
  noMediaStream?: boolean;
  /** `mediaStream` throws this. */
  mediaStreamThrows?: Error;
  /** How the port answers an attempt: at once (default), later (`accept`/`refuse`), or a rejection. */
  open?: 'now' | 'pending' | { reject: unknown };
  /** More documents the application serves, by URL (POST). */
  documents?: Record<string, string>;
  /** The socket delivers an application message while the engine sends it this event. */
  replyDuring?: { event: string; text: string };
  /** The party hangs up this many microtasks after the answer completed. */
  hangupAfterAnswer?: number;
  /** The socket's `bufferedBytes`. */
  buffered?: { bytes: number };
}

/** An inbound call to `http://app.test/voice` answering `body`, with media streams. */
export function streamCall(body: string, options: StreamCallOptions = {}) {
  const clock = createSimulatedClock(EPOCH);
  const sockets: FakeSocket[] = [];
  const media: FakeMedia[] = [];
  const requests: HttpRequest[] = [];
  let handler: ChannelHandler | undefined;
  const documents: Record<string, string> = { 'http://app.test/voice': body, ...options.documents };

  const mediaStream: Channel['mediaStream'] = (request, h, signal) => {
    if (options.mediaStreamThrows !== undefined) throw options.mediaStreamThrows;
    const m: FakeMedia = { request, handler: h, signal, played: [], marks: [], cleared: 0 };
    media.push(m);
    return {
      play: (payload) => m.played.push(payload),
      mark: (name) => m.marks.push(name),
      clear: () => m.cleared++,
    };
  };
  const channel = stubChannel({
    listen(h) {
      handler = h;
    },
    answer: async () => {
      const depth = options.hangupAfterAnswer;
      if (depth === undefined) return;
      let later = Promise.resolve();
      for (let i = 0; i < depth; i++) later = later.then(() => {});
      void later.then(() => handler?.hangup());
    },
    // `<Pause>` lasts its length on the simulated clock, so a test can act while it runs.
    pause: (r, signal) =>
      new Promise<void>((resolve) => {
        const timer = clock.setTimeout(() => resolve(), r.length * 1000);
        signal.addEventListener('abort', () => {
          clock.clearTimeout(timer);
          resolve();
        });
      }),
    ...(options.noMediaStream ? {} : { mediaStream }),
  });

  const port = {
    open(request: StreamOpenRequest, h: StreamSocketHandler) {
      let settle: { resolve: (s: unknown) => void; reject: (e: unknown) => void } | null = null;
      const opened = new Promise<unknown>((resolve, reject) => {
        settle = { resolve, reject };
      });
      let isClosed = false;
      const socket = {
        send(text: string) {
          fake.received.push(text);
          const reply = options.replyDuring;
          if (reply !== undefined && (JSON.parse(text) as { event: string }).event === reply.event) {
            h.message(reply.text);
          }
        },
        close() {
          fake.closed = true;
        },
        get bufferedBytes() {
          return options.buffered?.bytes ?? 0;
        },
      };
      const fake: FakeSocket = {
        request,
        received: [],
        closed: false,
        message: (text) => h.message(text),
        close: (code = 1000) => {
          if (isClosed) return;
          isClosed = true;
          h.closed(code, '');
        },
        accept: () => settle!.resolve(socket),
        refuse: (error) => settle!.reject(error),
        json: () => fake.received.map((t) => JSON.parse(t) as Record<string, unknown>),
      };
      sockets.push(fake);
      const how = options.open ?? 'now';
      if (how === 'now') fake.accept();
      else if (how !== 'pending') fake.refuse(how.reject);
      return opened as Promise<never>;
    },
  };

  const engine = createEngine({
    driver: {
      capabilities: { ssml: false, speech: true, voicemailDetection: false },
      originate: () => channel,
    },
    http: {
      send: async (request) => {
        requests.push(request);
        const doc = documents[request.url];
        return { status: 200, contentType: 'text/xml', location: null, body: doc ?? '' };
      },
    },
    clock,
    ids: createSequentialIds(),
    accountSid: ACCOUNT,
    ...(options.noPort ? {} : { streams: port }),
  });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  const { sid } = engine.inbound(
    { From: '+15550001111', To: '+15550002222', Url: 'http://app.test/voice' },
    channel,
  );
  /** Let the call go on until it waits for something (no simulated time passes). */
  const settle = () => flush();
  /** Run the call to its end (simulated time passes). */
  const run = async () => {
    await flush();
    while (clock.fireNext()) await flush();
  };
  /** Run the call until `seconds` after it started (simulated time). */
  const until = async (seconds: number) => {
    await flush();
    for (
      let due = clock.nextDue();
      due !== undefined && due <= EPOCH + seconds * 1000;
      due = clock.nextDue()
    ) {
      clock.fireNext();
      await flush();
    }
  };
  return {
    engine,
    until,
    sid,
    events,
    sockets,
    media,
    settle,
    run,
    /** The party. */
    party: () => handler!,
    notices: () =>
      events.flatMap((e) =>
        e.type === 'notice' ? [{ code: e.code, level: e.level, message: e.message }] : [],
      ),
    /** The status callbacks' `StreamEvent`s (with `StreamError` when present), in order. */
    streamCallbacks: () =>
      requests.flatMap((r) =>
        r.params.StreamEvent === undefined ? [] : [{ url: r.url, ...r.params } as Record<string, string>],
      ),
    requests,
    status: () => engine.get(sid)?.status,
  };
}
