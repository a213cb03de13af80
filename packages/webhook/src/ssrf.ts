/**
 * The optional guard against server-side request forgery. Documents and callbacks name URLs
 * chosen by applications, so an engine on a cloud host could be asked to fetch its own
 * metadata service or an internal admin page. With the guard on, every address a host name
 * resolves to is checked at connect time (inside the DNS lookup the connector uses, so a name
 * that resolves to an internal address is refused, not just internal-looking names).
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP } from 'node:net';

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

/** Ranges refused by default: loopback, private, link-local, metadata, unspecified. */
const BLOCKED_V4: ReadonlyArray<readonly [string, number]> = [
  ['0.0.0.0', 8], // "this network", includes the unspecified address
  ['127.0.0.0', 8], // loopback
  ['10.0.0.0', 8], // RFC 1918
  ['172.16.0.0', 12], // RFC 1918
  ['192.168.0.0', 16], // RFC 1918
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598), internal to providers
  ['169.254.0.0', 16], // link-local, includes 169.254.169.254 (cloud metadata)
];
const BLOCKED_V6: ReadonlyArray<readonly [string, number]> = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['fc00::', 7], // unique local, includes fd00:ec2::254 (cloud metadata)
  ['fe80::', 10], // link-local
];

/** Decides whether a host or address may be reached. */
export interface SsrfPolicy {
  /** Whether the host name (as written in the URL) is on the allow list. */
  isHostAllowed(hostname: string): boolean;
  /** Why `address` is refused, or null when it may be reached. */
  refusal(address: string): string | null;
}

/** Builds the policy from the allow list. Throws on a malformed allow entry. */
export function createSsrfPolicy(options: SsrfGuardOptions = {}): SsrfPolicy {
  const blocked = new BlockList();
  for (const [net, prefix] of BLOCKED_V4) blocked.addSubnet(net, prefix, 'ipv4');
  for (const [net, prefix] of BLOCKED_V6) blocked.addSubnet(net, prefix, 'ipv6');
  const allowedNets = new BlockList();
  const allowedHosts = new Set<string>();
  for (const entry of options.allow ?? []) {
    const [address, prefix] = entry.split('/');
    const family = isIP(address ?? '');
    if (family === 0) {
      allowedHosts.add(entry.toLowerCase());
    } else if (prefix === undefined) {
      allowedNets.addAddress(address!, family === 4 ? 'ipv4' : 'ipv6');
    } else {
      const bits = Number(prefix);
      if (!Number.isInteger(bits) || bits < 0 || bits > (family === 4 ? 32 : 128)) {
        throw new TypeError(`ssrfGuard.allow: "${entry}" has an invalid prefix length`);
      }
      allowedNets.addSubnet(address!, bits, family === 4 ? 'ipv4' : 'ipv6');
    }
  }
  const check = (address: string, family: 'ipv4' | 'ipv6'): boolean =>
    blocked.check(address, family) && !allowedNets.check(address, family);
  return {
    isHostAllowed: (hostname) => allowedHosts.has(hostname.toLowerCase()),
    refusal(address) {
      const family = isIP(address);
      if (family === 4) return check(address, 'ipv4') ? `${address} is an internal address` : null;
      if (family !== 6) return `${address} is not an IP address`;
      // An IPv4-mapped IPv6 address reaches the IPv4 host: judge it as that host.
      const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
      if (mapped) return check(mapped[1]!, 'ipv4') ? `${address} is an internal address` : null;
      return check(address, 'ipv6') ? `${address} is an internal address` : null;
    },
  };
}

/** An error the connector passes on unchanged; the transport classifies it as 11220. */
export function ssrfError(hostname: string, reason: string): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(`refused to connect to ${hostname}: ${reason}`);
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
