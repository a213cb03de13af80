/**
 * Writing answers: JSON (snake_case) or XML (PascalCase elements under `<TwilioResponse>`,
 * the root existing TwiML REST clients parse), chosen by the `.json`/`.xml` suffix or else by
 * `Accept`.
 */
import type { ServerResponse } from 'node:http';
import type { CallListResource, CallResource } from './representation.js';
import { envelopeAttrs, fieldsXml, wrapXml } from './xml.js';

/** The representation of an answer. */
export type Format = 'json' | 'xml';

/** The body of every error answer. */
export interface ErrorBody {
  readonly code: number;
  readonly message: string;
  readonly more_info: string;
  readonly status: number;
}

/**
 * Pick the format for a path without a suffix from `Accept`: the JSON or XML media range
 * with the highest `q` wins; XML on a tie, on `*\/*`, or when `Accept` is absent (the
 * classic REST default).
 */
export function negotiate(accept: string | undefined): Format {
  if (accept === undefined || accept.trim() === '') return 'xml';
  let json = -1;
  let xml = -1;
  for (const part of accept.split(',')) {
    const [rangeRaw = '', ...paramParts] = part.split(';');
    const range = rangeRaw.trim().toLowerCase();
    let q = 1;
    for (const p of paramParts) {
      const [k, v] = p.split('=');
      if (k?.trim() === 'q' && v !== undefined) {
        const n = Number(v.trim());
        if (Number.isFinite(n)) q = n;
      }
    }
    if (range === 'application/json' || range.endsWith('+json')) json = Math.max(json, q);
    else if (range === 'application/xml' || range === 'text/xml' || range.endsWith('+xml'))
      xml = Math.max(xml, q);
  }
  return json > 0 && json > xml ? 'json' : 'xml';
}

function callXml(call: CallResource): string {
  return `<Call>${fieldsXml(call)}</Call>`;
}

/** Serialise one call. */
export function renderCall(call: CallResource, format: Format): string {
  return format === 'json' ? JSON.stringify(call) : wrapXml(callXml(call));
}

/** Serialise a page of calls (XML: the envelope as attributes of `<Calls>`). */
export function renderCallList(list: CallListResource, format: Format): string {
  if (format === 'json') return JSON.stringify(list);
  const { calls: _calls, ...envelope } = list;
  const attrs = envelopeAttrs(envelope);
  return wrapXml(`<Calls ${attrs}>${list.calls.map(callXml).join('')}</Calls>`);
}

/** Serialise an error body (XML: `<RestException>`). */
export function renderError(error: ErrorBody, format: Format): string {
  if (format === 'json') return JSON.stringify(error);
  return wrapXml(`<RestException>${fieldsXml(error)}</RestException>`);
}

/** Write a whole answer with its content type and length. */
export function send(
  res: ServerResponse,
  status: number,
  format: Format,
  body: string,
  headers: Readonly<Record<string, string>> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, {
    ...headers,
    'Content-Type': format === 'json' ? 'application/json; charset=utf-8' : 'application/xml; charset=utf-8',
    'Content-Length': String(bytes.length),
  });
  res.end(bytes);
}
