/** StatusCallbackEvent parsing and the progress reporter's contract. */
import { describe, expect, it } from 'vitest';
import type { CallbackQueue } from '../../src/callbacks/callbackQueue.js';
import { ProgressReporter, parseProgressEvents } from '../../src/callbacks/progress.js';
import { callIdentity } from '../callIdentity.js';

const call = callIdentity({ status: 'ringing' });

describe('StatusCallbackEvent', () => {
  it('accepts events separated by commas and spaces', () => {
    expect([...parseProgressEvents(' ringing, answered  completed')]).toEqual([
      'ringing',
      'answered',
      'completed',
    ]);
  });

  it('an unknown event is error 20001 naming the field, the event and the known ones', () => {
    expect(() => parseProgressEvents('ringing,busy', 'StatusCallbackEvent')).toThrow(
      'StatusCallbackEvent: unknown event "busy" (expected initiated, ringing, answered, completed)',
    );
  });
});

describe('ProgressReporter', () => {
  it('builds no parameters when the event is neither subscribed to nor described', () => {
    const sent: unknown[] = [];
    const queue = { enqueue: (...args: unknown[]) => sent.push(args) } as unknown as CallbackQueue;
    const reporter = new ProgressReporter({ url: null, method: 'POST', events: new Set(['ringing']) }, queue);
    expect(reporter.report('ringing', call, 0, null, false)).toBeNull();
    const unsubscribed = new ProgressReporter(
      { url: 'http://app.test/s', method: 'POST', events: new Set(['completed']) },
      queue,
    );
    expect(unsubscribed.report('ringing', call, 0, null, false)).toBeNull();
    expect(unsubscribed.report('answered', call, 0, null, true)).toMatchObject({
      CallbackSource: 'call-progress-events',
      Timestamp: 'Thu, 01 Jan 1970 00:00:00 +0000',
    });
    expect(sent).toEqual([]);
  });
});
