/**
 * Watching what the engine asks of its media driver and its HTTP transport, without changing
 * either: thin wrappers that report each operation and request (with its outcome) and then
 * delegate. The demo's timeline, the terminal phone and `rcml serve`'s log are built on them.
 */
import type {
  Channel,
  Clock,
  DialSession,
  HttpPort,
  HttpRequest,
  HttpResponse,
  MediaDriver,
} from '@rcml/core';
import type { MediaOp } from '@rcml/replay';

/** How an operation ended: on its own, stopped by the engine (barge-in, hang-up, live change), or with an error. */
export type Settlement = 'done' | 'aborted' | 'failed';

/**
 * What can be asked of the driver: the media operations, and `bridge` (a `<Dial>` leg
 * connected with the caller, after it answered and any whisper document accepted it).
 */
export type ObservedOp = MediaOp | 'bridge';

/** One operation asked of the driver. */
export interface ObservedOperation {
  readonly channelId: string;
  readonly op: ObservedOp;
  readonly detail: Readonly<Record<string, unknown>>;
  /** Epoch ms. */
  readonly at: number;
  /** Settles when the driver's operation does. */
  readonly settled: Promise<Settlement>;
  /**
   * Set for an operation on a `<Dial>` leg (its whisper document: what the dialled party
   * hears before it is connected): that leg's CallSid. Absent on a call's own channel.
   */
  readonly legSid?: string;
}

/** One HTTP request the engine made, and its answer. */
export interface ObservedRequest {
  readonly request: HttpRequest;
  readonly at: number;
  /** The answer, or the transport error's message. */
  readonly outcome: Promise<{ readonly response: HttpResponse } | { readonly error: string }>;
}

function settle(promise: Promise<unknown>, signal: AbortSignal | undefined): Promise<Settlement> {
  return promise.then(
    () => (signal?.aborted ? 'aborted' : 'done'),
    () => (signal?.aborted ? 'aborted' : 'failed'),
  );
}

/** Wrap one channel so that every operation is reported before it runs. */
export function observeChannel(
  channel: Channel,
  clock: Clock,
  report: (op: ObservedOperation) => void,
): Channel {
  function track<T>(
    op: ObservedOp,
    detail: Record<string, unknown>,
    signal: AbortSignal | undefined,
    run: () => Promise<T>,
  ) {
    const at = clock.now();
    let result: Promise<T>;
    try {
      result = run();
    } catch (error) {
      result = Promise.reject(error);
    }
    report({ channelId: channel.id, op, detail, at, settled: settle(result, signal) });
    return result;
  }
  const observed: Channel = {
    id: channel.id,
    listen: (handler) => channel.listen(handler),
    answer: (signal) => track('answer', {}, signal, () => channel.answer(signal)),
    say: (request, signal) => track('say', { ...request }, signal, () => channel.say(request, signal)),
    play: (request, signal) => track('play', { ...request }, signal, () => channel.play(request, signal)),
    sendDigits: (request, signal) =>
      track('digits', { ...request }, signal, () => channel.sendDigits(request, signal)),
    pause: (request, signal) => track('pause', { ...request }, signal, () => channel.pause(request, signal)),
    gather: (request, signal) =>
      track('gather', { ...request }, signal, () => channel.gather(request, signal)),
    record: (request, signal) =>
      track('record', { ...request }, signal, () => channel.record(request, signal)),
    dial(request, signal): DialSession {
      const session = channel.dial(request, signal);
      report({
        channelId: channel.id,
        op: 'dial',
        detail: { ...request, targets: request.targets.map((t) => ({ type: t.type, to: t.to })) },
        at: clock.now(),
        settled: Promise.resolve('done'),
      });
      // The moment a leg is connected with the caller, named by its SID and number.
      const bridge = (index: number) => {
        const target = request.targets[index];
        return track('bridge', { index, to: target?.to, callSid: target?.callSid }, undefined, () =>
          session.bridge(index),
        );
      };
      const record = session.record?.bind(session);
      // Each leg observed too, its operations tagged with its CallSid: a whisper document's
      // prompts and <Gather> show in the log (the caller does not hear them).
      const legs = session.legs.map((leg, index) => {
        const legSid = request.targets[index]?.callSid;
        return legSid === undefined ? leg : observeChannel(leg, clock, (op) => report({ ...op, legSid }));
      });
      return { legs, bridge, ...(record === undefined ? {} : { record }) };
    },
    hangup: () => track('hangup', {}, undefined, () => channel.hangup()),
    reject: (reason) => track('reject', { reason }, undefined, () => channel.reject(reason)),
  };
  // Cancelling an unanswered attempt is not a media operation of the timeline, nor is recording
  // the whole call (Record=true): both passed through unreported. So are the optional
  // capabilities the engine looks for (connecting a queued caller to its agent, muting or
  // holding a conference participant): leaving one out would make the engine believe the
  // driver cannot do it (`<Dial><Queue>` failed with 14103 under rcml serve/call).
  const cancel = channel.cancel?.bind(channel);
  const recordCall = channel.recordCall?.bind(channel);
  const mediaStream = channel.mediaStream?.bind(channel);
  const connect =
    channel.connect === undefined
      ? undefined
      : (other: Channel, signal: AbortSignal) => channel.connect!(unobserved(other), signal);
  const mute = channel.mute?.bind(channel);
  const hold = channel.hold?.bind(channel);
  const wrapper: Channel = {
    ...observed,
    ...(cancel === undefined ? {} : { cancel }),
    ...(recordCall === undefined ? {} : { recordCall }),
    ...(mediaStream === undefined ? {} : { mediaStream }),
    ...(connect === undefined ? {} : { connect }),
    ...(mute === undefined ? {} : { mute }),
    ...(hold === undefined ? {} : { hold }),
  };
  wrapped.set(wrapper, channel);
  return wrapper;
}

/** The driver's own channel behind each observing wrapper. */
const wrapped = new WeakMap<Channel, Channel>();

/** The driver's channel behind `channel` (itself when it is not a wrapper), as drivers expect their own. */
function unobserved(channel: Channel): Channel {
  return wrapped.get(channel) ?? channel;
}

/** Wrap a driver so that every outbound channel it makes is observed. */
export function observeDriver(
  driver: MediaDriver,
  clock: Clock,
  report: (op: ObservedOperation) => void,
): MediaDriver {
  return {
    get capabilities() {
      return driver.capabilities;
    },
    originate: (request) => observeChannel(driver.originate(request), clock, report),
    ...(driver.recordingAudio === undefined ? {} : { recordingAudio: driver.recordingAudio.bind(driver) }),
  };
}

/** Wrap an HTTP port so that every request and its answer are reported. */
export function observeHttp(
  http: HttpPort,
  clock: Clock,
  report: (request: ObservedRequest) => void,
): HttpPort {
  return {
    send(request) {
      const result = http.send(request);
      report({
        request,
        at: clock.now(),
        outcome: result.then(
          (response) => ({ response }),
          (error: unknown) => ({ error: error instanceof Error ? error.message : String(error) }),
        ),
      });
      return result;
    },
  };
}
