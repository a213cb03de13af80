/**
 * Reading a request body with a size cap, and turning form-encoded or JSON bodies into the
 * flat string parameters the engine takes.
 */
import type { IncomingMessage } from 'node:http';
import { RcmlError } from '@rcml/core';

/** Parameters whose repeated values are joined with spaces (REST clients repeat list keys). */
const LIST_PARAMS = new Set(['StatusCallbackEvent']);

/**
 * Read the whole body. Over `maxBytes` it rejects with 20413 after draining what the client
 * still sends (up to a hard cap), so the client reads the 413 instead of a reset connection.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    const tooLarge = () =>
      new RcmlError(20413, `request body is larger than ${maxBytes} bytes`, { field: 'body' });
    let size = 0;
    let over = Number.isFinite(declared) && declared > maxBytes;
    const chunks: Buffer[] = [];
    const drainCap = Math.max(maxBytes * 16, 1 << 20);
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) over = true;
      if (!over) chunks.push(chunk);
      else if (size > drainCap) {
        // A client that keeps sending far past the cap gets no more patience.
        req.removeAllListeners('data');
        req.pause();
        reject(tooLarge());
      }
    });
    let ended = false;
    req.on('end', () => {
      ended = true;
      if (over) reject(tooLarge());
      else resolve(Buffer.concat(chunks));
    });
    // A client that goes away mid-body: settle, so nothing waits forever.
    req.on('close', () => {
      if (!ended) reject(new RcmlError(20001, 'the request body was cut short', { field: 'body' }));
    });
    req.on('error', (error) =>
      reject(new RcmlError(20001, 'request body could not be read', { cause: error })),
    );
  });
}

function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function setParam(params: Record<string, string>, key: string, value: string): void {
  const previous = params[key];
  params[key] = previous !== undefined && LIST_PARAMS.has(key) ? `${previous} ${value}` : value;
}

/** Parameters of a query string or form body. Repeated list parameters are joined. */
export function parseForm(text: string): Record<string, string> {
  const params: Record<string, string> = Object.create(null);
  for (const [key, value] of new URLSearchParams(text)) setParam(params, key, value);
  return params;
}

function fromJson(text: string): Record<string, string> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new RcmlError(20001, 'request body is not valid JSON', { field: 'body' });
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new RcmlError(20001, 'request body must be a JSON object of parameters', { field: 'body' });
  }
  const params: Record<string, string> = Object.create(null);
  for (const [key, v] of Object.entries(value)) {
    if (v === null || v === undefined) continue;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')
      setParam(params, key, String(v));
    else if (Array.isArray(v) && v.every((item) => typeof item === 'string')) params[key] = v.join(' ');
    else throw new RcmlError(20001, `parameter ${key} must be a string, number or boolean`, { field: key });
  }
  return params;
}

/**
 * The parameters of a POST body: `application/x-www-form-urlencoded` or `application/json`
 * (an empty body, or a body without a Content-Type, is read as a form). Anything else is
 * refused with 20415.
 */
export function parseBody(body: Buffer, contentType: string | undefined): Record<string, string> {
  const type = mediaType(contentType);
  const text = new TextDecoder('utf-8').decode(body);
  if (type === 'application/json' || type.endsWith('+json')) {
    return text.trim() === '' ? Object.create(null) : fromJson(text);
  }
  if (type === 'application/x-www-form-urlencoded' || type === '' || body.length === 0)
    return parseForm(text);
  throw new RcmlError(
    20415,
    `Content-Type ${type} is not supported: send application/x-www-form-urlencoded or application/json`,
    { field: 'Content-Type' },
  );
}
