/**
 * HTTP Basic authentication with AccountSid:AuthToken. Tokens are compared in constant time:
 * both sides are hashed to equal-length SHA-256 digests and compared with `timingSafeEqual`,
 * and an unknown account is compared against a dummy so its answer takes as long.
 */
import { createHash, timingSafeEqual } from 'node:crypto';

/** Finds the auth token of an account; undefined for an unknown account. */
export type AccountLookup = (accountSid: string) => string | undefined;

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
 * must be that AccountSid and the password its auth token.
 */
export function authenticate(
  header: string | undefined,
  accountSid: string,
  accounts: AccountLookup,
): boolean {
  const credentials = parseBasicAuth(header);
  if (credentials === undefined) return false;
  let expected: string | undefined;
  try {
    expected = accounts(credentials.user);
  } catch {
    expected = undefined;
  }
  const given = digest(credentials.password);
  const same = timingSafeEqual(given, expected === undefined ? DUMMY : digest(expected));
  return same && expected !== undefined && credentials.user === accountSid;
}
