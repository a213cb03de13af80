/**
 * An `httpClient` for the official `twilio` package that sends its requests to our server
 * on 127.0.0.1 instead of `https://api.twilio.com`, over undici.
 */
import { request } from 'undici';

interface TwilioRequest {
  method: string;
  uri: string;
  username?: string;
  password?: string;
  headers?: Record<string, string>;
  params?: Record<string, unknown>;
  data?: Record<string, unknown>;
}

/** Form-encode like the twilio client does: arrays repeat their key, undefined is dropped. */
function encode(values: Record<string, unknown> | undefined): URLSearchParams {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(values ?? {})) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) search.append(key, String(v));
    else search.append(key, String(value));
  }
  return search;
}

export function loopbackHttpClient(baseUrl: string) {
  const seen: { method: string; path: string }[] = [];
  return {
    seen,
    async request(opts: TwilioRequest) {
      const target = new URL(opts.uri.replace(/^https:\/\/api\.twilio\.com/, baseUrl));
      for (const [k, v] of encode(opts.params)) target.searchParams.append(k, v);
      const headers: Record<string, string> = { ...(opts.headers ?? {}) };
      if (opts.username !== undefined && opts.password !== undefined) {
        headers.Authorization = `Basic ${Buffer.from(`${opts.username}:${opts.password}`).toString('base64')}`;
      }
      const method = opts.method.toUpperCase();
      const body = method === 'POST' ? encode(opts.data).toString() : undefined;
      seen.push({ method, path: target.pathname + target.search });
      const res = await request(target, {
        method: method as 'GET',
        headers,
        ...(body === undefined ? {} : { body }),
      });
      return { statusCode: res.statusCode, body: await res.body.text(), headers: res.headers };
    },
  };
}
