/**
 * The engine wired for the command line: the simulated media driver on a given clock, the
 * real HTTP transport, both observed into a call log. `serve`, `demo` and `call` use it.
 */
import {
  type Channel,
  type Clock,
  createEngine,
  type Engine,
  type EngineLimits,
  type EngineOptions,
  type HttpPort,
  type HttpRequest,
  type MediaDriver,
  type RecordingStore,
  type StreamPort,
  systemClock,
} from '@rcml/core';
import {
  createSimulatedDriver,
  type DialedScript,
  type MediaTiming,
  type PartyScript,
  type SimulatedCall,
  type SimulatedDriver,
} from '@rcml/driver';
import {
  createHttpTransport,
  createStreamPort,
  createUrlGuard,
  type HttpTransport,
  type LookupFunction,
  type SsrfGuardOptions,
} from '@rcml/webhook';
import { type CallLog, createCallLog } from '../timeline/callLog.js';
import { type ObservedOperation, observeChannel, observeDriver, observeHttp } from '../timeline/observe.js';
import { observeStreams } from '../timeline/observeStreams.js';

export interface RuntimeOptions {
  /** Another media driver (e.g. Asterisk) instead of the simulated one; the simulated options are then unused. */
  readonly driver?: MediaDriver;
  readonly clock?: Clock;
  readonly media?: Partial<MediaTiming>;
  readonly party?: PartyScript;
  readonly dialed?: DialedScript;
  /** Unscripted outbound calls and dial legs answer after this many seconds. */
  readonly autoAnswerAfter?: number;
  /** Default account of the engine. */
  readonly accountSid?: string;
  /** Signs the engine's requests (`X-Twilio-Signature`) with this token. */
  readonly authToken?: string | ((accountSid: string) => string | undefined);
  /** The transport's SSRF guard (off by default): `true`, or an allow list (docs/webhook.md). */
  readonly ssrfGuard?: boolean | SsrfGuardOptions;
  /** DNS lookup of the transport (tests map names to 127.0.0.1). */
  readonly lookup?: LookupFunction;
  readonly fetchTimeoutMs?: number;
  readonly callbackRetryMs?: readonly number[];
  readonly limits?: Partial<EngineLimits>;
  /**
   * Extra parameters for a request (e.g. the terminal phone's `--param`): added to it where
   * the engine did not set the name itself, before the request is logged and signed.
   */
  readonly requestParams?: (request: HttpRequest) => Readonly<Record<string, string>> | undefined;
  /** Told of every leg the driver makes (to reach its far end). */
  readonly onCall?: (call: SimulatedCall) => void;
  /** Told of every media operation (after the log). */
  readonly onOperation?: (op: ObservedOperation) => void;
  /** Wraps the HTTP transport (innermost: it sees each request as sent), e.g. to record the answers. */
  readonly wrapHttp?: (http: HttpPort) => HttpPort;
  /** Wrap the media-stream client the engine uses (e.g. `rcml call --record` keeps what stream apps send). */
  readonly wrapStreams?: (streams: StreamPort) => StreamPort;
  /** Where recordings' audio is kept (the engine's `recordingStore`). */
  readonly recordingStore?: RecordingStore;
  /** The `RecordingUrl` given to applications (the engine's `recordingUrl`). */
  readonly recordingUrl?: (recording: { readonly sid: string; readonly accountSid: string }) => string;
  /** The engine's xstate inspector (every call's actor): `rcml demo` follows its call's states. */
  readonly inspect?: EngineOptions['inspect'];
}

export interface Runtime {
  readonly engine: Engine;
  /** The media driver (the simulated one unless another was given). */
  readonly driver: MediaDriver;
  /** The simulated driver, when it is the one in use. */
  readonly simulated: SimulatedDriver | undefined;
  readonly transport: HttpTransport;
  readonly log: CallLog;
  readonly clock: Clock;
  /** Observe a channel the driver made for an inbound call before handing it to the engine. */
  observe(channel: Channel): Channel;
  /**
   * Stop: let live calls end on their own for up to `drainMs`, hang up the rest, deliver the
   * callbacks still due (up to `deadlineMs`), then close the HTTP pools.
   */
  close(options?: { readonly drainMs?: number; readonly deadlineMs?: number }): Promise<void>;
}

