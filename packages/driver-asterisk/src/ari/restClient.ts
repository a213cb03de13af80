/**
 * ARI's REST half over undici. One connection pool per driver; every request carries HTTP
 * Basic credentials. Answers with a status outside 2xx become `RcmlError` 14103 ("media driver
 * operation failed") whose `cause` keeps the HTTP status, so callers can tell a vanished
 * channel (404) or a channel not in Stasis (409) from other failures.
 */
import { RcmlError } from '@rcml/core';
import { Pool } from 'undici';
import { buildQuery, type QueryValue } from './query.js';

/** The HTTP status behind a failed ARI request (in `RcmlError.cause`). */
export interface AriFailure {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  readonly message: string;
}

/** A successful ARI answer. */
export interface AriResponse {
  readonly status: number;
  readonly contentType: string | null;
  /** Parsed JSON, or null for an empty body or a binary body. */
  readonly body: unknown;
  /** The raw body for binary downloads (`raw: true`). */
  readonly bytes: Buffer | null;
}

/** Options of one request. */
export interface AriRequestOptions {
  readonly query?: Readonly<Record<string, QueryValue>>;
  /** A JSON body (only the operations that take one: `variables` of originate). */
  readonly json?: unknown;
  /** Return the body as bytes instead of parsing it. */
  readonly raw?: boolean;
}

/** The REST client the rest of the driver uses. */
export interface AriRestClient {
  /** `path` is relative to the ARI root, e.g. `/channels/1.2/answer`. */
  request(method: string, path: string, options?: AriRequestOptions): Promise<AriResponse>;
  close(): Promise<void>;
}

/** Where ARI lives: origin plus the path prefix ending in `/ari`. */
export interface AriLocation {
  readonly origin: string;
  readonly root: string;
}

/** Split `http://host:8088`, `http://host:8088/ari` or `http://host/prefix/ari` into origin + root. */
export function locateAri(url: string): AriLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (cause) {
    throw new RcmlError(14103, `ariUrl "${url}" is not a valid URL`, { field: 'ariUrl', cause });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new RcmlError(14103, `ariUrl "${url}" must use http or https`, { field: 'ariUrl' });
  }
  const path = parsed.pathname.replace(/\/+$/, '');
  const root = path.endsWith('/ari') ? path : `${path}/ari`;
  return { origin: parsed.origin, root };
}

/** The status of a failed ARI request, or undefined for other errors. */
export function ariStatus(error: unknown): number | undefined {
  if (error instanceof Error && typeof error.cause === 'object' && error.cause !== null) {
    const status = (error.cause as Partial<AriFailure>).status;
    return typeof status === 'number' ? status : undefined;
  }
  return undefined;
}

/** Create the REST client. `auth` is `user:password`. */
export function createAriRestClient(location: AriLocation, auth: string): AriRestClient {
  // ARI answers at once (events carry what happens later): a request without an answer in
  // 10 s is a dead connection, not a slow operation.
  const pool = new Pool(location.origin, {
    connections: 16,
    pipelining: 1,
    headersTimeout: 10_000,
    bodyTimeout: 30_000,
  });
  const authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
  return {
    async request(method, path, options = {}) {
      const fullPath = `${location.root}${path}${buildQuery(options.query ?? {})}`;
      const headers: Record<string, string> = { authorization, accept: 'application/json' };
      let body: string | undefined;
      if (options.json !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(options.json);
      }
      let res: Awaited<ReturnType<Pool['request']>>;
      try {
        res = await pool.request({ method: method as 'GET', path: fullPath, headers, body: body ?? null });
      } catch (cause) {
        throw new RcmlError(14103, `ARI ${method} ${path} could not be sent: ${(cause as Error).message}`, {
          retryable: true,
          cause: { status: 0, method, path, message: (cause as Error).message } satisfies AriFailure,
        });
      }
      const contentType = headerValue(res.headers['content-type']);
      const bytes = Buffer.from(await res.body.arrayBuffer());
      if (res.statusCode < 200 || res.statusCode > 299) {
        const message = ariMessage(bytes) ?? `HTTP ${res.statusCode}`;
        throw new RcmlError(14103, `ARI ${method} ${path} failed with ${res.statusCode}: ${message}`, {
          retryable: res.statusCode >= 500,
          cause: { status: res.statusCode, method, path, message } satisfies AriFailure,
        });
      }
      if (options.raw) return { status: res.statusCode, contentType, body: null, bytes };
      const text = bytes.toString('utf8');
      return { status: res.statusCode, contentType, body: text === '' ? null : safeJson(text), bytes: null };
    },
    close: () => pool.close(),
  };
}

function headerValue(value: string | string[] | undefined): string | null {
  if (value === undefined) return null;
  return Array.isArray(value) ? (value[0] ?? null) : value;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** ARI error bodies are `{"message": "..."}`. */
function ariMessage(bytes: Buffer): string | undefined {
  const parsed = safeJson(bytes.toString('utf8'));
  if (
    typeof parsed === 'object' &&
    parsed !== null &&
    typeof (parsed as { message?: unknown }).message === 'string'
  ) {
    return (parsed as { message: string }).message;
  }
  return undefined;
}
