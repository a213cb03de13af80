/**
 * The Calls API over the real engine, for the tests of what TwiML clients send: a driver
 * whose calls are answered at once by a far end that waits, and an application that answers
 * every request with a long `<Pause>`, so a call stays live while the test looks at it.
 */
import {
  type Channel,
  createEngine,
  createSequentialIds,
  createSimulatedClock,
  type DriverCapabilities,
  type Engine,
  type HttpRequest,
  type OriginateRequest,
} from '@rcml/core';
import { stubChannel } from '../../core/test/engine/stubChannel.js';
import { createCallsApiServer } from '../src/index.js';
import { ACCOUNT, TOKEN } from './helpers.js';

/** A far end that answers at once, does everything instantly and pauses until abandoned. */
export function waitingChannel(overrides: Partial<Channel> = {}): Channel {
  return stubChannel({
    listen(handler) {
      queueMicrotask(() => handler.answered());
    },
    pause: (_request, signal) =>
      new Promise<void>((_resolve, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
    ...overrides,
  });
}

/** The engine, the API's URL, and how to close the server. */
export interface EngineApi {
  readonly engine: Engine;
  readonly url: string;
  close(): Promise<void>;
}

/** The real engine (simulated clock, sequential ids) behind a listening Calls API server. */
export async function startEngineApi(options: {
  readonly capabilities: DriverCapabilities;
  readonly originate: (request: OriginateRequest) => Channel;
  /** Sees every request the engine sends to the application. */
  readonly onRequest: (request: HttpRequest) => void;
  /** Called with the engine before the server starts (e.g. to subscribe). */
  readonly created?: (engine: Engine) => void;
}): Promise<EngineApi> {
  const engine = createEngine({
    driver: { capabilities: options.capabilities, originate: options.originate },
    http: {
      send: async (request) => {
        options.onRequest(request);
        return {
          status: 200,
          contentType: 'text/xml',
          location: null,
          body: '<Response><Pause length="60"/></Response>',
        };
      },
    },
    clock: createSimulatedClock(),
    ids: createSequentialIds(),
    accountSid: ACCOUNT,
  });
  options.created?.(engine);
  const server = createCallsApiServer({
    engine,
    accounts: (sid) => (sid === ACCOUNT ? TOKEN : undefined),
    settleMs: 0,
  });
  const url = await server.listen();
  return { engine, url, close: () => server.close() };
}
