/**
 * The queues and conferences of a test engine that has none: lists are empty, lookups find
 * nothing, and what would create or change one throws. Shared by the fake engines of the
 * HTTP layer's tests (`packages/api/test/fakeEngine.ts`) and the replay runner's
 * (`packages/replay/test/toyEngine.ts`).
 */
import type { Engine } from '@rcml/core';

/** `engine.queues` with no queue. */
export function emptyQueues(): Engine['queues'] {
  return {
    create: () => {
      throw new Error('no queues in the fake engine');
    },
    get: () => undefined,
    list: () => ({ items: [], page: 0, pageSize: 50, total: 0 }),
    update: () => {
      throw new Error('no queues in the fake engine');
    },
    remove: () => {},
    members: () => ({ items: [], page: 0, pageSize: 50, total: 0 }),
    member: () => undefined,
    dequeue: () => {
      throw new Error('no queues in the fake engine');
    },
  };
}

/** `engine.conferences` with no conference. */
export function emptyConferences(): Engine['conferences'] {
  return {
    get: () => undefined,
    findActive: () => undefined,
    list: () => ({ items: [], page: 0, pageSize: 50, total: 0 }),
    end: () => {
      throw new Error('no conferences in the fake engine');
    },
    participants: () => ({ items: [], page: 0, pageSize: 50, total: 0 }),
    participant: () => undefined,
    update: async () => {
      throw new Error('no conferences in the fake engine');
    },
    kick: () => {},
  };
}
