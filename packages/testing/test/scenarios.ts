/** The scenarios that produced the hand-written runs of the invariant tests. */
import type { Scenario } from '@rcml/replay';

/** Outbound call subscribed to all four events; the app says one sentence (2 s). */
export const outboundAllEvents: Scenario = {
  name: 'outbound answered call with all four progress events',
  call: {
    From: '+15550002222',
    To: '+15550001111',
    Url: 'http://app.test/voice',
    StatusCallback: 'http://app.test/status',
    StatusCallbackEvent: 'initiated ringing answered completed',
  },
  party: [
    { at: 1, do: 'ring' },
    { at: 4, do: 'answer' },
  ],
  app: {
    'POST http://app.test/voice': {
      body: '<Response><Say>Your order has shipped and arrives today</Say></Response>',
    },
    'POST http://app.test/status': { status: 200 },
  },
};

/** Outbound call whose Url answers 500, with a FallbackUrl. */
export const fallbackOn500: Scenario = {
  name: 'Url answering 500 makes the engine request FallbackUrl',
  call: {
    From: '+15550002222',
    To: '+15550001111',
    Url: 'http://app.test/voice',
    FallbackUrl: 'http://app.test/fallback',
  },
  party: [
    { at: 1, do: 'ring' },
    { at: 2, do: 'answer' },
  ],
  app: {
    'POST http://app.test/voice': { status: 500, type: 'text/plain', body: 'internal error' },
    'POST http://app.test/fallback': {
      body: '<Response><Say>Please try again later, we are sorry now</Say></Response>',
    },
  },
};

/** Inbound call: Pause first delays the answer, then a Say. */
export const inboundPauseFirst: Scenario = {
  name: 'Pause before any media verb delays the answer',
  inbound: { From: '+15550001111', To: '+15550002222', Url: 'http://app.test/voice' },
  party: [],
  app: {
    'POST http://app.test/voice': {
      body: '<Response><Pause length="3"/><Say>Welcome to the store</Say></Response>',
    },
  },
};
