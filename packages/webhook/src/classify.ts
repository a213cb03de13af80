/**
 * Maps what undici and the socket layer throw to the engine's codes (spec section 7), so the
 * engine never looks at undici's error classes.
 */
import { isRcmlError, RcmlError } from '@rcml/core';
import { SSRF_REFUSED } from './ssrf.js';

/** Codes that mean the connection failed or timed out: trying again may succeed. */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EADDRNOTAVAIL',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_INFO',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);
/** Codes of a host name that does not resolve. `EAI_AGAIN` is a resolver hiccup: retryable. */
const DNS_CODES = new Set(['ENOTFOUND', 'EAI_NONAME', 'EAI_FAIL', 'EAI_NODATA', 'EAI_AGAIN']);

const TIMEOUT_TEXT: Record<string, string> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect timeout',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers within the timeout',
  UND_ERR_BODY_TIMEOUT: 'response body stalled past the timeout',
};

function codeOf(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  // A socket error may arrive wrapped (e.g. an AggregateError from happy-eyeballs connects).
  const nested = (error as { errors?: unknown }).errors;
  if (Array.isArray(nested)) return codeOf(nested[0]);
  return codeOf((error as { cause?: unknown }).cause);
}

/**
 * Classifies a transport failure of a request to `url`. `signal` is the engine's signal: when
 * it fired, the failure is the engine giving up (its fetch timeout, a live change, a hang-up).
 */
export function classifyError(error: unknown, url: string, signal: AbortSignal): RcmlError {
  if (isRcmlError(error)) return error;
  if (signal.aborted) {
    return new RcmlError(11205, `request to ${url} aborted: ${String(signal.reason ?? 'aborted')}`, {
      retryable: true,
      cause: error,
    });
  }
  const code = codeOf(error);
  const detail = error instanceof Error ? error.message : String(error);
  if (code === SSRF_REFUSED) {
    // The host is one the engine will not reach: a bad host name (spec 7), never retried.
    return new RcmlError(11210, `${url}: ${detail}`, { retryable: false, cause: error });
  }
  if (code !== undefined && DNS_CODES.has(code)) {
    return new RcmlError(11210, `bad host name in ${url} (${code})`, {
      retryable: code === 'EAI_AGAIN',
      cause: error,
    });
  }
  if (code !== undefined && CONNECTION_CODES.has(code)) {
    const what = TIMEOUT_TEXT[code] ?? `${code}: ${detail}`;
    return new RcmlError(11205, `connection to ${url} failed: ${what}`, { retryable: true, cause: error });
  }
  // Anything else the socket layer throws is still a failure to get an answer.
  return new RcmlError(11205, `request to ${url} failed: ${code ?? ''} ${detail}`.replace(/ {2}/, ' '), {
    retryable: true,
    cause: error,
  });
}
