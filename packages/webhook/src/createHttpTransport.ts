/**
 * The engine's `HttpPort` over undici: one hop per `send` (the engine follows redirects,
 * times the whole fetch and retries callbacks, so its timeline shows every hop and attempt).
 */

import type { HttpPort, HttpRequest, HttpResponse } from '@rcml/core';
import { RcmlError } from '@rcml/core';
import { Agent, type Dispatcher } from 'undici';
import { AbortRelay, AbortSweep } from './abortSweep.js';
import { CallbackQueue, type DrainResult } from './callbackQueue.js';
import { classifyError } from './classify.js';
import { type HttpTransportOptions, type ResolvedOptions, resolveOptions } from './options.js';
import { abandon, declaredLength, discard, readBody, tooLarge } from './readBody.js';
import { computeSignature } from './signature.js';
import { createGuardedConnector, createSsrfPolicy, type SsrfPolicy, ssrfError } from './ssrf.js';
import { buildTarget, type RequestTarget } from './target.js';

/** The transport: the engine's `HttpPort` plus shutdown. */
export interface HttpTransport extends HttpPort {
  /** Callbacks waiting or in flight. */
  readonly pendingCallbacks: number;
  /**
   * Waits for the callbacks still queued or in flight, at most `deadlineMs`; the ones left at
   * the deadline are rejected with 14101. New callbacks are still accepted while draining.
   */
  drain(deadlineMs: number): Promise<DrainResult>;
  /** Refuses new requests, aborts what is left, and closes the connection pools. */
  close(): Promise<void>;
}

/** How often callbacks in flight are checked for an aborted signal. */
const ABORT_SWEEP_MS = 20;

/**
 * Creates the transport. Document fetches and callbacks use separate connection pools, so
 * callbacks to a slow application never hold the connections its documents need.
 */
export function createHttpTransport(options: HttpTransportOptions = {}): HttpTransport {
  const config = resolveOptions(options);
  const extraHeaders = Object.keys(config.headers).length > 0;
  const policy = config.ssrfGuard === null ? null : createSsrfPolicy(config.ssrfGuard);
  const ownAgents: Agent[] = [];
  const makeAgent = (connections: number): Dispatcher => {
    if (options.dispatcher !== undefined) return options.dispatcher;
    const lookup = options.lookup;
    const timeout = config.connectTimeoutMs;
    const agent = new Agent({
      connections,
      keepAliveTimeout: config.keepAliveTimeoutMs,
      headersTimeout: config.headersTimeoutMs,
      bodyTimeout: config.bodyTimeoutMs,
      // With the guard, every connection is checked: address literals before connecting,
      // names at lookup (whatever URL or redirect hop led to them).
      connect:
        policy === null
          ? { timeout, ...(lookup === undefined ? {} : { lookup }) }
          : createGuardedConnector(policy, { timeout, ...(lookup === undefined ? {} : { lookup }) }),
    });
    ownAgents.push(agent);
    return agent;
  };
  const fetchAgent = makeAgent(config.connectionsPerOrigin);
  const callbackAgent = makeAgent(config.callbackConcurrency);
  const queue = new CallbackQueue(
    { concurrency: config.callbackConcurrency, maxQueued: config.callbackQueueLimit },
    config.clock,
  );
  let closed = false;

  const sweep = new AbortSweep(ABORT_SWEEP_MS);

  const perform = async (
    agent: Dispatcher,
    request: HttpRequest,
    target: RequestTarget,
    signal: AbortSignal,
    swept: boolean,
  ): Promise<HttpResponse> => {
    // Callbacks: the signal is watched by the sweep, undici aborts through a relay.
    const relay = swept ? new AbortRelay() : null;
    if (relay !== null) sweep.watch(signal, relay);
    try {
      if (signal.aborted) throw new Error('aborted before it was sent');
      const response = await agent.request({
        origin: target.origin,
        path: target.path,
        method: request.method,
        headers: headersFor(config, extraHeaders, request, target),
        body: target.body,
        signal: relay ?? signal,
        headersTimeout: config.headersTimeoutMs,
        bodyTimeout: config.bodyTimeoutMs,
      });
      const status = response.statusCode;
      const contentType = single(response.headers['content-type']);
      const location = single(response.headers.location);
      let body = '';
      if (status === 204 || status === 304) {
        // No body by definition (RFC 9110); the usual answer to a callback. Skips the reader.
        await response.body.dump();
      } else if (contentType !== null && /^\s*audio\//i.test(contentType)) {
        // The engine plays audio from its URL; the bytes are not needed here.
        abandon(response.body);
      } else {
        const length = declaredLength(response.headers['content-length']);
        if (length !== null && length > config.maxBodyBytes) {
          abandon(response.body);
          throw tooLarge(target.url, config.maxBodyBytes);
        }
        body =
          length === 0
            ? await discard(response.body)
            : await readBody(response.body, config.maxBodyBytes, target.url);
      }
      return { status, contentType, location, body };
    } catch (error) {
      throw classifyError(error, target.url, signal);
    } finally {
      if (relay !== null) sweep.forget(relay);
    }
  };

  return {
    get pendingCallbacks() {
      return queue.pending;
    },
    send(request) {
      // Not async: on the callback hot path every promise counts.
      if (closed) {
        return Promise.reject(
          new RcmlError(request.kind === 'callback' ? 14101 : 11205, 'the HTTP transport is closed'),
        );
      }
      let target: RequestTarget;
      try {
        target = buildTarget(request);
        if (policy !== null) checkLiteral(policy, target);
      } catch (error) {
        return Promise.reject(error);
      }
      if (request.kind === 'callback') {
        return queue.schedule(target.origin, request.signal, (signal) =>
          perform(callbackAgent, request, target, signal, true),
        );
      }
      return perform(fetchAgent, request, target, request.signal, false);
    },
    drain: (deadlineMs) => queue.drain(deadlineMs),
    async close() {
      closed = true;
      // Callbacks still queued or in flight are dropped (14101); destroying the pools fails
      // the requests still on the wire (fetches: 11205).
      queue.dropAll('the HTTP transport is closed');
      await Promise.all(ownAgents.map((agent) => agent.destroy()));
    },
  };
}

/**
 * A URL naming an IP address never goes through DNS: judge the address itself, before the
 * request is queued. (The URL parser already turned numeric forms such as
 * `http://2130706433/` into dotted quads.) The connector checks again when it connects.
 * Refused: 11210 (spec 7's bad host name; docs/decisions.md), not retryable.
 */
function checkLiteral(policy: SsrfPolicy, target: RequestTarget): void {
  const reason = policy.hostRefusal(target.hostname);
  if (reason !== null) {
    throw new RcmlError(11210, ssrfError(target.hostname, reason).message, {
      field: 'url',
      retryable: false,
    });
  }
}

function headersFor(
  config: ResolvedOptions,
  extraHeaders: boolean,
  request: HttpRequest,
  target: RequestTarget,
): Record<string, string> {
  // Most deployments configure no extra headers: a literal is cheaper than spreading `{}`.
  const headers: Record<string, string> = extraHeaders
    ? { ...config.headers }
    : { 'user-agent': config.userAgent };
  headers['user-agent'] = config.userAgent;
  headers[config.callSidHeader] = request.callSid;
  if (target.body !== null) headers['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
  if (target.authorization !== null) headers.authorization = target.authorization;
  const token = config.tokenFor(request.accountSid);
  if (token !== undefined) {
    headers[config.signatureHeader] = computeSignature(token, target.url, target.signedParams);
  }
  return headers;
}

function single(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}
