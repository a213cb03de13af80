/**
 * Turns an engine request into what goes on the wire: the origin, the path with query, the
 * form body, and the exact URL that is signed.
 */
import type { HttpRequest } from '@rcml/core';
import { RcmlError } from '@rcml/core';

/** One request, ready for undici. */
export interface RequestTarget {
  /** `scheme://host[:port]`. */
  readonly origin: string;
  /** The host name as written in the URL, without IPv6 brackets. */
  readonly hostname: string;
  /** Path and query, as sent on the request line. */
  readonly path: string;
  /** The full URL as requested (GET: with the parameters appended); the signed URL. */
  readonly url: string;
  /** POST: the form-encoded body; GET: null. */
  readonly body: string | null;
  /** POST: the parameters that are signed after the URL; GET: none. */
  readonly signedParams: Readonly<Record<string, string>>;
  /** `Basic ...` when the URL carries credentials (`https://user:pass@host/`), else null. */
  readonly authorization: string | null;
}

/**
 * Builds the wire form of a request. GET appends the parameters to any query the URL already
 * has, untouched (re-encoding an application's own query could change what it signs or
 * parses); POST form-encodes them in UTF-8. A fragment is never sent.
 *
 * Throws `RcmlError` 11210 when the URL cannot be parsed or is not http/https.
 */
export function buildTarget(request: HttpRequest): RequestTarget {
  const { origin, hostname, base, separator, authorization } = parseUrl(request.url);
  const encoded = new URLSearchParams(request.params).toString();
  const isGet = request.method === 'GET';
  const url = isGet && encoded !== '' ? base + separator + encoded : base;
  return {
    origin,
    hostname,
    path: url.slice(origin.length) || '/',
    url,
    body: isGet ? null : encoded,
    signedParams: isGet ? {} : request.params,
    authorization,
  };
}

/** What a URL contributes to every request made to it. */
interface ParsedUrl {
  readonly origin: string;
  readonly hostname: string;
  /** The URL without its fragment. */
  readonly base: string;
  /** What goes between `base` and appended GET parameters: `?`, `&` or nothing. */
  readonly separator: string;
  readonly authorization: string | null;
}

// Callbacks and documents go to the same few URLs over and over; parsing each once keeps
// the hot path cheap. Bounded: cleared when full.
const parsedUrls = new Map<string, ParsedUrl>();
const MAX_PARSED = 1024;

function parseUrl(raw: string): ParsedUrl {
  const known = parsedUrls.get(raw);
  if (known !== undefined) return known;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch (cause) {
    throw new RcmlError(11210, `url: "${raw}" is not an absolute URL`, { field: 'url', cause });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new RcmlError(11210, `url: "${raw}" is not http or https`, { field: 'url' });
  }
  if (parsed.hostname === '') {
    throw new RcmlError(11210, `url: "${raw}" has no host`, { field: 'url' });
  }
  parsed.hash = '';
  // Credentials in the URL become HTTP basic authentication, as TwiML platforms do; they are
  // neither sent in the request line nor part of the signed URL (the application never sees
  // them in the URL it was called on).
  let authorization: string | null = null;
  if (parsed.username !== '' || parsed.password !== '') {
    const pair = `${decoded(parsed.username)}:${decoded(parsed.password)}`;
    authorization = `Basic ${Buffer.from(pair, 'utf-8').toString('base64')}`;
    parsed.username = '';
    parsed.password = '';
  }
  const base = parsed.href;
  const entry: ParsedUrl = {
    origin: parsed.origin,
    hostname: parsed.hostname.replace(/^\[|\]$/g, ''),
    base,
    separator: parsed.search === '' ? (base.endsWith('?') ? '' : '?') : '&',
    authorization,
  };
  if (parsedUrls.size >= MAX_PARSED) parsedUrls.clear();
  parsedUrls.set(raw, entry);
  return entry;
}

/** Percent-decoded, or as written when it is not valid percent-encoding. */
function decoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
