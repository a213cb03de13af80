/**
 * One inbound call on the simulated driver in real time (system clock) against a real
 * media-stream agent: the engine's HTTP port is an in-memory application serving `documents`
 * by URL and recording every request; streams go through `createStreamPort` of @rcml/webhook.
 */
import {
  createEngine,
  type Engine,
  type EngineEvent,
  type HttpPort,
  type HttpRequest,
  systemClock,
} from '@rcml/core';
import { createSimulatedDriver, type SimulatedCall, type SimulatedDriver } from '@rcml/driver';
import { createStreamPort, type StreamPortOptions } from '@rcml/webhook';

export const APP = 'http://app.test';
export const AUTH_TOKEN = 'stream-test-token';

export interface CallWorld {
  readonly engine: Engine;
  readonly driver: SimulatedDriver;
  readonly call: SimulatedCall;
  readonly callSid: string;
  readonly requests: HttpRequest[];
  readonly events: EngineEvent[];
  /** Resolves once the call reached its final state and its callbacks were sent. */
  readonly ended: Promise<void>;
}

/** Start an inbound call whose first document is `documents['/voice']`. */
export function startCall(
  documents: Readonly<Record<string, string>>,
  options: { readonly streams?: StreamPortOptions; readonly statusCallback?: boolean } = {},
): CallWorld {
  const requests: HttpRequest[] = [];
  const http: HttpPort = {
    send(request) {
      requests.push(request);
      const path = new URL(request.url).pathname;
      const body = documents[path];
      return Promise.resolve(
        body === undefined
          ? { status: 404, contentType: 'text/plain', location: null, body: '' }
          : { status: 200, contentType: 'text/xml', location: null, body },
      );
    },
  };
  const driver = createSimulatedDriver({ clock: systemClock });
  const engine = createEngine({
    driver,
    http,
    clock: systemClock,
    streams: createStreamPort({ authToken: AUTH_TOKEN, ...options.streams }),
    callbackRetry: { delaysMs: [] },
  });
  const events: EngineEvent[] = [];
  let resolveEnded!: () => void;
  const ended = new Promise<void>((r) => {
    resolveEnded = r;
  });
  engine.subscribe((event) => {
    events.push(event);
    if (event.type === 'progress' && event.event === 'completed') resolveEnded();
  });
  const call = driver.inbound({ from: '+15550001111', to: '+15552223333' });
  const record = engine.inbound(
    {
      From: '+15550001111',
      To: '+15552223333',
      Url: `${APP}/voice`,
      StatusCallback: `${APP}/status`,
      StatusCallbackEvent: 'completed',
    },
    call.channel,
  );
  return { engine, driver, call, callSid: record.sid, requests, events, ended };
}

/** The requests to `path` (fetches and callbacks), in order. */
export function requestsTo(world: CallWorld, path: string): HttpRequest[] {
  return world.requests.filter((r) => new URL(r.url).pathname === path);
}

/** The notices of the call, as `code: message`. */
export function notices(world: CallWorld): string[] {
  return world.events.flatMap((e) => (e.type === 'notice' ? [`${e.code}: ${e.message}`] : []));
}
