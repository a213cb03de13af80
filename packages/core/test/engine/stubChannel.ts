/** Test set-up: a channel that does nothing, for tests about the engine rather than media. */
import type { Channel } from '@rcml/core';

/** A channel whose every operation settles at once (no `cancel`); `overrides` replace some. */
export function stubChannel(overrides: Partial<Channel> = {}): Channel {
  const op = async () => {};
  return {
    id: 'x',
    listen() {},
    answer: op,
    say: op,
    play: async () => ({ ok: true }),
    sendDigits: op,
    pause: op,
    gather: op,
    record: async () => ({ stop: async () => ({ url: '' }) }),
    dial: () => ({ legs: [], bridge: op }),
    hangup: op,
    reject: op,
    ...overrides,
  };
}
