/**
 * The optional guard against server-side request forgery. Documents and callbacks name URLs
 * chosen by applications, so an engine on a cloud host could be asked to fetch its own
 * metadata service or an internal admin page. With the guard on, every address a host name
 * resolves to is checked at connect time (inside the DNS lookup the connector uses, so a name
 * that resolves to an internal address is refused, not just internal-looking names), and a
 * URL naming an address (in any spelling the URL parser accepts) is checked before connecting.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction as NetLookupFunction } from 'node:net';
import { buildConnector } from 'undici';

/** The DNS lookup shape `net.connect` accepts. */
export type LookupFunction = (
  hostname: string,
  options: { readonly family?: number | string; readonly all?: boolean; readonly hints?: number },
  callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
) => void;

/** Guard configuration. */
export interface SsrfGuardOptions {
  /**
   * Host names (exact, case-insensitive), IP addresses or CIDR ranges (`10.1.0.0/16`,
   * `fd12::/16`) that may be reached although they are internal.
   */
  readonly allow?: readonly string[];
}

/** The error code the connector sees when the guard refuses an address. */
export const SSRF_REFUSED = 'ERR_RCML_SSRF_REFUSED';

/** Ranges refused, by what they are (the name goes into the refusal's reason). */
const BLOCKED: ReadonlyArray<readonly [string, number, string]> = [
  ['127.0.0.0', 8, 'loopback'],
  ['0.0.0.0', 8, 'unspecified ("this network")'],
  ['10.0.0.0', 8, 'private (RFC 1918)'],
  ['172.16.0.0', 12, 'private (RFC 1918)'],
  ['192.168.0.0', 16, 'private (RFC 1918)'],
  ['169.254.0.0', 16, 'link-local'],
  ['100.64.0.0', 10, 'shared (carrier-grade NAT)'],
  ['192.0.0.0', 24, 'reserved (IETF protocol assignments)'],
  ['198.18.0.0', 15, 'reserved (benchmarking)'],
  ['224.0.0.0', 4, 'multicast'],
  ['240.0.0.0', 4, 'reserved (includes broadcast)'],
  ['::1', 128, 'loopback'],
  ['::', 128, 'unspecified'],
  ['fc00::', 7, 'private (unique local)'],
  ['fe80::', 10, 'link-local'],
  ['ff00::', 8, 'multicast'],
];

/** Cloud metadata services, named in the reason because they are the usual target. */
const METADATA = new Set(['169.254.169.254', 'fd00:ec2::254', '169.254.170.2']);

/** Decides whether a host or address may be reached. */
export interface SsrfPolicy {
  /** Whether the host name (as written in the URL) is on the allow list. */
  isHostAllowed(hostname: string): boolean;
  /** Why `address` is refused, or null when it may be reached. */
  refusal(address: string): string | null;
  /**
   * Why a URL's host (as the URL parser gives it, brackets removed) is refused without any
   * DNS lookup: an address that is refused, or a `localhost` name. Null when it may be
   * reached or when only DNS can tell.
   */
  hostRefusal(hostname: string): string | null;
}

