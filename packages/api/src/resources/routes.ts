/**
 * Paths of the resources beside Calls (Recordings, Queues, Conferences and their
 * sub-resources), under both API versions: `/{version}/Accounts/{AccountSid}/{segments...}`
 * with an optional format suffix on the last segment (`.json`, `.xml`, or, for a recording's
 * media, `.wav`, `.mp3`).
 */
import { API_VERSIONS, type ApiVersion } from '../routes.js';

/** The suffix of the last segment. */
export type ResourceSuffix = '.json' | '.xml' | '.wav' | '.mp3';

/** A matched resource path. */
export interface ResourceMatch {
  readonly version: ApiVersion;
  readonly accountSid: string;
  /** The decoded segments after the account, e.g. `['Calls', 'CA…', 'Recordings']`. */
  readonly segments: readonly string[];
  readonly suffix?: ResourceSuffix;
}

const SUFFIXES: readonly ResourceSuffix[] = ['.json', '.xml', '.wav', '.mp3'];

/** Match `pathname` (no query). Undefined when it is not under a known version and account. */
export function matchResource(pathname: string): ResourceMatch | undefined {
  let path = pathname.endsWith('/') && pathname.length > 1 ? pathname.slice(0, -1) : pathname;
  const lower = path.toLowerCase();
  const suffix = SUFFIXES.find((s) => lower.endsWith(s));
  if (suffix !== undefined) path = path.slice(0, -suffix.length);
  const parts = path.split('/');
  const [empty, version, accounts, rawAccount, ...rest] = parts;
  if (empty !== '' || accounts !== 'Accounts' || rest.length === 0 || rest.length > 4) return undefined;
  if (!(API_VERSIONS as readonly string[]).includes(version ?? '')) return undefined;
  const segments: string[] = [];
  for (const raw of [rawAccount ?? '', ...rest]) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(raw);
    } catch {
      return undefined;
    }
    if (decoded === '') return undefined;
    segments.push(decoded);
  }
  const [accountSid, ...after] = segments;
  return {
    version: version as ApiVersion,
    accountSid: accountSid!,
    segments: after,
    ...(suffix === undefined ? {} : { suffix }),
  };
}
