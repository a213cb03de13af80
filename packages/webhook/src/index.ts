/**
 * @rcml/webhook: the engine's HTTP over undici. One hop per request (the engine follows
 * redirects, times fetches and retries callbacks), per-origin isolation of callbacks,
 * request signing compatible with `X-Twilio-Signature`, and an optional SSRF guard.
 */

export type { DrainResult } from './callbackQueue.js';
export { createHttpTransport, type HttpTransport } from './createHttpTransport.js';
export type { HttpTransportOptions } from './options.js';
export { computeSignature, DEFAULT_SIGNATURE_HEADER, validateSignature } from './signature.js';
export {
  createGuardedConnector,
  createGuardedLookup,
  createSsrfPolicy,
  embeddedIPv4,
  type GuardedConnectOptions,
  type LookupFunction,
  type SsrfGuardOptions,
  type SsrfPolicy,
} from './ssrf.js';
export { createStreamPort, type StreamPortOptions } from './streamPort.js';
export { createUrlGuard, type UrlGuard, type UrlGuardOptions } from './urlGuard.js';
