/**
 * Options of the HTTP transport and their defaults, in one place so the docs and the code
 * agree (`docs/webhook.md` lists the same table).
 */
import type { Clock } from '@rcml/core';
import { systemClock } from '@rcml/core';
import type { Dispatcher } from 'undici';
import { DEFAULT_SIGNATURE_HEADER } from './signature.js';
import type { LookupFunction, SsrfGuardOptions } from './ssrf.js';

/** Options of {@link createHttpTransport}. Every one is optional. */
export interface HttpTransportOptions {
  /** `User-Agent` of every request (default `rcml-engine/0.1 (+@rcml/webhook)`). */
  readonly userAgent?: string;
  /** Extra headers on every request (cannot override the ones the transport sets itself). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Header carrying the request's CallSid, for tracing (default `X-Rcml-Call-Sid`). */
  readonly callSidHeader?: string;
  /**
   * Key for request signatures: one token, or a function choosing the token of an account
   * (`undefined`: send that account's requests unsigned). Default: requests are unsigned.
   */
  readonly authToken?: string | ((accountSid: string) => string | undefined);
  /** Header carrying the signature (default `X-Twilio-Signature`). */
  readonly signatureHeader?: string;
  /** Body cap in bytes, enforced while streaming (default 65,536). */
  readonly maxBodyBytes?: number;
  /** Time allowed to establish a connection, ms (default 10,000). */
  readonly connectTimeoutMs?: number;
  /** Time allowed until the response headers arrive, ms (default 15,000). */
  readonly headersTimeoutMs?: number;
  /** Longest silence between body chunks, ms (default 15,000). */
  readonly bodyTimeoutMs?: number;
  /** Idle keep-alive connections are closed after this, ms (default 4,000). */
  readonly keepAliveTimeoutMs?: number;
  /** Connections per origin for document fetches (default 64). */
  readonly connectionsPerOrigin?: number;
  /** Callbacks in flight per origin (default 8). */
  readonly callbackConcurrency?: number;
  /** Callbacks waiting per origin before new ones are refused with 14101 (default 1,000). */
  readonly callbackQueueLimit?: number;
  /**
   * Refuse loopback, private, link-local, metadata and unspecified addresses (off by default:
   * `true` turns it on, an object turns it on with an allow list).
   */
  readonly ssrfGuard?: boolean | SsrfGuardOptions;
  /** DNS lookup used to connect (default `dns.lookup`); tests map names to 127.0.0.1. */
  readonly lookup?: LookupFunction;
  /**
   * Send everything through this dispatcher instead of the transport's own pools (e.g. an
   * undici `MockAgent` in tests). Not closed by `close()`. The SSRF guard's DNS check and the
   * connection options do not apply to it.
   */
  readonly dispatcher?: Dispatcher;
  /** Clock for the drain deadline (default: the system clock). */
  readonly clock?: Clock;
}

/** The options with every default applied. */
export interface ResolvedOptions {
  readonly userAgent: string;
  /** Header names lower-cased, as are `callSidHeader` and `signatureHeader`. */
  readonly headers: Readonly<Record<string, string>>;
  readonly callSidHeader: string;
  readonly tokenFor: (accountSid: string) => string | undefined;
  readonly signatureHeader: string;
  readonly maxBodyBytes: number;
  readonly connectTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly bodyTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  readonly connectionsPerOrigin: number;
  readonly callbackConcurrency: number;
  readonly callbackQueueLimit: number;
  readonly ssrfGuard: SsrfGuardOptions | null;
  readonly clock: Clock;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`${name} must be a positive number (got ${value})`);
  }
  return value;
}

function count(name: string, value: number | undefined, fallback: number): number {
  const n = positive(name, value, fallback);
  if (!Number.isInteger(n)) throw new TypeError(`${name} must be a whole number (got ${n})`);
  return n;
}

/** Applies the defaults; throws `TypeError` naming the option for an invalid value. */
export function resolveOptions(options: HttpTransportOptions): ResolvedOptions {
  const token = options.authToken;
  const guard = options.ssrfGuard;
  return {
    userAgent: options.userAgent ?? 'rcml-engine/0.1 (+@rcml/webhook)',
    // Header names are case-insensitive: lower-case them once so ours replace the caller's.
    headers: Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    callSidHeader: (options.callSidHeader ?? 'X-Rcml-Call-Sid').toLowerCase(),
    tokenFor: typeof token === 'function' ? token : () => token,
    signatureHeader: (options.signatureHeader ?? DEFAULT_SIGNATURE_HEADER).toLowerCase(),
    maxBodyBytes: count('maxBodyBytes', options.maxBodyBytes, 65_536),
    connectTimeoutMs: positive('connectTimeoutMs', options.connectTimeoutMs, 10_000),
    headersTimeoutMs: positive('headersTimeoutMs', options.headersTimeoutMs, 15_000),
    bodyTimeoutMs: positive('bodyTimeoutMs', options.bodyTimeoutMs, 15_000),
    keepAliveTimeoutMs: positive('keepAliveTimeoutMs', options.keepAliveTimeoutMs, 4_000),
    connectionsPerOrigin: count('connectionsPerOrigin', options.connectionsPerOrigin, 64),
    callbackConcurrency: count('callbackConcurrency', options.callbackConcurrency, 8),
    callbackQueueLimit: count('callbackQueueLimit', options.callbackQueueLimit, 1_000),
    ssrfGuard: guard === true ? {} : guard === false || guard === undefined ? null : guard,
    clock: options.clock ?? systemClock,
  };
}
