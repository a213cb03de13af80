/**
 * One ordered log of everything that happens in the calls of a run: the engine's events
 * (statuses, progress events, keys, notices), the media operations it asks of the driver,
 * the HTTP requests it makes with their answers, and what the far end does. The demo prints
 * it live and turns it into a diagram; the terminal phone shows it as its side log.
 */
import { bodyLine, type Clock, type Engine, type EngineEvent } from '@rcml/core';
import type { ObservedOp, ObservedOperation, ObservedRequest } from './observe.js';

export type LogEntry =
  | { readonly kind: 'status'; readonly at: number; readonly callSid: string; readonly status: string }
  | {
      readonly kind: 'request';
      readonly at: number;
      readonly callSid: string;
      readonly requestKind: 'fetch' | 'callback';
      readonly method: string;
      readonly url: string;
      readonly params: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'response';
      readonly at: number;
      readonly callSid: string;
      readonly requestKind: 'fetch' | 'callback';
      readonly method: string;
      readonly url: string;
      /** null when the transport failed. */
      readonly status: number | null;
      readonly contentType: string | null;
      readonly error?: string;
      /** A failed answer's body (not 2xx or 3xx), as one short line: why the app said no. */
      readonly body?: string;
    }
  | {
      readonly kind: 'media';
      readonly at: number;
      readonly channelId: string;
      readonly op: ObservedOp;
      readonly detail: Readonly<Record<string, unknown>>;
      /** A `<Dial>` leg's operation (its whisper document): the leg's CallSid. */
      readonly legSid?: string;
    }
  | { readonly kind: 'key'; readonly at: number; readonly callSid: string; readonly digit: string }
  | {
      readonly kind: 'event';
      readonly at: number;
      readonly callSid: string;
      readonly event: string;
      readonly params: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'notice';
      readonly at: number;
      readonly callSid: string | null;
      readonly code: number;
      readonly level: 'warning' | 'error';
      readonly message: string;
    }
  /** A media stream's WebSocket opened or closed (`observeStreams`). */
  | { readonly kind: 'stream'; readonly at: number; readonly callSid: string; readonly text: string }
  /** Something the far end did (answer, speak, hang up), said by the script or the user. */
  | { readonly kind: 'party'; readonly at: number; readonly text: string }
  /** What the terminal phone tells its user (e.g. why the engine ended the call). */
  | { readonly kind: 'phone'; readonly at: number; readonly text: string };

export interface CallLog {
  readonly entries: readonly LogEntry[];
  /** Add an entry (the far end's script adds its own actions). */
  add(entry: LogEntry): void;
  /** Be told of every entry from now on; returns the unsubscribe function. */
  listen(listener: (entry: LogEntry) => void): () => void;
  /** Feed for {@link observeDriver} / {@link observeChannel}. */
  readonly onOperation: (op: ObservedOperation) => void;
  /** Feed for {@link observeHttp}. */
  readonly onRequest: (request: ObservedRequest) => void;
  /** Start following an engine's events; returns the unsubscribe function. */
  follow(engine: Engine): () => void;
}

function fromEngine(event: EngineEvent): LogEntry | undefined {
  switch (event.type) {
    case 'status':
      return { kind: 'status', at: event.at, callSid: event.callSid, status: event.status };
    case 'progress':
      return {
        kind: 'event',
        at: event.at,
        callSid: event.callSid,
        event: event.event,
        params: event.params,
      };
    case 'dtmf':
      return { kind: 'key', at: event.at, callSid: event.callSid, digit: event.digit };
    case 'notice':
      return {
        kind: 'notice',
        at: event.at,
        callSid: event.callSid,
        code: event.code,
        level: event.level,
        message: event.message,
      };
    default:
      // Requests come from the HTTP observer (with their answers); verb tracing is not shown.
      return undefined;
  }
}

function failedBody(status: number, body: string): { body?: string } {
  if (status >= 200 && status < 400) return {};
  const snippet = bodyLine(body);
  return snippet === '' ? {} : { body: snippet };
}

/** Create an empty log on a clock. */
export function createCallLog(clock: Clock): CallLog {
  const entries: LogEntry[] = [];
  const listeners = new Set<(entry: LogEntry) => void>();
  const add = (entry: LogEntry) => {
    entries.push(entry);
    for (const listener of listeners) listener(entry);
  };
  return {
    entries,
    add,
    listen(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onOperation(op) {
      add({
        kind: 'media',
        at: op.at,
        channelId: op.channelId,
        op: op.op,
        detail: op.detail,
        ...(op.legSid === undefined ? {} : { legSid: op.legSid }),
      });
    },
    onRequest({ request, at, outcome }) {
      const base = {
        callSid: request.callSid,
        requestKind: request.kind,
        method: request.method,
        url: request.url,
      };
      add({ kind: 'request', at, ...base, params: request.params });
      void outcome.then((result) =>
        add(
          'response' in result
            ? {
                kind: 'response',
                at: clock.now(),
                ...base,
                status: result.response.status,
                contentType: result.response.contentType,
                ...failedBody(result.response.status, result.response.body),
              }
            : {
                kind: 'response',
                at: clock.now(),
                ...base,
                status: null,
                contentType: null,
                error: result.error,
              },
        ),
      );
    },
    follow(engine) {
      return engine.subscribe((event) => {
        const entry = fromEngine(event);
        if (entry !== undefined) add(entry);
      });
    },
  };
}
