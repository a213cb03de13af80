/**
 * ARI's event half: one WebSocket per application (`/ari/events?app=NAME`). Asterisk keeps the
 * application's channels in Stasis when the socket drops, and events sent while it is down are
 * lost for good, so the socket reconnects with exponential backoff (on the injected clock) and
 * tells the driver each time it is back, so the driver can deal with the channels it owns.
 */
import type { Clock, Logger, TimerId } from '@rcml/core';
import { RcmlError } from '@rcml/core';
import WebSocket from 'ws';
import type { AriEvent } from './types.js';

/** Reconnect delays: `initialMs`, doubled after each failed attempt, at most `maxMs`. */
export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
}

export interface EventSocketOptions {
  /** `ws://host:port/ari/events?app=NAME&subscribeAll=false`. */
  readonly url: string;
  /** `user:password` for HTTP Basic on the upgrade request. */
  readonly auth: string;
  readonly clock: Clock;
  readonly backoff: BackoffOptions;
  readonly logger: Logger;
  readonly onEvent: (event: AriEvent) => void;
  /** Called after every successful (re)connection; `reconnected` is false the first time. */
  readonly onOpen: (reconnected: boolean) => void;
  /** Called when an open socket closes (not after `stop`). */
  readonly onClose: () => void;
}

export interface EventSocket {
  /** Connect; rejects (14103) when the first connection fails. */
  start(): Promise<void>;
  /** Close for good; no reconnection afterwards. */
  stop(): Promise<void>;
  readonly connected: boolean;
}

export function createEventSocket(options: EventSocketOptions): EventSocket {
  let socket: WebSocket | null = null;
  let stopped = false;
  let everOpened = false;
  let delay = options.backoff.initialMs;
  let timer: TimerId | null = null;
  let isOpen = false;

  function connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(options.url, {
        headers: { authorization: `Basic ${Buffer.from(options.auth).toString('base64')}` },
      });
      socket = ws;
      let opened = false;
      ws.on('open', () => {
        opened = true;
        isOpen = true;
        delay = options.backoff.initialMs;
        const reconnected = everOpened;
        everOpened = true;
        resolve();
        options.onOpen(reconnected);
      });
      ws.on('message', (data) => {
        let event: AriEvent;
        try {
          event = JSON.parse(data.toString()) as AriEvent;
        } catch {
          options.logger.warn('ARI event is not JSON; ignored', { data: data.toString().slice(0, 200) });
          return;
        }
        if (typeof event?.type !== 'string') return;
        options.onEvent(event);
      });
      ws.on('error', (error) => {
        options.logger.warn('ARI WebSocket error', { error: error.message });
        if (!opened)
          reject(new RcmlError(14103, `ARI WebSocket ${redact(options.url)} failed: ${error.message}`));
      });
      ws.on('close', () => {
        const wasOpen = opened;
        isOpen = false;
        if (socket === ws) socket = null;
        if (!opened)
          reject(new RcmlError(14103, `ARI WebSocket ${redact(options.url)} closed before opening`));
        if (stopped) return;
        if (wasOpen) options.onClose();
        if (everOpened) schedule();
      });
    });
  }

  function schedule(): void {
    if (stopped || timer !== null) return;
    const wait = delay;
    delay = Math.min(delay * 2, options.backoff.maxMs);
    options.logger.info('ARI WebSocket closed; reconnecting', { inMs: wait });
    timer = options.clock.setTimeout(() => {
      timer = null;
      if (stopped) return;
      // A failed attempt closes the socket, whose close handler schedules the next one.
      connect().catch(() => undefined);
    }, wait);
  }

  return {
    start: () => connect(),
    async stop() {
      stopped = true;
      if (timer !== null) options.clock.clearTimeout(timer);
      timer = null;
      const ws = socket;
      socket = null;
      if (ws === null || ws.readyState === WebSocket.CLOSED) return;
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.close();
      });
    },
    get connected() {
      return isOpen;
    },
  };
}

function redact(url: string): string {
  return url.replace(/api_key=[^&]*/, 'api_key=***');
}
