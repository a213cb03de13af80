/**
 * Runs one of the TwiML applications of this folder on 127.0.0.1 and watches it from the
 * outside: every request it answered (path, parameters, whether it carried a signature, the
 * status it answered). The application itself is mounted unchanged; the watcher sits in front
 * of it and reads what the application's own `express.urlencoded` parsed.
 */
import { EventEmitter } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';

/** A request the application answered. */
export interface SeenRequest {
  /** `GET` or `POST`. */
  readonly method: string;
  /** The path without its query. */
  readonly path: string;
  /** Query and form parameters, as the application saw them. */
  readonly params: Readonly<Record<string, string>>;
  /** The request carried `X-Twilio-Signature`. */
  readonly signed: boolean;
  /** What the application answered: 200 for a document; 403 when `twilio.webhook()` refused the signature. */
  readonly status: number;
  /** The `Content-Type` it answered with (Express's `text/html; charset=utf-8` for a string). */
  readonly contentType: string | undefined;
  /** The body it answered with. */
  readonly body: string;
}

/** An application listening on 127.0.0.1, with what it answered so far. */
export interface RunningApp {
  /** e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** Every request it answered, in order. */
  readonly seen: readonly SeenRequest[];
  /** The paths answered so far, in order. */
  paths(): string[];
  /**
   * Resolve with the first request (already answered or still to come) that matches;
   * reject after `timeoutMs` naming what was awaited and what was seen.
   */
  waitFor(what: string, match: (r: SeenRequest) => boolean, timeoutMs?: number): Promise<SeenRequest>;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

const flatten = (value: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (value === null || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[k] = String(v);
  return out;
};

/** Listen with `app` on a free port of 127.0.0.1 (or `port`). */
export async function runApp(app: express.Express, port = 0): Promise<RunningApp> {
  const seen: SeenRequest[] = [];
  const events = new EventEmitter();
  const outer = express();
  outer.use((req, res, next) => {
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (chunk: unknown, ...rest: unknown[]) => boolean;
    const end = res.end.bind(res) as (...args: unknown[]) => express.Response;
    const keep = (chunk: unknown) => {
      if (typeof chunk === 'string') chunks.push(Buffer.from(chunk));
      else if (Buffer.isBuffer(chunk)) chunks.push(chunk);
    };
    res.write = ((chunk: unknown, ...rest: unknown[]) => {
      keep(chunk);
      return write(chunk, ...rest);
    }) as typeof res.write;
    res.end = ((...args: unknown[]) => {
      if (typeof args[0] !== 'function') keep(args[0]);
      return end(...args);
    }) as typeof res.end;
    res.on('finish', () => {
      const request: SeenRequest = {
        method: req.method,
        path: req.originalUrl.split('?')[0] ?? '/',
        params: { ...flatten(req.query), ...flatten(req.body) },
        signed: req.header('X-Twilio-Signature') !== undefined,
        status: res.statusCode,
        contentType: res.getHeader('content-type')?.toString(),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      seen.push(request);
      events.emit('request', request);
    });
    next();
  });
  outer.use(app);
  const server = await new Promise<ReturnType<typeof outer.listen>>((resolve, reject) => {
    const s = outer.listen(port, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    paths: () => seen.map((r) => r.path),
    waitFor(what, match, timeoutMs = 20_000) {
      const already = seen.find(match);
      if (already !== undefined) return Promise.resolve(already);
      return new Promise((resolve, reject) => {
        const onRequest = (r: SeenRequest) => {
          if (!match(r)) return;
          clearTimeout(timer);
          events.off('request', onRequest);
          resolve(r);
        };
        const timer = setTimeout(() => {
          events.off('request', onRequest);
          const trail = seen.map((r) => `${r.method} ${r.path} → ${r.status}`).join('\n  ');
          reject(new Error(`the app never received ${what}; it saw:\n  ${trail || '(nothing)'}`));
        }, timeoutMs);
        events.on('request', onRequest);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
