/**
 * The WebSocket client of media streams (`StreamPort` of `@rcml/core`) over the `ws` package.
 * The upgrade request is signed like an HTTP request of the call (`X-Twilio-Signature`: the
 * HMAC of the `wss://` URL as requested, with no parameters) and goes through the SSRF guard
 * when one is given: the URL is asserted before connecting and the connection resolves names
 * through the guard's lookup, so the address connected to is checked too.
 */
import {
  RcmlError,
  type StreamOpenRequest,
  type StreamPort,
  type StreamSocket,
  type StreamSocketHandler,
} from '@rcml/core';
import WebSocket from 'ws';
import { computeSignature, DEFAULT_SIGNATURE_HEADER } from './signature.js';
import { SSRF_REFUSED } from './ssrf.js';
import type { UrlGuard } from './urlGuard.js';

/** Options of {@link createStreamPort}. */
export interface StreamPortOptions {
  /** Key for `X-Twilio-Signature`, or one per account; unsigned when absent (or undefined for the account). */
  readonly authToken?: string | ((accountSid: string) => string | undefined);
  /** Default `X-Twilio-Signature`. */
  readonly signatureHeader?: string;
  /** The SSRF guard (`createUrlGuard`); without it any host is connected to. */
  readonly guard?: UrlGuard;
  /** Milliseconds the connection and upgrade may take (default 10,000). */
  readonly connectTimeoutMs?: number;
  /** Largest message accepted from the application, in bytes (default 1 MiB). */
  readonly maxMessageBytes?: number;
  /** Extra headers on every upgrade request. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A `StreamPort` for `createEngine({ streams })`. */
export function createStreamPort(options: StreamPortOptions = {}): StreamPort {
  const header = options.signatureHeader ?? DEFAULT_SIGNATURE_HEADER;
  const tokenFor =
    typeof options.authToken === 'function'
      ? options.authToken
      : (_account: string) => options.authToken as string | undefined;
  const timeout = options.connectTimeoutMs ?? 10_000;
  const maxPayload = options.maxMessageBytes ?? 1024 * 1024;
  return {
    async open(request: StreamOpenRequest, handler: StreamSocketHandler): Promise<StreamSocket> {
      const { url, signal } = request;
      if (options.guard !== undefined) await options.guard.assert(url);
      if (signal.aborted) throw new RcmlError(31920, 'the stream was stopped before it connected');
      const headers: Record<string, string> = { ...options.headers, 'X-Rcml-Call-Sid': request.callSid };
      const token = tokenFor(request.accountSid);
      if (token !== undefined) headers[header] = computeSignature(token, url, {});
      return connect(url, { headers, timeout, maxPayload, guard: options.guard }, handler, signal);
    },
  };
}

function connect(
  url: string,
  settings: {
    headers: Record<string, string>;
    timeout: number;
    maxPayload: number;
    guard: UrlGuard | undefined;
  },
  handler: StreamSocketHandler,
  signal: AbortSignal,
): Promise<StreamSocket> {
  return new Promise<StreamSocket>((resolve, reject) => {
    const socket = new WebSocket(url, {
      headers: settings.headers,
      handshakeTimeout: settings.timeout,
      maxPayload: settings.maxPayload,
      perMessageDeflate: false,
      followRedirects: false,
      ...(settings.guard === undefined ? {} : { lookup: settings.guard.lookup as never }),
    });
    let open = false;
    let closed = false;
    const onAbort = () => socket.terminate();
    signal.addEventListener('abort', onAbort, { once: true });
    socket.on('unexpected-response', (_req, res) => {
      reject(new RcmlError(31920, `the upgrade was answered ${res.statusCode ?? '?'} instead of 101`));
      res.resume();
      socket.terminate();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      if (open) return;
      // The guard's lookup refuses an internal address with its own code: 11210, as for HTTP.
      const code = error.code === SSRF_REFUSED ? 11210 : 31920;
      reject(error instanceof RcmlError ? error : new RcmlError(code, error.message, { cause: error }));
    });
    socket.on('open', () => {
      signal.removeEventListener('abort', onAbort);
      open = true;
      resolve({
        get bufferedBytes() {
          return socket.bufferedAmount;
        },
        send(text) {
          if (socket.readyState === WebSocket.OPEN) socket.send(text);
        },
        close() {
          if (socket.readyState === WebSocket.OPEN || socket.readyState === WebSocket.CONNECTING)
            socket.close(1000);
        },
      });
    });
    socket.on('message', (data, isBinary) => {
      if (!isBinary) handler.message(data.toString());
    });
    socket.on('close', (code, reason) => {
      signal.removeEventListener('abort', onAbort);
      if (!open) {
        reject(new RcmlError(31920, `the connection closed before the upgrade (${code})`));
        return;
      }
      if (closed) return;
      closed = true;
      handler.closed(code, reason.toString());
    });
  });
}
