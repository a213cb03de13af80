/**
 * The simulated web application of a scenario (`app`): an `HttpPort` that answers from
 * `"<METHOD> <URL>"` keys on the simulated clock.
 */
import { type Clock, type HttpPort, type HttpRequest, type HttpResponse, RcmlError } from '@rcml/core';
import type { AppResponse, Scenario } from './scenario.js';

/** The application plus what the runner checks afterwards. */
export interface SimulatedApp extends HttpPort {
  /** Requests answered by neither a response nor an abort yet. */
  readonly inFlight: number;
  /** Clock time (epoch ms) a request was last issued or settled. */
  readonly lastActivity: number;
}

const NOT_FOUND: HttpResponse = { status: 404, contentType: null, location: null, body: '' };

/** Strip the query string (and fragment) from a URL. */
export function withoutQuery(url: string): string {
  const cut = url.search(/[?#]/);
  return cut === -1 ? url : url.slice(0, cut);
}

function header(headers: Readonly<Record<string, string>> | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : headers[key];
}

function toResponse(r: Exclude<AppResponse, { error: string }>): HttpResponse {
  return {
    status: r.status ?? 200,
    contentType: r.type ?? header(r.headers, 'Content-Type') ?? 'text/xml',
    location: header(r.headers, 'Location') ?? null,
    body: r.body ?? '',
  };
}

function connectionError(message: string): RcmlError {
  return new RcmlError(11205, message, { retryable: true });
}

/** Create the application of `app`. Responses with `delay` wait on `clock` (priority 0). */
export function createSimulatedApp(app: Scenario['app'], clock: Clock): SimulatedApp {
  const served = new Map<string, number>();
  let inFlight = 0;
  let lastActivity = clock.now();

  function pick(request: HttpRequest): AppResponse | undefined {
    const exact = `${request.method} ${request.url}`;
    const key =
      app !== undefined && Object.hasOwn(app, exact)
        ? exact
        : `${request.method} ${withoutQuery(request.url)}`;
    if (app === undefined || !Object.hasOwn(app, key)) return undefined;
    const entry = app[key]!;
    if (!Array.isArray(entry)) return entry as AppResponse;
    const n = served.get(key) ?? 0;
    served.set(key, n + 1);
    return entry[Math.min(n, entry.length - 1)];
  }

  /** A request that settles later: counted in flight until it does; aborting rejects it. */
  function pending(
    signal: AbortSignal,
    delayMs: number | null,
    response: HttpResponse | null,
  ): Promise<HttpResponse> {
    inFlight++;
    return new Promise<HttpResponse>((resolve, reject) => {
      let timer: unknown = null;
      const done = () => {
        inFlight--;
        lastActivity = clock.now();
        signal.removeEventListener('abort', onAbort);
        if (timer !== null) clock.clearTimeout(timer);
      };
      const onAbort = () => {
        done();
        reject(connectionError('request abandoned (fetch timeout, live change or hang-up)'));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      if (delayMs !== null && response !== null) {
        timer = clock.setTimeout(() => {
          timer = null;
          done();
          resolve(response);
        }, delayMs);
      }
    });
  }

  return {
    get inFlight() {
      return inFlight;
    },
    get lastActivity() {
      return lastActivity;
    },
    send(request) {
      lastActivity = clock.now();
      if (request.signal.aborted)
        return Promise.reject(connectionError('request aborted before it was sent'));
      const r = pick(request);
      if (r === undefined) return Promise.resolve(NOT_FOUND);
      if ('error' in r) {
        if (r.error === 'connect')
          return Promise.reject(connectionError(`connection refused: ${request.url}`));
        return pending(request.signal, null, null);
      }
      const delay = r.delay ?? 0;
      if (delay <= 0) return Promise.resolve(toResponse(r));
      return pending(request.signal, Math.round(delay * 1_000_000) / 1000, toResponse(r));
    },
  };
}
