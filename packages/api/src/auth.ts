/**
 * HTTP Basic authentication with AccountSid:AuthToken, in constant time: the answer takes as
 * long whether the account SID, the token, or both are wrong, and whether the account exists.
 * Both the user and the password are hashed to equal-length SHA-256 digests and both are
 * always compared with `timingSafeEqual`; the token is looked up by the account named in the
 * path (public), never by the user the client sent, and an unknown account is compared
 * against a dummy digest.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Finds the auth token of an account; undefined for an unknown account. */
export type AccountLookup = (accountSid: string) => string | undefined;

/** Compares two equal-length buffers; `timingSafeEqual` unless a test watches the calls. */
export type Compare = (a: Buffer, b: Buffer) => boolean;

const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
const DUMMY = digest('\u0000rcml-unknown-account\u0000');

/** The credentials of an `Authorization: Basic` header, or undefined when absent or malformed. */
function parseBasicAuth(header: string | undefined): { user: string; password: string } | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Whether the header authenticates `accountSid` (the account named in the path): the user
 * must be that AccountSid and the password its auth token. A missing or malformed header is
 * refused at once (it holds no secret to time).
 */
export function authenticate(
  header: string | undefined,
  accountSid: string,
  accounts: AccountLookup,
  compare: Compare = timingSafeEqual,
): boolean {
  const credentials = parseBasicAuth(header);
  if (credentials === undefined) return false;
  let expected: string | undefined;
  try {
    expected = accounts(accountSid);
  } catch {
    expected = undefined;
  }
  // Both comparisons always run, over 32-byte digests; `&` does not short-circuit.
  const sameUser = compare(digest(credentials.user), digest(accountSid));
  const sameToken = compare(digest(credentials.password), expected === undefined ? DUMMY : digest(expected));
  return (Number(sameUser) & Number(sameToken) & Number(expected !== undefined)) === 1;
}
