/**
 * Matching request paths to the Calls API resources. The routes live under both API
 * versions: `2012-04-24` (RCML) and `2010-04-01` (what existing TwiML REST clients call).
 */

/** The API versions served. */
export const API_VERSIONS = ['2012-04-24', '2010-04-01'] as const;
/** One of {@link API_VERSIONS}. */
export type ApiVersion = (typeof API_VERSIONS)[number];

export interface RouteMatch {
  readonly version: ApiVersion;
  readonly accountSid: string;
  /** Absent for the list resource. */
  readonly callSid?: string;
  /** `.json` or `.xml` when the path ended with it, else undefined (decided by `Accept`). */
  readonly suffix?: '.json' | '.xml';
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The suffix of a path, looked at alone, so that even an unknown path gets the right format. */
export function pathSuffix(pathname: string): '.json' | '.xml' | undefined {
  const lower = pathname.toLowerCase();
  if (lower.endsWith('.json')) return '.json';
  if (lower.endsWith('.xml')) return '.xml';
  return undefined;
}

/**
 * Match a path (without its query string). Returns undefined when it names no resource.
 * A trailing slash is tolerated; empty or undecodable segments never match.
 */
export function matchRoute(pathname: string): RouteMatch | undefined {
  const suffix = pathSuffix(pathname);
  let path = pathname.endsWith('/') && pathname.length > 1 ? pathname.slice(0, -1) : pathname;
  if (suffix !== undefined) path = path.slice(0, -suffix.length);
  const parts = path.split('/');
  // ['', version, 'Accounts', sid, 'Calls', callSid?]
  if (parts.length !== 5 && parts.length !== 6) return undefined;
  const [empty, version, accounts, rawAccount, calls, rawCall] = parts;
  if (empty !== '' || accounts !== 'Accounts' || calls !== 'Calls') return undefined;
  if (!(API_VERSIONS as readonly string[]).includes(version ?? '')) return undefined;
  const accountSid = decode(rawAccount ?? '');
  if (accountSid === undefined || accountSid === '') return undefined;
  const base = { version: version as ApiVersion, accountSid, ...(suffix === undefined ? {} : { suffix }) };
  if (rawCall === undefined) return base;
  const callSid = decode(rawCall);
  if (callSid === undefined || callSid === '') return undefined;
  return { ...base, callSid };
}
