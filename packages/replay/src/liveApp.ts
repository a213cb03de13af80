/**
 * Live replay: the scenario's requests go to a running web application over real HTTP
 * (the undici transport of `@rcml/webhook`) instead of the canned `app` section, while time
 * stays simulated.
 *
 * Determinism: a real request takes real time, but the simulated clock must not move while
 * one is pending. The adapter keeps every real request in a queue in the order the engine
 * issued it; `quiesce()` (which the runner awaits before it fires each timer) waits for the
 * oldest request's real answer and hands it to the engine, lets every consequence settle,
 * then the next, until nothing is pending. So every answer reaches the engine at the
 * simulated instant its request was made, in issue order, whatever the application's
 * latency: the timeline of a live replay is the same on every run.
 */
import { type Clock, type HttpPort, type HttpRequest, type HttpResponse, RcmlError } from '@rcml/core';
import { createHttpTransport } from '@rcml/webhook';
import { createSimulatedApp, type SimulatedApp } from './app.js';
import type { Scenario } from './scenario.js';

/** Where and how a live replay reaches the running application. */
export interface LiveAppOptions {
  /** Base URL of the running application, e.g. `http://127.0.0.1:3000` (a path prefix is kept). */
  readonly url: string;
  /**
   * Sign every request (`X-Twilio-Signature`) with this token, computed for the real URL.
   * Default: the scenario's `options.authToken`; unsigned without either.
   */
  readonly authToken?: string;
  /**
   * The scenario origin that maps to `url` (default: the origin of the scenario's `Url`, else
   * of its `StatusCallback`). Requests to other origins are answered from the `app` section.
   */
  readonly origin?: string;
  /**
   * Real milliseconds the application may take to answer one request (default 10,000). A
   * request still unanswered then fails as a refused connection would (11205), at the
   * simulated instant it was made.
   */
  readonly answerTimeoutMs?: number;
  /** The HTTP transport (default: a new `createHttpTransport`, closed when the run ends). */
  readonly transport?: HttpPort;
}

/** The live application as the runner uses it. */
export interface LiveApp extends SimulatedApp {
  /** The scenario origin mapped to the real application. */
  readonly origin: string;
  /** Hand every real answer to the engine, in issue order, until no request is pending. */
  quiesce(): Promise<void>;
  /** Close the transport the adapter created (not one it was given). */
  close(): Promise<void>;
}

/** A real request the engine is waiting for. */
interface Pending {
  /** The real answer arrived (or failed). */
  answered: boolean;
  outcome: { ok: true; response: HttpResponse } | { ok: false; error: unknown } | null;
  /** Wakes `quiesce` when the real answer arrives. */
  readonly arrived: Promise<void>;
  deliver(): void;
  fail(error: unknown): void;
  readonly controller: AbortController;
}

const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

/** The origin a scenario's application lives at (its `Url`, else its `StatusCallback`). */
export function scenarioOrigin(scenario: Scenario): string | undefined {
  const start = scenario.call ?? scenario.inbound ?? {};
  for (const key of ['Url', 'StatusCallback', 'FallbackUrl']) {
    const value = start[key];
    if (value === undefined) continue;
    try {
      return new URL(value).origin;
    } catch {
      // not an absolute URL: try the next one
    }
  }
  return undefined;
}

/** Checks a live application's base URL; returns it without a trailing slash. */
export function checkLiveUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new RcmlError(20001, `app: "${url}" is not an absolute http(s) URL`, { field: 'app' });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new RcmlError(20001, `app: "${url}" must be an http or https URL`, { field: 'app' });
  }
  if (parsed.search !== '' || parsed.hash !== '') {
    throw new RcmlError(20001, `app: "${url}" must be a base URL without query or fragment`, {
      field: 'app',
    });
  }
  return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
}

/** Map `url` from `from` (an origin or base URL without trailing slash) to `to`; null when it is not under `from`. */
function rebase(url: string, from: string, to: string): string | null {
  if (url === from) return to;
  const next = url.charAt(from.length);
  if (url.startsWith(from) && (next === '/' || next === '?' || next === '#'))
    return to + url.slice(from.length);
  return null;
}

/**
 * The `HttpPort` of a live replay. `app` is the scenario's canned section, still used for
 * requests outside the mapped origin.
 */