/** Lower-cased, without IPv6 brackets or the trailing dot of a fully qualified name. */
function normalHost(hostname: string): string {
  return hostname
    .replace(/^\[|\]$/g, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

/** The eight 16-bit groups of an IPv6 address (valid per `isIP`), or null. */
function groupsOf(address: string): number[] | null {
  let text = address.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const missing = 8 - left.length - right.length;
  if (tail === undefined ? missing !== 0 : missing < 0) return null;
  return [...left, ...Array<string>(missing).fill('0'), ...right].map((g) => Number.parseInt(g, 16));
}

function v4(high: number, low: number): string {
  return `${high >> 8}.${high & 0xff}.${low >> 8}.${low & 0xff}`;
}

/**
 * The IPv4 address an IPv6 address reaches or carries: IPv4-mapped (`::ffff:a.b.c.d`, in any
 * spelling), IPv4-translated (`::ffff:0:a.b.c.d`), IPv4-compatible (`::a.b.c.d`, deprecated),
 * NAT64 (`64:ff9b::a.b.c.d`) and 6to4 (`2002:AABB:CCDD::`). Null for other addresses.
 */
export function embeddedIPv4(address: string): string | null {
  const g = groupsOf(address);
  if (g === null) return null;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  if (zeros(0, 5) && g[5] === 0xffff) return v4(g[6]!, g[7]!);
  if (zeros(0, 4) && g[4] === 0xffff && g[5] === 0) return v4(g[6]!, g[7]!);
  if (zeros(0, 6) && (g[6] !== 0 || g[7]! > 1)) return v4(g[6]!, g[7]!);
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4(g[6]!, g[7]!);
  if (g[0] === 0x2002) return v4(g[1]!, g[2]!);
  return null;
}

/** Builds the policy from the allow list. Throws on a malformed allow entry. */
export function createSsrfPolicy(options: SsrfGuardOptions = {}): SsrfPolicy {
  const classes = new Map<string, BlockList>();
  for (const [net, prefix, kind] of BLOCKED) {
    let list = classes.get(kind);
    if (list === undefined) {
      list = new BlockList();
      classes.set(kind, list);
    }
    list.addSubnet(net, prefix, isIP(net) === 4 ? 'ipv4' : 'ipv6');
  }
  const allowedNets = new BlockList();
  const allowedHosts = new Set<string>();
  for (const raw of options.allow ?? []) {
    const entry = raw.trim();
    const [address, prefix] = entry.split('/');
    const family = isIP(address ?? '');
    if (family === 0) {
      if (prefix !== undefined || !/^[a-z0-9.-]+\.?$/i.test(entry)) {
        throw new TypeError(`ssrfGuard.allow: "${raw}" is neither a host name, an address nor a CIDR range`);
      }
      allowedHosts.add(normalHost(entry));
    } else if (prefix === undefined) {
      allowedNets.addAddress(address!, family === 4 ? 'ipv4' : 'ipv6');
    } else {
      const bits = Number(prefix);
      if (!/^\d+$/.test(prefix) || bits > (family === 4 ? 32 : 128)) {
        throw new TypeError(`ssrfGuard.allow: "${raw}" has an invalid prefix length`);
      }
      allowedNets.addSubnet(address!, bits, family === 4 ? 'ipv4' : 'ipv6');
    }
  }
  const kindOf = (address: string, family: 'ipv4' | 'ipv6'): string | null => {
    for (const [kind, list] of classes) if (list.check(address, family)) return kind;
    return null;
  };
  const refusal = (address: string): string | null => {
    const family = isIP(address);
    if (family === 0) return `${address} is not an IP address`;
    const type = family === 4 ? 'ipv4' : 'ipv6';
    if (allowedNets.check(address, type)) return null;
    let kind = kindOf(address, type);
    // An IPv6 form that reaches (or carries) an IPv4 host is judged as that host.
    const inner = family === 6 ? embeddedIPv4(address) : null;
    if (kind === null && inner !== null) {
      if (allowedNets.check(inner, 'ipv4')) return null;
      kind = kindOf(inner, 'ipv4');
    }
    if (kind === null) return null;
    const metadata = METADATA.has(address) || (inner !== null && METADATA.has(inner));
    const shown = inner !== null && inner !== address ? `${address} (${inner})` : address;
    return `${shown} is a ${kind} address${metadata ? ' (cloud metadata service)' : ''}`;
  };
  const isHostAllowed = (hostname: string) => allowedHosts.has(normalHost(hostname));
  return {
    isHostAllowed,
    refusal,
    hostRefusal(hostname) {
      const host = normalHost(hostname);
      if (isHostAllowed(host)) return null;
      if (isIP(host) !== 0) return refusal(host);
      // RFC 6761: `localhost` and its subdomains are loopback whatever DNS says.
      if (host === 'localhost' || host.endsWith('.localhost')) return `${host} is a loopback name`;
      return null;
    },
  };
}

/** An error the connector passes on unchanged; the transport classifies it as 11210. */
export function ssrfError(hostname: string, reason: string): NodeJS.ErrnoException {
  const what = reason.startsWith(`${hostname} `) ? reason : `${hostname}: ${reason}`;
  const error: NodeJS.ErrnoException = new Error(`refused by the SSRF guard: ${what}`);
  error.code = SSRF_REFUSED;
  return error;
}

/**
 * Wraps a DNS lookup so that every resolved address is checked. A name is refused when ANY of
 * its addresses is internal: connecting picks one address, and a name that mixes public and
 * internal addresses is a known way around guards that check just one.
 */
export function createGuardedLookup(
  policy: SsrfPolicy,
  base: LookupFunction = dnsLookup as unknown as LookupFunction,
): LookupFunction {
  return (hostname, options, callback) => {
    if (policy.isHostAllowed(hostname)) {
      base(hostname, options, callback);
      return;
    }
    const named = policy.hostRefusal(hostname);
    if (named !== null) {
      callback(ssrfError(hostname, named), '');
      return;
    }
    base(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) {
        callback(err, '');
        return;
      }
      const list = addresses as LookupAddress[];
      for (const entry of list) {
        const reason = policy.refusal(entry.address);
        if (reason !== null) {
          callback(ssrfError(hostname, reason), '');
          return;
        }
      }
      if (options.all) callback(null, list);
      else if (list[0] === undefined)
        callback(Object.assign(new Error(`no address for ${hostname}`), { code: 'ENOTFOUND' }), '');
      else callback(null, list[0].address, list[0].family);
    });
  };
}

/** Connection options of {@link createGuardedConnector}. */
export interface GuardedConnectOptions {
  /** Connect timeout, ms. */
  readonly timeout?: number;
  /** The DNS lookup to guard (default `dns.lookup`). */
  readonly lookup?: LookupFunction;
}

/**
 * An undici connector (`new Agent({ connect })`) that checks every connection it opens: a host
 * that is an address is judged before connecting (`net.connect` does no lookup for it), a
 * name through the guarded lookup. Every request through such an agent is covered, whoever
 * makes it and however many redirects it follows.
 */
export function createGuardedConnector(
  policy: SsrfPolicy,
  options: GuardedConnectOptions = {},
): buildConnector.connector {
  const connect = buildConnector({
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    // Node's own `LookupFunction` type differs only in optional-property details.
    lookup: createGuardedLookup(policy, options.lookup) as unknown as NetLookupFunction,
  });
  return (target, callback) => {
    const reason = policy.hostRefusal(target.hostname);
    if (reason !== null) {
      callback(ssrfError(normalHost(target.hostname), reason), null);
      return;
    }
    connect(target, callback);
  };
}
