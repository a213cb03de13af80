import { describe, expect, it } from 'vitest';
import { singleFinalState } from '../../src/invariants/finalState.js';
import { fetch, media, observe, progress, type RunSpec, runOf } from '../runs.js';
import { outboundAllEvents } from '../scenarios.js';

const say = media(4, 'say', {
  text: 'Your order has shipped and arrives today',
  voice: 'man',
  language: 'en-US',
  loop: 1,
});
const good: RunSpec = {
  timeline: [
    progress(0, 'initiated', 0),
    progress(1, 'ringing', 1),
    progress(4, 'in-progress', 2),
    fetch(4, 'http://app.test/voice', 'in-progress'),
    say,
    media(6, 'hangup'),
    progress(6, 'completed', 3, { CallDuration: '2' }),
  ],
  statuses: [
    ['queued', 0],
    ['initiated', 0],
    ['ringing', 1],
    ['in-progress', 4],
    ['completed', 6],
  ],
  final: { status: 'completed', duration: 2 },
};

const check = (spec: RunSpec) =>
  singleFinalState.check(observe(outboundAllEvents, runOf(spec))).map((v) => v.message);

describe('single-final-state', () => {
  it('accepts a call that ends once and leaves nothing behind', () => {
    expect(check(good)).toEqual([]);
  });

  it('reports a second final state', () => {
    const messages = check({ ...good, statuses: [...good.statuses, ['failed', 7]] });
    expect(messages.join('\n')).toMatch(/reached 2 final states: completed, failed/);
  });

  it('reports a state change after the final state', () => {
    expect(check({ ...good, statuses: [...good.statuses, ['in-progress', 7]] }).join('\n')).toMatch(
      /changed to in-progress at t=7 after its final state completed/,
    );
  });

  it('reports a media operation after the call ended', () => {
    const late = media(8, 'say', { text: 'still talking' });
    expect(check({ ...good, timeline: [...good.timeline, late] })).toEqual([
      'media say at t=8 after the call ended at t=6',
    ]);
  });

  it('reports a document fetch that runs after the call ended', () => {
    const late = fetch(9, 'http://app.test/next', 'in-progress');
    expect(check({ ...good, timeline: [...good.timeline, late] }).join('\n')).toMatch(
      /document fetch http:\/\/app.test\/next at t=9 after the call ended, with CallStatus=in-progress/,
    );
  });

  it('allows the action request that the end itself causes (CallStatus=completed)', () => {
    const action = fetch(6, 'http://app.test/dial-done', 'completed');
    expect(check({ ...good, timeline: [...good.timeline, action] })).toEqual([]);
  });

  it('reports leftovers: a pending timer, a request in flight, a live call', () => {
    expect(check({ ...good, leftovers: { pendingTimers: 1, inFlightRequests: 2, activeCalls: 1 } })).toEqual([
      '1 timer(s) still pending after the run',
      '2 request(s) still in flight after the run',
      '1 call(s) still live after the run',
    ]);
  });

  it('reports a call that never reached a final state', () => {
    const messages = check({ ...good, statuses: good.statuses.slice(0, 4), final: null });
    expect(messages).toContain('the call never reached a final state');
  });

  it('reports an outcome that disagrees with the status events', () => {
    expect(check({ ...good, final: { status: 'busy', duration: 0 } })).toEqual([
      "outcome says busy but the call's final status event is completed",
    ]);
  });
});
