/**
 * The engine side of B1 and B2: an engine on the system clock with the zero-latency driver and
 * the real webhook transport, plus a thin observer on its HTTP port that tells when a call's
 * `completed` callback has been answered (the last request of a call) and counts requests.
 */
import {
  type CreateCallParams,
  createEngine,
  type Engine,
  type EngineEvent,
  type EngineLimits,
  type HttpPort,
  type Logger,
  type MessagingPort,
  type OriginateRequest,
} from '@rcml/core';
import { createHttpTransport, type HttpTransport } from '@rcml/webhook';
import { createZeroLatencyDriver } from './zeroLatencyDriver.js';

/** The engine logs at warn: warnings and errors reach stderr (a few), the rest is dropped. */
export function warnLogger(): Logger & { readonly count: () => number } {
  let count = 0;
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    count++;
    if (count <= 5) process.stderr.write(`engine ${level}: ${message} ${JSON.stringify(fields ?? {})}\n`);
  };
  return { debug() {}, info() {}, warn: log('warn'), error: log('error'), count: () => count };
}

/** `<Sms>` needs a messaging port; this one sends at once. */
const messaging: MessagingPort = { send: async () => ({ status: 'sent' }) };

export interface HarnessOptions {
  readonly origin: string;
  /** Connections per origin for documents and callbacks in flight per origin. */
  readonly connections: number;
  /** Calls to this number are held (their far end never presses a key). */
  readonly holdNumber?: string;
  readonly onHold?: () => void;
  /** Engine limits (B1 raises the call rate limit far above what it reaches). */
  readonly limits: Partial<EngineLimits>;
  /** Finished calls kept by the registry (engine default 10,000). */
  readonly retainFinishedCalls?: number;
  /** The engine factory (default this workspace's; `compare.ts` passes another build's). */
  readonly createEngine?: typeof createEngine;
}

export interface Harness {
  readonly engine: Engine;
  readonly transport: HttpTransport;
  /** Requests sent through the port so far (every hop and callback attempt). */
  readonly requests: () => number;
  /** Requests that failed (transport errors and non-2xx answers): a sound run has none. */
  readonly failures: () => number;
  /** Warnings and errors logged by the engine so far. */
  readonly warnings: () => number;
  /** Called once per call when its `completed` callback has been answered. */
  onCompleted: (callSid: string) => void;
  close(): Promise<void>;
}

export function createHarness(options: HarnessOptions): Harness {
  const transport = createHttpTransport({
    connectionsPerOrigin: options.connections,
    callbackConcurrency: options.connections,
    callbackQueueLimit: 100_000,
  });
  let requests = 0;
  let failures = 0;
  const harness: Harness = {
    engine: undefined as unknown as Engine,
    transport,
    requests: () => requests,
    failures: () => failures,
    warnings: () => logger.count(),
    onCompleted: () => {},
    close: async () => {
      await harness.engine.shutdown({ mode: 'hangup', deadlineMs: 5_000 });
      await transport.close();
    },
  };
  const observed: HttpPort = {
    send(request) {
      requests++;
      const sent = transport.send(request);
      const completes = request.kind === 'callback' && request.params.CallStatus === 'completed';
      sent.then(
        (response) => {
          if (response.status >= 300) failures++;
          else if (completes) harness.onCompleted(request.callSid);
        },
        () => {
          failures++;
        },
      );
      return sent;
    },
  };
  const hold = options.holdNumber;
  const logger = warnLogger();
  const engine = (options.createEngine ?? createEngine)({
    driver: createZeroLatencyDriver({
      ...(hold === undefined ? {} : { hold: (r: OriginateRequest) => r.to === hold }),
      ...(options.onHold === undefined ? {} : { onHold: options.onHold }),
    }),
    http: observed,
    logger,
    messaging,
    limits: options.limits,
    ...(options.retainFinishedCalls === undefined
      ? {}
      : { retainFinishedCalls: options.retainFinishedCalls }),
  });
  (harness as { engine: Engine }).engine = engine;
  return harness;
}

/** Calls API parameters of one B1 call. */
export function callParams(
  origin: string,
  document: string,
  allEvents: boolean,
  to = '+15550002222',
): CreateCallParams {
  return {
    To: to,
    From: '+15550001111',
    Url: `${origin}/doc/${document}`,
    Method: 'POST',
    StatusCallback: `${origin}/cb`,
    StatusCallbackMethod: 'POST',
    ...(allEvents ? { StatusCallbackEvent: 'initiated ringing answered completed' } : {}),
  };
}

/** What one traced call did: the verbs it ran, its requests (with bodies) and its notices. */
export interface CallTrace {
  readonly verbs: string[];
  readonly requests: { kind: 'fetch' | 'callback'; path: string; params: Record<string, string> }[];
  readonly notices: string[];
  readonly status: string;
}

/**
 * Run one call with the engine's event stream on, to check that it did what the benchmark
 * claims (every verb, exactly the expected requests, no notice), and to capture the request
 * bodies the baseline sends.
 */
export function traceOneCall(harness: Harness, params: CreateCallParams): Promise<CallTrace> {
  const trace: CallTrace = { verbs: [], requests: [], notices: [], status: '' };
  return new Promise((resolve, reject) => {
    let sid = '';
    const timer = setTimeout(() => reject(new Error('a traced call did not complete in 10 s')), 10_000);
    const unsubscribe = harness.engine.subscribe((event: EngineEvent) => {
      if (event.callSid !== sid && !(event.type === 'notice' && event.callSid === null)) return;
      if (event.type === 'verb' && event.phase === 'start') trace.verbs.push(event.verb);
      if (event.type === 'request') {
        trace.requests.push({
          kind: event.kind,
          path: new URL(event.url).pathname,
          params: { ...event.params },
        });
      }
      if (event.type === 'notice') trace.notices.push(`${event.code} ${event.message}`);
      if (event.type === 'status') (trace as { status: string }).status = event.status;
    });
    const previous = harness.onCompleted;
    harness.onCompleted = (callSid) => {
      if (callSid !== sid) return previous(callSid);
      harness.onCompleted = previous;
      clearTimeout(timer);
      unsubscribe();
      resolve(trace);
    };
    sid = harness.engine.create(params).sid;
  });
}
