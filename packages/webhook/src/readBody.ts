/**
 * Reads a response body with a size cap enforced while streaming: the connection is torn down
 * as soon as the cap is passed, so a hostile application cannot make the engine download (or
 * buffer) a huge body.
 */
import { RcmlError } from '@rcml/core';
import type { Dispatcher } from 'undici';

type Body = Dispatcher.ResponseData['body'];

/** Reads `body` as UTF-8 text; rejects with 11750 past `maxBytes` (then no more is read). */
export function readBody(body: Body, maxBytes: number, url: string): Promise<string> {
  // Plain stream events: cheaper than async iteration on the callback hot path.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        cleanup();
        abandon(body);
        reject(tooLarge(url, maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      cleanup();
      resolve(chunks.length === 0 ? '' : new TextDecoder('utf-8').decode(Buffer.concat(chunks, size)));
    };
    const onError = (error: Error): void => {
      cleanup();
      reject(error);
    };
    const cleanup = (): void => {
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('error', onError);
    };
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
  });
}

/**
 * Stops reading and closes the connection. Destroying emits an abort error on the stream;
 * nobody waits for it any more, so it is swallowed rather than crashing the process.
 */
export function abandon(body: Body): void {
  body.on('error', ignore);
  body.destroy();
}

function ignore(): void {}

/** Consumes an empty body so the connection can be reused. */
export function discard(body: Body): Promise<string> {
  return body.dump().then(() => '');
}

/** The 11750 error for a body over `maxBytes`. */
export function tooLarge(url: string, maxBytes: number): RcmlError {
  return new RcmlError(11750, `response body of ${url} is larger than ${maxBytes} bytes`);
}

/** The declared Content-Length, when there is a valid one. */
export function declaredLength(value: string | string[] | undefined): number | null {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined || !/^\d+$/.test(text)) return null;
  return Number(text);
}
