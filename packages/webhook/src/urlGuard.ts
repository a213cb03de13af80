/**
 * The SSRF guard for code outside the transport that opens connections of its own: media
 * downloads, WebSocket streams, and the Calls API's early check of the URLs a client names.
 * The transport (`createHttpTransport({ ssrfGuard })`) applies the same policy to every
 * document fetch, redirect hop and callback.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { RcmlError } from '@rcml/core';
import { Agent } from 'undici';
import {
  createGuardedConnector,
  createGuardedLookup,
  createSsrfPolicy,
  type LookupFunction,
  type SsrfGuardOptions,
  type SsrfPolicy,
  ssrfError,
} from './ssrf.js';

/** Options of {@link createUrlGuard}. */
export interface UrlGuardOptions extends SsrfGuardOptions {
  /** DNS lookup to check and connect with (default `dns.lookup`); tests inject one. */
  readonly lookup?: LookupFunction;
}

/** One guard policy, usable by anything that opens outgoing connections. */
export interface UrlGuard {
  /**
   * Why the URL is refused judging by the URL alone (a refused address in any spelling the
   * URL parser accepts: `http://2130706433/`, `http://0x7f000001/`, `http://[::ffff:7f00:1]/`,
   * or a `localhost` name), or null. Names that need DNS are not resolved: null for them.
   * Null too for a string that is not a URL (the caller's own validation reports that).
   */
  check(url: string): string | null;
  /**
   * Resolves the URL's host and rejects with `RcmlError` 11210 (non-retryable) when the URL is
   * refused, literally or by any address its name resolves to, or is not an absolute
   * http/https/ws/wss URL. Call it before opening a connection you make yourself (a WebSocket
   * stream), and connect with {@link UrlGuard.lookup} so that the address connected to is
   * checked as well (a name can resolve differently a moment later).
   */
  assert(url: string): Promise<void>;
  /** A DNS lookup for `net.connect`/`http.request`/`ws` that refuses internal addresses. */
  readonly lookup: LookupFunction;
  /**
   * An undici `Agent` whose every connection is checked (address literals before connecting,
   * names at lookup); pass it as `dispatcher` to `undici.request`. The caller closes it.
   */
  createAgent(options?: { readonly connectTimeoutMs?: number }): Agent;
  /** The policy itself. */
  readonly policy: SsrfPolicy;
}

/** Creates a guard; throws `TypeError` naming a malformed allow entry. */
export function createUrlGuard(options: UrlGuardOptions = {}): UrlGuard {
  const policy = createSsrfPolicy(options);
  const base = options.lookup ?? (dnsLookup as unknown as LookupFunction);
  const lookup = createGuardedLookup(policy, base);
  const refuse = (reason: string) => new RcmlError(11210, reason, { field: 'url', retryable: false });
  return {
    policy,
    lookup,
    check(url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        return null;
      }
      const reason = policy.hostRefusal(parsed.hostname);
      return reason === null ? null : ssrfError(parsed.hostname.replace(/^\[|\]$/g, ''), reason).message;
    },
    async assert(url) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw refuse(`url: "${url}" is not an absolute URL`);
      }
      if (!/^(https?|wss?):$/.test(parsed.protocol) || parsed.hostname === '') {
        throw refuse(`url: "${url}" is not an absolute http, https, ws or wss URL`);
      }
      const host = parsed.hostname.replace(/^\[|\]$/g, '');
      const literal = policy.hostRefusal(host);
      if (literal !== null) throw refuse(ssrfError(host, literal).message);
      if (isIP(host) !== 0 || policy.isHostAllowed(host)) return;
      const addresses = await new Promise<LookupAddress[]>((resolve, reject) => {
        base(host, { all: true }, (err, list) => (err ? reject(err) : resolve(list as LookupAddress[])));
      }).catch((error: NodeJS.ErrnoException) => {
        throw new RcmlError(11210, `bad host name in ${url} (${error.code ?? error.message})`, {
          field: 'url',
          retryable: error.code === 'EAI_AGAIN',
          cause: error,
        });
      });
      for (const entry of addresses) {
        const reason = policy.refusal(entry.address);
        if (reason !== null) throw refuse(ssrfError(host, reason).message);
      }
    },
    createAgent({ connectTimeoutMs = 10_000 } = {}) {
      return new Agent({
        connect: createGuardedConnector(policy, { timeout: connectTimeoutMs, lookup: base }),
      });
    },
  };
}