/** Build the engine on a media driver (the simulated one by default) and real HTTP. */
export function createRuntime(options: RuntimeOptions = {}): Runtime {
  const clock = options.clock ?? systemClock;
  const log = createCallLog(clock);
  const simulated =
    options.driver !== undefined
      ? undefined
      : createSimulatedDriver({
          clock,
          ...(options.media === undefined ? {} : { media: options.media }),
          ...(options.party === undefined ? {} : { party: options.party }),
          ...(options.dialed === undefined ? {} : { dialed: options.dialed }),
          ...(options.autoAnswerAfter === undefined ? {} : { autoAnswerAfter: options.autoAnswerAfter }),
          ...(options.onCall === undefined ? {} : { onCall: options.onCall }),
        });
  const driver: MediaDriver = options.driver ?? (simulated as SimulatedDriver);
  const transport = createHttpTransport({
    clock,
    ...(options.authToken === undefined ? {} : { authToken: options.authToken }),
    ...(options.ssrfGuard === undefined ? {} : { ssrfGuard: options.ssrfGuard }),
    ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
  });
  const report = (op: ObservedOperation) => {
    log.onOperation(op);
    options.onOperation?.(op);
  };
  const engine = createEngine({
    driver: observeDriver(driver, clock, report),
    http: withRequestParams(
      observeHttp(
        options.wrapHttp === undefined ? transport : options.wrapHttp(transport),
        clock,
        log.onRequest,
      ),
      options.requestParams,
    ),
    clock,
    ...(options.accountSid === undefined ? {} : { accountSid: options.accountSid }),
    ...(options.fetchTimeoutMs === undefined ? {} : { fetchTimeoutMs: options.fetchTimeoutMs }),
    ...(options.callbackRetryMs === undefined
      ? {}
      : { callbackRetry: { delaysMs: options.callbackRetryMs } }),
    ...(options.limits === undefined ? {} : { limits: options.limits }),
    ...(options.recordingStore === undefined ? {} : { recordingStore: options.recordingStore }),
    ...(options.recordingUrl === undefined ? {} : { recordingUrl: options.recordingUrl }),
    // Media streams: signed like the HTTP requests, under the same SSRF policy.
    streams: observeStreams(
      (options.wrapStreams ?? ((port: StreamPort) => port))(
        createStreamPort({
          ...(options.authToken === undefined ? {} : { authToken: options.authToken }),
          ...(options.ssrfGuard === undefined || options.ssrfGuard === false
            ? {}
            : {
                guard: createUrlGuard({
                  ...(options.ssrfGuard === true ? {} : options.ssrfGuard),
                  ...(options.lookup === undefined ? {} : { lookup: options.lookup }),
                }),
              }),
        }),
      ),
      clock,
      log.add,
    ),
    ...(options.inspect === undefined ? {} : { inspect: options.inspect }),
  });
  log.follow(engine);
  let closing: Promise<void> | undefined;
  return {
    engine,
    driver,
    simulated,
    transport,
    log,
    clock,
    observe: (channel) => observeChannel(channel, clock, report),
    close({ drainMs = 0, deadlineMs = 5000 } = {}) {
      closing ??= stop(drainMs, deadlineMs);
      return closing;
    },
  };
  async function stop(drainMs: number, deadlineMs: number): Promise<void> {
    try {
      if (drainMs > 0) await untilIdle(engine, clock, drainMs);
      // Hang-up mode ends what is left at once and then waits for the callbacks; the engine's
      // drain mode would abandon the callbacks of the calls it ends at its deadline.
      await engine.shutdown({ mode: 'hangup', deadlineMs });
      await transport.drain(deadlineMs);
    } finally {
      await transport.close();
    }
  }
}

/** Add the extra parameters a request is given (names it already has are kept as they are). */
function withRequestParams(http: HttpPort, extra: RuntimeOptions['requestParams']): HttpPort {
  if (extra === undefined) return http;
  return {
    send(request) {
      const more = extra(request);
      if (more === undefined) return http.send(request);
      const params: Record<string, string> = { ...request.params };
      for (const [name, value] of Object.entries(more))
        if (!Object.hasOwn(params, name)) params[name] = value;
      return http.send({ ...request, params });
    },
  };
}

/** Resolve when no call is active any more, or after `ms`. */
function untilIdle(engine: Engine, clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (engine.activeCalls === 0) {
      resolve();
      return;
    }
    const done = () => {
      clock.clearTimeout(timer);
      stop();
      resolve();
    };
    const timer = clock.setTimeout(done, ms);
    const stop = engine.subscribe(() => {
      if (engine.activeCalls === 0) done();
    });
  });
}
