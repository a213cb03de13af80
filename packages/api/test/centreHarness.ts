/**
 * The real engine on the simulated driver and a simulated clock behind a listening Calls API
 * server, with the official `twilio` client pointed at it: for the Recordings, Queues and
 * Conferences resources. Time moves only when a test calls `advance`.
 */
import {
  createEngine,
  createMemoryRecordingStore,
  createSequentialIds,
  createSimulatedClock,
  type Engine,
  type EngineEvent,
  type HttpRequest,
  type SimulatedClock,
} from '@rcml/core';
import { createSimulatedDriver, type SimulatedDriver } from '@rcml/driver';
import twilio from 'twilio';
import { createCallsApiServer } from '../src/index.js';
import { ACCOUNT, TOKEN } from './helpers.js';
import { loopbackHttpClient } from './twilioHttpClient.js';

/** The application: `"<METHOD> <url>"` → a document, or a function of the request's parameters. */
export type AppRoutes = Record<string, string | ((params: Readonly<Record<string, string>>) => string)>;

export interface Centre {
  readonly url: string;
  readonly engine: Engine;
  readonly driver: SimulatedDriver;
  readonly clock: SimulatedClock;
  readonly client: ReturnType<typeof twilio>;
  /** Every request the engine made. */
  readonly requests: HttpRequest[];
  readonly events: EngineEvent[];
  /** Let `seconds` of simulated time pass, settling promises between timers. */
  advance(seconds: number): Promise<void>;
  close(): Promise<void>;
}

const settle = async () => {
  for (let i = 0; i < 8; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

/** Start the engine, driver, application and server. */
export async function startCentre(app: AppRoutes): Promise<Centre> {
  const clock = createSimulatedClock();
  const driver = createSimulatedDriver({ clock });
  const requests: HttpRequest[] = [];
  const events: EngineEvent[] = [];
  let base = '';
  const engine = createEngine({
    driver,
    clock,
    ids: createSequentialIds(),
    accountSid: ACCOUNT,
    recordingStore: createMemoryRecordingStore(),
    recordingUrl: ({ sid, accountSid }) => `${base}/2010-04-01/Accounts/${accountSid}/Recordings/${sid}`,
    http: {
      async send(request) {
        requests.push(request);
        const route = app[`${request.method} ${request.url}`];
        if (route === undefined) return { status: 404, contentType: null, location: null, body: '' };
        const body = typeof route === 'string' ? route : route(request.params);
        return { status: 200, contentType: 'text/xml', location: null, body };
      },
    },
  });
  engine.subscribe((event) => events.push(event));
  const server = createCallsApiServer({
    engine,
    accounts: (sid) => (sid === ACCOUNT ? TOKEN : undefined),
    settleMs: 0,
  });
  const url = await server.listen();
  base = url;
  const client = twilio(ACCOUNT, TOKEN, { httpClient: loopbackHttpClient(url) as never });
  return {
    url,
    engine,
    driver,
    clock,
    client,
    requests,
    events,
    async advance(seconds) {
      const target = clock.now() + seconds * 1000;
      clock.schedule(target, () => {}, 1_000_000);
      await settle();
      for (;;) {
        const due = clock.nextDue();
        if (due === undefined || due > target) break;
        clock.fireNext();
        await settle();
      }
    },
    async close() {
      await engine.shutdown({ deadlineMs: 0 });
      await server.close();
    },
  };
}

/** The parameters of the engine's requests to `url`. */
export function requestsTo(centre: Centre, url: string): Readonly<Record<string, string>>[] {
  return centre.requests.filter((r) => r.url === url).map((r) => r.params);
}
