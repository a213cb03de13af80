/**
 * Request signatures compatible with the `X-Twilio-Signature` scheme, so applications can
 * verify our requests with the common TwiML server libraries (twilio's `validateRequest`,
 * `twilio.webhook()`), and a dependency-free validator for applications that prefer ours.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries the signature unless configured otherwise. */
export const DEFAULT_SIGNATURE_HEADER = 'X-Twilio-Signature';

/**
 * Base64 HMAC-SHA1, keyed by `authToken`, over `url` followed by each parameter name and value,
 * parameters sorted by name (JavaScript's default sort, as the TwiML libraries do).
 *
 * @param url - The full URL as requested. For GET it already carries the parameters in its query
 *   string, and `params` is empty; for POST it is the URL and `params` is the form body.
 */
export function computeSignature(
  authToken: string,
  url: string,
  params: Readonly<Record<string, string>> = {},
): string {
  let data = url;
  for (const name of Object.keys(params).sort()) data += name + params[name];
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}

/**
 * Whether `signature` is the one {@link computeSignature} gives for this request. Compares in
 * constant time. `url` is the full URL the application was called on (with the query string).
 */
export function validateSignature(
  authToken: string,
  signature: string,
  url: string,
  params: Readonly<Record<string, string>> = {},
): boolean {
  const expected = Buffer.from(computeSignature(authToken, url, params));
  const actual = Buffer.from(signature);
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
