/**
 * `createEngine`: the calls registry and the Calls API semantics (spec 1.2 to 1.5) over the
 * injected ports. Users embed this; see docs/embedding.md.
 */

import { ControllerPool } from '../call/abort.js';
import type { CallData } from '../call/callData.js';
import type { CallSettings } from '../call/callSettings.js';
import type { CallContext } from '../call/context.js';
import { PERSISTED_VERSION } from '../call/persisted.js';
import { CallSession, type CallSession as Session } from '../call/session.js';
import {
  type CallbackContext,
  type CallbackQueue,
  DEFAULT_RETRY_DELAYS_MS,
} from '../callbacks/callbackQueue.js';
import { parseProgressEvents } from '../callbacks/progress.js';
import { systemClock } from '../clock/systemClock.js';
import { createConferences } from '../conferences/conferences.js';
import { parseInlineDocument } from '../document/inline.js';
import { type ErrorCode, RcmlError } from '../errors.js';
import { DocumentCache } from '../fetch/documentCache.js';
import { geographyOf, geoParams } from '../fetch/params.js';
import type { Channel, HttpPort, Logger, NumberGeography } from '../ports.js';
import { createQueues } from '../queues/queues.js';
import { createRecordings } from '../recordings/recordings.js';
import { createClockSeededIds } from './ids.js';
import { type CallsApiParams, toApiParams, unimplementedParams } from './params.js';
import { CallRegistry } from './registry.js';
import type {
  CallOwner,
  CallRecord,
  Engine,
  EngineEvent,
  EngineLimits,
  EngineMachine,
  EngineOptions,
  InboundParams,
  ShutdownOptions,
} from './types.js';
import { validateCreate, validateInbound, validateMethod, validateUrl } from './validate.js';

/** Defaults of every limit (spec 8). */
export const DEFAULT_LIMITS: EngineLimits = {
  maxConcurrentCalls: 10_000,
  maxCallsPerSecond: 1_000,
  maxDocumentBytes: 65_536,
  maxRedirects: 10,
  maxLoop: 1000,
  maxFetchesPerMinute: 100,
  maxDialTargets: 10,
};

const DEFAULT_ACCOUNT = `AC${'0'.repeat(32)}`;

const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };

