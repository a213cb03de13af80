/**
 * Timeline recording: wraps the HTTP port and the channels the engine uses, and writes one
 * entry per request and per media operation, at issue time, with the fields the replay
 * format's table lists.
 */
import type { Channel, Clock, DialRequest, DialSession, HttpPort, MediaDriver } from '@rcml/core';
import type { SimChannel, SimulatedDriver } from '@rcml/driver';
import type { MediaEntry, TimelineEntry } from './timeline.js';

/** Records the engine's timeline on a clock whose t = 0 is `origin` (epoch ms). */
export interface TimelineRecorder {
  readonly entries: TimelineEntry[];
  /** Seconds since t = 0, without binary noise. */
  seconds(): number;
  /** An `HttpPort` that records each request as a `fetch` or `callback` entry, then passes it on to `port`. */
  wrapHttp(port: HttpPort): HttpPort;
  /**
   * Wrap a channel. `main`: the scenario's call (its `hangup`/`reject` are entries); dial
   * legs are not main (ending a leg is not a `hangup`).
   */
  wrapChannel(channel: SimChannel, main: boolean): Channel;
  /** Wrap a driver: the first channel it originates is the scenario's call. */
  wrapDriver(driver: SimulatedDriver): MediaDriver;
}

/** Split a GET URL's query into parameters (the timeline shows GET parameters under `params`). */
function splitGet(url: string, params: Readonly<Record<string, string>>) {
  const q = url.indexOf('?');
  if (q === -1) return { url, params: { ...params } };
  const hash = url.indexOf('#', q);
  const query = new URLSearchParams(url.slice(q + 1, hash === -1 ? undefined : hash));
  const merged: Record<string, string> = {};
  for (const [k, v] of query) merged[k] = v;
  return { url: url.slice(0, q), params: { ...merged, ...params } };
}

/** A recorder on `clock`, t = 0 being `origin` (epoch ms). */
export function createTimelineRecorder(clock: Clock, origin: number): TimelineRecorder {
  const entries: TimelineEntry[] = [];
  const seconds = () => Math.round(((clock.now() - origin) / 1000) * 1_000_000) / 1_000_000;
  const media = (op: MediaEntry['op'], fields: Record<string, unknown> = {}) => {
    entries.push({ kind: 'media', at: seconds(), op, ...fields } as MediaEntry);
  };

  function wrapChannel(channel: SimChannel, main: boolean): Channel {
    return {
      get id() {
        return channel.id;
      },
      listen: (handler) => channel.listen(handler),
      answer(signal) {
        if (main) media('answer');
        return channel.answer(signal);
      },
      say(r, signal) {
        media('say', { text: r.text, voice: r.voice, language: r.language, loop: r.loop });
        return channel.say(r, signal);
      },
      play(r, signal) {
        media('play', { url: r.url, loop: r.loop });
        return channel.play(r, signal);
      },
      sendDigits(r, signal) {
        media('digits', { digits: r.digits });
        return channel.sendDigits(r, signal);
      },
      pause(r, signal) {
        media('pause', { length: r.length });
        return channel.pause(r, signal);
      },
      gather(r, signal) {
        media('gather', {
          input: r.input,
          timeout: r.timeout,
          finishOnKey: r.finishOnKey,
          numDigits: r.numDigits,
        });
        return channel.gather(r, signal);
      },
      record(r, signal) {
        media('record', {
          maxLength: r.maxLength,
          timeout: r.timeout,
          finishOnKey: r.finishOnKey,
          playBeep: r.playBeep,
          trim: r.trim,
        });
        return channel.record(r, signal);
      },
      dial(r: DialRequest, signal) {
        media('dial', {
          targets: r.targets.map((t) => ({ type: t.type, to: t.to })),
          timeout: r.timeout,
          timeLimit: r.timeLimit,
          callerId: r.callerId,
          hangupOnStar: r.hangupOnStar,
        });
        const session = channel.dial(r, signal);
        const wrapped: DialSession = {
          legs: session.legs.map((leg) => wrapChannel(leg as unknown as SimChannel, false)),
          bridge: (index) => session.bridge(index),
        };
        // A dial recording is not a timeline entry (the format has no op for it).
        const record = session.record?.bind(session);
        return record === undefined ? wrapped : { ...wrapped, record: (rr, s) => record(rr, s) };
      },
      hangup() {
        // The engine ending the call itself is an entry (an inbound call too, answered or
        // not); cancelling an unanswered outbound attempt is not (placing or cancelling the
        // outbound call is not a media operation), nor hanging up after the far end did.
        const ending =
          channel.state !== 'ended' && (channel.direction === 'inbound' || channel.state === 'answered');
        if (main && ending) media('hangup');
        return channel.hangup();
      },
      // Media streams: the stream port records their entries (streams.ts), not the channel.
      mediaStream: (r, handler, signal) => channel.mediaStream(r, handler, signal),
      // Recording the whole call (Record=true) is not a timeline entry (the format has no op for it).
      recordCall(r, signal) {
        return channel.recordCall(r, signal);
      },
      // Queues and conferences: connecting two calls, muting and holding a conference
      // participant are not timeline entries (the format has no op for them).
      connect(other, signal) {
        return channel.connect(other, signal);
      },
      mute(muted) {
        return channel.mute(muted);
      },
      hold(held) {
        return channel.hold(held);
      },
      cancel() {
        return channel.cancel();
      },
      reject(reason) {
        if (main && channel.state !== 'ended') media('reject', { reason });
        return channel.reject(reason);
      },
    };
  }

  return {
    entries,
    seconds,
    wrapHttp(port) {
      return {
        send(request) {
          const { url, params } =
            request.method === 'GET'
              ? splitGet(request.url, request.params)
              : { url: request.url, params: { ...request.params } };
          entries.push({ kind: request.kind, at: seconds(), method: request.method, url, params });
          return port.send(request);
        },
      };
    },
    wrapChannel,
    wrapDriver(driver) {
      let first = true;
      return {
        capabilities: driver.capabilities,
        originate(request) {
          const channel = driver.originate(request);
          const main = first;
          first = false;
          return wrapChannel(channel, main);
        },
      };
    },
  };
}
