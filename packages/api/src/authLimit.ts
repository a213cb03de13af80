/**
 * A limit on failed authentications per client address: a token bucket per address that
 * allows a burst of failures and then one more every `refillMs`. A client over its budget is
 * answered 429 with `Retry-After` before its credentials are even looked at (so guessing
 * goes no faster with right answers in between). Successful requests cost nothing. Memory is
 * bounded: at most `maxClients` addresses are tracked, the one whose last failure is oldest
 * is forgotten first, and an address whose bucket has refilled is dropped.
 */
import { RcmlError } from '@rcml/core';

/** Options of {@link createAuthLimiter}. */
export interface AuthLimitOptions {
  /** Failed authentications allowed in a row from one address (default 10). */
  readonly burst?: number;
  /** After the burst, one more failure is allowed every this many ms (default 6,000). */
  readonly refillMs?: number;
  /** Addresses tracked at most (default 10,000). */
  readonly maxClients?: number;
  /** The time in ms (default `Date.now`); tests inject one. */
  readonly now?: () => number;
}

/** The per-address failure budget. */
export interface AuthLimiter {
  /** Whole seconds `client` must wait before trying again, or 0 when it may try now. */
  retryAfter(client: string): number;
  /** Counts a failed authentication from `client`. */
  failed(client: string): void;
  /** Addresses tracked now. */
  readonly size: number;
}

interface Bucket {
  tokens: number;
  at: number;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new TypeError(`authLimit.${name} must be a positive number (got ${value})`);
  }
  return value;
}

/** Creates the limiter; throws `TypeError` naming an invalid option. */
export function createAuthLimiter(options: AuthLimitOptions = {}): AuthLimiter {
  const burst = positive('burst', options.burst, 10);
  const refillMs = positive('refillMs', options.refillMs, 6_000);
  const maxClients = Math.floor(positive('maxClients', options.maxClients, 10_000));
  const now = options.now ?? Date.now;
  const buckets = new Map<string, Bucket>();

  /** The bucket refilled up to now; undefined (and forgotten) once full again. */
  const current = (client: string): Bucket | undefined => {
    const bucket = buckets.get(client);
    if (bucket === undefined) return undefined;
    const time = now();
    bucket.tokens = Math.min(burst, bucket.tokens + Math.max(0, time - bucket.at) / refillMs);
    bucket.at = time;
    if (bucket.tokens >= burst) {
      buckets.delete(client);
      return undefined;
    }
    return bucket;
  };

  return {
    get size() {
      return buckets.size;
    },
    retryAfter(client) {
      const bucket = current(client);
      if (bucket === undefined || bucket.tokens >= 1) return 0;
      return Math.max(1, Math.ceil(((1 - bucket.tokens) * refillMs) / 1000));
    },
    failed(client) {
      const bucket = current(client) ?? { tokens: burst, at: now() };
      bucket.tokens = Math.max(0, bucket.tokens - 1);
      // Most recent failure last: the first entry is the one to forget when full.
      buckets.delete(client);
      buckets.set(client, bucket);
      while (buckets.size > maxClients) {
        const oldest = buckets.keys().next().value as string;
        buckets.delete(oldest);
      }
    },
  };
}

/** A 429 (20429) that carries its `Retry-After` seconds. */
export class TooManyFailures extends RcmlError {
  readonly retryAfterSeconds: number;
  constructor(seconds: number) {
    super(20429, `too many failed authentications from this address: retry after ${seconds} s`);
    this.retryAfterSeconds = seconds;
  }
}

/** The `Retry-After` seconds of a 429 error (1 unless it says otherwise). */
export function retryAfterOf(error: unknown): number {
  return error instanceof TooManyFailures ? error.retryAfterSeconds : 1;
}