/** Create an engine over the given driver, HTTP transport and (optionally) clock and ids. */
export function createEngine(options: EngineOptions): Engine & EngineMachine {
  const clock = options.clock ?? systemClock;
  const ids = options.ids ?? createClockSeededIds(clock);
  const logger = options.logger ?? silentLogger;
  const limits: EngineLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const apiVersion = options.apiVersion ?? '2012-04-24';
  const defaultAccount = options.accountSid ?? DEFAULT_ACCOUNT;
  const fetchTimeoutMs = options.fetchTimeoutMs ?? 15_000;
  const listeners = new Set<(event: EngineEvent) => void>();
  const registry = new CallRegistry(options.retainFinishedCalls ?? 10_000);
  const sessions = new Map<string, Session>();
  const flushing = new Set<CallbackQueue>();
  let settledWaiters: (() => void)[] = [];
  let live = 0;
  /** Ended calls whose callbacks are still being delivered. */
  let pendingFlushes = 0;
  let accepting = true;
  // Creation times of the last `maxCallsPerSecond` calls (a ring), for the rate limit.
  // Stryker disable next-line ArrayDeclaration: an initial non-number entry is infinitely old (now minus it is NaN, never below 1000): the ring is full one push earlier and that entry is replaced first, so the same calls are admitted
  const recent: number[] = [];
  let recentHead = 0;

  const emit = (event: EngineEvent) => {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.error('engine event listener failed', { error });
      }
    }
  };
  const http: HttpPort = {
    send(request) {
      if (listeners.size > 0) {
        emit({
          type: 'request',
          callSid: request.callSid,
          kind: request.kind,
          method: request.method,
          url: request.url,
          params: request.params,
          at: clock.now(),
        });
      }
      return options.http.send(request);
    },
  };
  const controllers = new ControllerPool();
  /** How callbacks are delivered, for the calls and the conferences alike. */
  const callbacks: CallbackContext = {
    http,
    clock,
    retryDelaysMs: options.callbackRetry?.delaysMs ?? DEFAULT_RETRY_DELAYS_MS,
    timeoutMs: fetchTimeoutMs,
    controllers,
    notice: (callSid, code, message) => notice(callSid, code, message, 'error'),
  };
  const recordings = createRecordings({
    driver: options.driver,
    store: options.recordingStore,
    logger,
    now: () => clock.now(),
    url: options.recordingUrl,
  });
  const queues = createQueues({ now: () => clock.now(), nextSid: () => ids.next('QU') });
  const conferences = createConferences({
    now: () => clock.now(),
    nextSid: () => ids.next('CF'),
    callbacks,
    playWaitUrl: options.conferenceWaitUrl ?? true,
  });
  const notice = (callSid: string | null, code: ErrorCode, message: string, level: 'warning' | 'error') => {
    (level === 'error' ? logger.warn : logger.info).call(logger, message, { callSid, code });
    if (listeners.size > 0) emit({ type: 'notice', callSid, code, level, message, at: clock.now() });
  };
  const checkSettled = () => {
    if (live > 0 || pendingFlushes > 0 || settledWaiters.length === 0) return;
    const waiters = settledWaiters;
    settledWaiters = [];
    for (const resolve of waiters) resolve();
  };

  const ctx: CallContext = {
    clock,
    driver: options.driver,
    ids,
    logger,
    messaging: options.messaging,
    streams: options.streams,
    limits,
    fetch: {
      http,
      clock,
      timeoutMs: fetchTimeoutMs,
      maxRedirects: limits.maxRedirects,
      maxDocumentBytes: limits.maxDocumentBytes,
      parseOptions: { maxBytes: limits.maxDocumentBytes, maxLoop: limits.maxLoop },
      cache: new DocumentCache(256),
    },
    callbacks,
    controllers,
    hasListeners: () => listeners.size > 0,
    emit,
    notice,
    statusChanged(call) {
      if (listeners.size > 0)
        emit({ type: 'status', callSid: call.sid, status: call.status, at: clock.now() });
    },
    queues,
    conferences,
    recordingMade: (recording) => recordings.made(recording),
    legCreated(call) {
      registry.add(call);
      live++;
    },
    callEnded(call: CallData, queues: readonly CallbackQueue[], flushed: Promise<void> | null) {
      live--;
      sessions.delete(call.sid);
      registry.finish(call);
      if (flushed !== null) {
        for (const queue of queues) flushing.add(queue);
        pendingFlushes++;
        void flushed.then(() => {
          pendingFlushes--;
          for (const queue of queues) flushing.delete(queue);
          checkSettled();
        });
      }
      checkSettled();
    },
  };

  function admit(): void {
    if (!accepting) throw new RcmlError(20503, 'the engine is shutting down and accepts no new calls');
    if (live >= limits.maxConcurrentCalls) {
      throw new RcmlError(20429, `too many calls at once (limit ${limits.maxConcurrentCalls})`);
    }
    const now = clock.now();
    const max = limits.maxCallsPerSecond;
    if (recent.length >= max) {
      if (now - recent[recentHead]! < 1000) {
        throw new RcmlError(20429, `too many calls created per second (limit ${max})`);
      }
      recent[recentHead] = now;
      recentHead = (recentHead + 1) % max;
    } else recent.push(now);
  }

  /** Spec 9.2: an inline document, validated as a fetched one; refused naming `Twiml`. */
  function inlineDocument(text: string, baseUrl: string | null) {
    const parsed = parseInlineDocument(text, baseUrl, ctx.fetch.parseOptions);
    if (parsed.ok) return parsed.inline;
    const { code, message } = parsed.error;
    throw new RcmlError(code, `Twiml: ${message} (${code})`, {
      field: 'Twiml',
      ...(parsed.error.path === undefined ? {} : { path: parsed.error.path }),
      ...(parsed.error.line === undefined ? {} : { line: parsed.error.line }),
    });
  }

  /** Spec 9.5: each parameter this engine does not implement is a 13911 warning of the call. */
  function reportUnimplemented(callSid: string, params: CallsApiParams, kind: 'create' | 'modify') {
    for (const name of unimplementedParams(params, kind)) {
      notice(
        callSid,
        13911,
        `Calls API parameter ${name} is not implemented by this engine; ignored`,
        'warning',
      );
    }
  }

  /** What the number look-up port knows about a number (a failing port knows nothing). */
  function lookup(number: string): NumberGeography | undefined {
    if (options.numbers === undefined) return undefined;
    try {
      return options.numbers.lookup(number);
    } catch (error) {
      logger.warn('number look-up failed', { number, error });
      return undefined;
    }
  }

  function start(session: Session): CallRecord {
    registry.add(session.data);
    sessions.set(session.data.sid, session);
    live++;
    return session.data.toRecord();
  }

  const engine: Engine & EngineMachine = {
    create(typed, owner?: CallOwner) {
      const params = toApiParams(typed);
      const valid = validateCreate(params);
      const twiml = params.Twiml;
      const inline = twiml === undefined || twiml.trim() === '' ? null : inlineDocument(twiml, null);
      admit();
      // `valid` is a fresh object: the call owns it as its (mutable) settings.
      const settings = Object.assign(valid, { inline, createdUrl: inline === null ? valid.url : null });
      const session = new CallSession(
        ctx,
        settings,
        {
          sid: ids.next('CA'),
          accountSid: owner?.accountSid ?? defaultAccount,
          from: valid.from,
          to: valid.to,
          apiVersion: owner?.apiVersion ?? apiVersion,
          direction: 'outbound-api',
          parentCallSid: null,
          callerName: null,
          forwardedFrom: null,
          geo: geoParams(lookup(valid.from), lookup(valid.to)),
          status: 'queued',
          now: clock.now(),
        },
        { inspect: options.inspect },
      );
      const record = start(session);
      reportUnimplemented(record.sid, params, 'create');
      session.startOutbound();
      return record;
    },

    inbound(params: InboundParams, channel: Channel, owner?: CallOwner) {
      const valid = validateInbound(toApiParams(params));
      admit();
      const session = new CallSession(
        ctx,
        { ...valid, timeout: 0, detectVoicemail: false, createdUrl: valid.url },
        {
          sid: ids.next('CA'),
          accountSid: owner?.accountSid ?? defaultAccount,
          from: valid.from,
          to: valid.to,
          apiVersion,
          direction: 'inbound',
          parentCallSid: null,
          callerName: params.CallerName?.trim() || null,
          forwardedFrom: params.ForwardedFrom?.trim() || null,
          geo: geoParams(geographyOf(params, 'From'), geographyOf(params, 'To')),
          status: 'queued',
          now: clock.now(),
        },
        { inspect: options.inspect },
      );
      start(session);
      session.startInbound(channel);
      return session.data.toRecord();
    },

    get(callSid) {
      return registry.get(callSid)?.toRecord();
    },

    list(filter) {
      return registry.list(filter);
    },

    modify(callSid, typed) {
      const params = toApiParams(typed);
      const call = registry.get(callSid);
      if (call === undefined) throw new RcmlError(20404, `call ${callSid} not found`, { field: 'CallSid' });
      const session = sessions.get(callSid);
      if (call.final)
        throw new RcmlError(21220, `call ${callSid} is not in progress (status ${call.status})`);
      if (session === undefined) {
        throw new RcmlError(
          21220,
          `call ${callSid} is a <Dial> leg: change its parent call ${call.parentCallSid}`,
        );
      }
      const has = (name: string) => params[name] !== undefined && params[name]!.trim() !== '';
      if (has('Url') && has('Status')) {
        throw new RcmlError(20409, 'Url and Status cannot be changed together', { field: 'Status' });
      }
      if (has('Twiml') && (has('Url') || has('Status'))) {
        const other = has('Url') ? 'Url' : 'Status';
        throw new RcmlError(20409, `Twiml and ${other} cannot be changed together`, { field: 'Twiml' });
      }
      const status = has('Status') ? params.Status!.trim() : null;
      if (status !== null && status !== 'completed' && status !== 'canceled') {
        throw new RcmlError(20001, `Status: "${status}" is not completed or canceled`, { field: 'Status' });
      }
      if (status === 'canceled' && session.answered) {
        throw new RcmlError(
          21220,
          `call ${callSid} is answered: it cannot be canceled (use Status=completed)`,
          {
            field: 'Status',
          },
        );
      }
      // Stryker disable next-line BooleanLiteral: `required` only matters for an absent or blank Url, which has('Url') has ruled out
      const url = has('Url') ? validateUrl(params, 'Url', true) : null;
      const method = validateMethod(params, 'Method');
      const fallbackUrl = validateUrl(params, 'FallbackUrl', false);
      const fallbackMethod = validateMethod(params, 'FallbackMethod');
      const statusCallback = validateUrl(params, 'StatusCallback', false);
      const statusCallbackMethod = validateMethod(params, 'StatusCallbackMethod');
      if (has('StatusCallbackEvent')) parseProgressEvents(params.StatusCallbackEvent);
      // Spec 9.2: relative references resolve against the Url the call was created with.
      const inline = has('Twiml') ? inlineDocument(params.Twiml!, session.settings.createdUrl ?? null) : null;
      // Stryker disable next-line StringLiteral: unimplementedParams takes any kind but 'create' as modify
      reportUnimplemented(callSid, params, 'modify');

      if (statusCallback !== null || has('StatusCallbackMethod')) {
        session.setStatusCallback(statusCallback ?? session.settings.statusCallback, statusCallbackMethod);
      }
      if (url !== null) session.redirectTo({ url, method, fallbackUrl, fallbackMethod });
      if (inline !== null) {
        const base = inline.baseUrl ?? 'Twiml';
        session.redirectTo({ url: base, method: 'POST', fallbackUrl: null, fallbackMethod: 'POST', inline });
      }
      if (status !== null) session.end(status);
      return call.toRecord();
    },

    recordings,
    queues,
    conferences,

    snapshot(callSid) {
      const session = sessions.get(callSid);
      if (session === undefined || session.data.final) return undefined;
      return session.state;
    },

    persist(callSid, persistOptions = {}) {
      const session = sessions.get(callSid);
      if (session === undefined || session.data.final) {
        throw new RcmlError(20404, `call ${callSid} is not a live call of this engine`, { field: 'CallSid' });
      }
      const saved = session.persist();
      if (persistOptions.release === true) {
        session.release();
        sessions.delete(callSid);
        registry.finish(session.data);
        live--;
        checkSettled();
      }
      return saved;
    },

    restore(saved, channel) {
      if (saved?.version !== PERSISTED_VERSION) {
        throw new RcmlError(20001, `not a saved call of version ${PERSISTED_VERSION}`, { field: 'version' });
      }
      if (!accepting) throw new RcmlError(20503, 'the engine is shutting down and accepts no new calls');
      if (sessions.has(saved.call.sid)) {
        throw new RcmlError(20409, `call ${saved.call.sid} is already live in this engine`, {
          field: 'CallSid',
        });
      }
      const { call } = saved;
      const settings = {
        ...saved.settings,
        statusCallbackEvents: new Set(saved.settings.statusCallbackEvents),
      } as CallSettings;
      const session = new CallSession(
        ctx,
        settings,
        {
          sid: call.sid,
          accountSid: call.accountSid,
          from: call.from,
          to: call.to,
          apiVersion: call.apiVersion,
          direction: call.direction,
          parentCallSid: call.parentCallSid,
          callerName: call.callerName,
          forwardedFrom: call.forwardedFrom,
          geo: call.geo,
          status: call.status,
          now: call.dateCreated,
        },
        { inspect: options.inspect, restored: saved },
      );
      const record = start(session);
      session.resumeOn(channel);
      return record;
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    get activeCalls() {
      return live;
    },

    async shutdown(shutdownOptions: ShutdownOptions = {}) {
      accepting = false;
      const deadlineMs = shutdownOptions.deadlineMs ?? 10_000;
      if ((shutdownOptions.mode ?? 'hangup') === 'hangup') {
        for (const session of [...sessions.values()]) session.end('completed');
      }
      const settled = new Promise<void>((resolve) => {
        settledWaiters.push(resolve);
        checkSettled();
      });
      let timer: unknown;
      const deadline = new Promise<'deadline'>((resolve) => {
        timer = clock.setTimeout(() => resolve('deadline'), deadlineMs);
      });
      // Conference status callbacks still on their way are delivered too (conferences/).
      const delivered = settled.then(() => conferences.flush());
      const outcome = await Promise.race([delivered.then(() => 'settled' as const), deadline]);
      clock.clearTimeout(timer);
      if (outcome === 'deadline') {
        for (const session of [...sessions.values()]) session.end('completed');
        for (const queue of [...flushing]) queue.abandon();
        conferences.abandon();
      }
    },
  };
  return engine;
}
