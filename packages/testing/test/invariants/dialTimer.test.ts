import type { Scenario, TimelineEntry } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/checkScenario.js';
import { dialTimer } from '../../src/invariants/dialTimer.js';
import { fetch, media, observe, runOf } from '../runs.js';
import { inboundPauseFirst } from '../scenarios.js';

// An inbound caller dials a target that never answers, with a 5 s timeout and an action.
const scenario: Scenario = {
  ...inboundPauseFirst,
  party: [{ at: 30, do: 'hangup' }],
  app: {
    'POST http://app.test/voice': {
      body: '<Response><Dial timeout="5" action="/done">+15550004444</Dial></Response>',
    },
    'POST http://app.test/done': { body: '<Response><Say>Nobody answered</Say></Response>' },
  },
};
const statuses = [
  ['ringing', 0],
  ['in-progress', 0],
  ['completed', 30],
] as const;
const start: TimelineEntry[] = [
  fetch(0, 'http://app.test/voice', 'ringing'),
  media(0, 'answer'),
  media(0, 'dial', { targets: [{ type: 'number', to: '+15550004444' }], timeout: 5, timeLimit: 14400 }),
];
const check = (timeline: readonly TimelineEntry[], s = scenario) =>
  dialTimer.check(observe(s, runOf({ timeline, statuses }))).map((v) => v.message);

describe('dial-timer', () => {
  it('accepts a Dial that ends at its timeout', () => {
    expect(
      check([...start, fetch(5, 'http://app.test/done', 'in-progress', { DialCallStatus: 'no-answer' })]),
    ).toEqual([]);
  });

  it('reports a Dial timer that never fired, or fired early', () => {
    expect(check(start)).toEqual([
      'dial at t=0 was not answered; its timeout should have ended it at t=5 but nothing followed',
    ]);
    expect(check([...start, fetch(2, 'http://app.test/done', 'in-progress')])).toEqual([
      'dial at t=0 was not answered; its timeout should have ended it at t=5 but the next step came at t=2',
    ]);
  });

  it('does not judge a Dial whose target did something', () => {
    const busy: Scenario = { ...scenario, dialed: { '+15550004444': [{ after: 1, do: 'busy' }] } };
    expect(check([...start, fetch(1, 'http://app.test/done', 'in-progress')], busy)).toEqual([]);
  });

  it('holds on the real engine', async () => {
    const { violations, observation } = await checkScenario(scenario);
    expect(violations).toEqual([]);
    const action = observation.run?.outcome.timeline.find(
      (e) => e.kind === 'fetch' && e.url === 'http://app.test/done',
    );
    expect(action?.at).toBe(5);
  });
});