export function createLiveApp(scenario: Scenario, clock: Clock, options: LiveAppOptions): LiveApp {
  const base = checkLiveUrl(options.url);
  const origin = options.origin ?? scenarioOrigin(scenario);
  if (origin === undefined) {
    throw new RcmlError(
      20001,
      'app: the scenario has no absolute Url or StatusCallback to map to the application',
      {
        field: 'app',
      },
    );
  }
  const authToken = options.authToken ?? scenario.options?.authToken;
  const owned = options.transport === undefined;
  const transport =
    options.transport ??
    createHttpTransport({
      ...(authToken === undefined ? {} : { authToken }),
      connectTimeoutMs: options.answerTimeoutMs ?? 10_000,
    });
  const answerTimeoutMs = options.answerTimeoutMs ?? 10_000;
  const canned = createSimulatedApp(scenario.app, clock);
  const queue: Pending[] = [];
  let lastActivity = clock.now();

  function toReal(request: HttpRequest): Promise<HttpResponse> {
    const real = rebase(request.url, origin!, base)!;
    const controller = new AbortController();
    let wake!: () => void;
    let resolveEngine!: (r: HttpResponse) => void;
    let rejectEngine!: (e: unknown) => void;
    const forEngine = new Promise<HttpResponse>((resolve, reject) => {
      resolveEngine = resolve;
      rejectEngine = reject;
    });
    const remove = () => {
      const i = queue.indexOf(entry);
      if (i !== -1) queue.splice(i, 1);
      request.signal.removeEventListener('abort', onAbort);
      lastActivity = clock.now();
    };
    const entry: Pending = {
      answered: false,
      outcome: null,
      arrived: new Promise<void>((resolve) => {
        wake = resolve;
      }),
      controller,
      deliver() {
        remove();
        const outcome = entry.outcome!;
        if (outcome.ok) resolveEngine(mapBack(outcome.response));
        else rejectEngine(outcome.error);
      },
      fail(error) {
        remove();
        controller.abort();
        rejectEngine(error);
      },
    };
    // The engine gave up on the request (fetch timeout, live change, hang-up): at a simulated
    // instant, so it is deterministic; the real request is abandoned.
    const onAbort = () =>
      entry.fail(
        new RcmlError(11205, 'request abandoned (fetch timeout, live change or hang-up)', {
          retryable: true,
        }),
      );
    request.signal.addEventListener('abort', onAbort, { once: true });
    queue.push(entry);
    transport.send({ ...request, url: real, signal: controller.signal }).then(
      (response) => {
        entry.answered = true;
        entry.outcome = { ok: true, response };
        wake();
      },
      (error: unknown) => {
        entry.answered = true;
        entry.outcome = { ok: false, error };
        wake();
      },
    );
    return forEngine;
  }

  /** A Location under the real base URL goes back to the scenario's origin (timelines stay the same). */
  function mapBack(response: HttpResponse): HttpResponse {
    if (response.location === null) return response;
    const location = rebase(response.location, base, origin!);
    return location === null ? response : { ...response, location };
  }

  async function waitFor(entry: Pending): Promise<boolean> {
    if (entry.answered) return true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), answerTimeoutMs);
    });
    const answered = await Promise.race([entry.arrived.then(() => true as const), late]);
    clearTimeout(timer);
    return answered;
  }

  return {
    origin: origin!,
    get inFlight() {
      return queue.length + canned.inFlight;
    },
    get lastActivity() {
      return Math.max(lastActivity, canned.lastActivity);
    },
    send(request) {
      lastActivity = clock.now();
      if (rebase(request.url, origin!, base) === null) return canned.send(request);
      if (request.signal.aborted) {
        return Promise.reject(
          new RcmlError(11205, 'request aborted before it was sent', { retryable: true }),
        );
      }
      return toReal(request);
    },
    async quiesce() {
      await settle();
      for (;;) {
        const head = queue[0];
        if (head === undefined) return;
        if (await waitFor(head)) head.deliver();
        else {
          head.fail(
            new RcmlError(11205, `the application did not answer within ${answerTimeoutMs} ms (real time)`, {
              retryable: true,
            }),
          );
        }
        // Every consequence of this answer (new requests included) happens before the next.
        await settle();
        await settle();
      }
    },
    async close() {
      for (const entry of [...queue]) entry.controller.abort();
      if (owned) await (transport as ReturnType<typeof createHttpTransport>).close();
    },
  };
}
