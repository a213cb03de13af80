/**
 * Which outgoing URLs `rcml serve` lets the engine request. Listening on loopback (local
 * development), the engine may reach anything, including applications on 127.0.0.1. Listening
 * on anything else, the SSRF guard is on by default: documents, every redirect hop, callbacks,
 * media downloads and the Calls API's URL parameters may not name loopback, private,
 * link-local (cloud metadata) or other internal addresses, unless an allow list opens some, or
 * `--allow-private-urls` turns the guard off.
 */
import { isIP } from 'node:net';
import { createSsrfPolicy, createUrlGuard } from '@rcml/webhook';
import { UsageError } from '../args.js';

/** How the guard is chosen: by the listening address (`auto`), forced, or on with an allow list. */
export type UrlGuardSetting = 'auto' | boolean | { readonly allow: readonly string[] };

/** The policy in force. */
export interface UrlPolicy {
  /** Whether the SSRF guard is on. */
  readonly guard: boolean;
  /** Addresses, CIDR ranges and host names let through although internal. */
  readonly allow: readonly string[];
  /** One line for the startup banner: the policy and why. */
  readonly description: string;
}

/** Whether `host` (a listening address or name) is loopback only. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (bare === 'localhost' || bare === '::1') return true;
  const v4 = /^(?:::ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(bare)?.[1];
  return v4 !== undefined && isIP(v4) === 4 && v4.startsWith('127.');
}

/**
 * `--allow-url-host` values: comma-separated CIDR ranges, addresses or host names. Throws
 * `TypeError` naming a malformed entry.
 */
export function parseAllowList(text: string): string[] {
  const entries = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '');
  if (entries.length === 0) throw new TypeError('--allow-url-host needs at least one range or host name');
  createSsrfPolicy({ allow: entries }); // validates each entry
  return entries;
}

/** The policy for a server listening on `host`. */
export function resolveUrlPolicy(host: string, setting: UrlGuardSetting = 'auto'): UrlPolicy {
  if (typeof setting === 'object') {
    const allow = [...setting.allow];
    return {
      guard: true,
      allow,
      description: `on: internal addresses refused except ${allow.join(', ')} (--allow-url-host)`,
    };
  }
  if (setting === false) {
    return {
      guard: false,
      allow: [],
      description: 'off: the engine may request any address, internal ones included (--allow-private-urls)',
    };
  }
  if (setting === true) {
    return { guard: true, allow: [], description: 'on: loopback, private and link-local addresses refused' };
  }
  return isLoopbackHost(host)
    ? {
        guard: false,
        allow: [],
        description: `off: listening on loopback (${host}), local applications allowed; any other --host turns it on`,
      }
    : {
        guard: true,
        allow: [],
        description: `on: listening on ${host}, loopback, private and link-local addresses refused (--allow-private-urls, --allow-url-host to open)`,
      };
}

/**
 * The setting from `rcml serve`'s flags: `--allow-private-urls` turns the guard off,
 * `--allow-url-host LIST` turns it on with an allow list; neither: `auto`. Throws
 * `UsageError` for both at once or a malformed list.
 */
export function urlGuardFromFlags(allowPrivate: boolean, allowHosts: string | undefined): UrlGuardSetting {
  if (allowPrivate && allowHosts !== undefined) {
    throw new UsageError('--allow-private-urls and --allow-url-host cannot be used together');
  }
  if (allowPrivate) return false;
  if (allowHosts === undefined) return 'auto';
  try {
    return { allow: parseAllowList(allowHosts) };
  } catch (error) {
    throw new UsageError(
      error instanceof Error ? error.message.replace('ssrfGuard.allow', '--allow-url-host') : String(error),
    );
  }
}

/**
 * The operator's own URLs (`--inbound-url` and friends) under the policy: one the guard would
 * refuse at every call is a usage error at startup, naming the flag and the way out. Names
 * that only DNS can judge pass (they are checked when the engine connects).
 */
export function checkConfiguredUrls(
  policy: UrlPolicy,
  urls: Readonly<Record<string, string | undefined>>,
): void {
  if (!policy.guard) return;
  const guard = createUrlGuard({ allow: policy.allow });
  for (const [flag, url] of Object.entries(urls)) {
    if (url === undefined) continue;
    const reason = guard.check(url);
    if (reason !== null) {
      const host = new URL(url).hostname;
      throw new UsageError(
        `${flag}: ${reason}, and the URL guard is on (the server does not listen on loopback): ` +
          `add --allow-url-host ${host} to let it through, or --allow-private-urls`,
      );
    }
  }
}
