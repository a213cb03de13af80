/**
 * An engine for tests that drive calls by hand (several calls on one engine, channels with
 * their own behaviour): a driver whose outbound legs are stub channels, the given simulated
 * clock, sequential ids, and an app that answers every request 200 text/xml with the body
 * `respond` gives (which may also note the request).
 */
import {
  createEngine,
  createSequentialIds,
  type Engine,
  type HttpRequest,
  type SimulatedClock,
} from '@rcml/core';
import { stubChannel } from './stubChannel.js';

export function appEngine(clock: SimulatedClock, respond: (request: HttpRequest) => string): Engine {
  return createEngine({
    driver: {
      capabilities: { ssml: false, speech: false, voicemailDetection: false },
      originate: () => stubChannel(),
    },
    http: {
      send: async (request: HttpRequest) => ({
        status: 200,
        contentType: 'text/xml',
        location: null,
        body: respond(request),
      }),
    },
    clock,
    ids: createSequentialIds(),
  });
}
