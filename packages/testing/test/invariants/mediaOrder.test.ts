import type { Scenario, TimelineEntry } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { mediaOrder } from '../../src/invariants/mediaOrder.js';
import { fetch, media, observe, runOf } from '../runs.js';
import { inboundPauseFirst, outboundAllEvents } from '../scenarios.js';

const inboundStatuses = [
  ['ringing', 0],
  ['in-progress', 3],
  ['completed', 4],
] as const;
const welcome = media(3, 'say', { text: 'Welcome to the store' });
const good = [
  fetch(0, 'http://app.test/voice', 'ringing'),
  media(0, 'pause', { length: 3 }),
  media(3, 'answer'),
  welcome,
  media(4, 'hangup'),
];

function check(timeline: readonly TimelineEntry[], scenario: Scenario = inboundPauseFirst) {
  const statuses =
    scenario.inbound === undefined
      ? ([
          ['in-progress', 4],
          ['completed', 6],
        ] as const)
      : inboundStatuses;
  return mediaOrder.check(observe(scenario, runOf({ timeline, statuses }))).map((v) => v.message);
}

describe('media-order', () => {
  it('accepts pause, then answer, then say on an inbound call', () => {
    expect(check(good)).toEqual([]);
  });

  it('reports a say before the inbound call was answered', () => {
    const early = [
      good[0],
      media(0, 'say', { text: 'hi' }),
      media(0, 'answer'),
      media(1, 'hangup'),
    ] as TimelineEntry[];
    expect(check(early)).toEqual(['media say at t=0 before the inbound call was answered']);
  });

  it('reports a second answer', () => {
    expect(check([...good.slice(0, 4), media(3, 'answer'), media(4, 'hangup')])).toEqual([
      'media answer at t=3: the call was already answered',
    ]);
  });

  it("reports a media operation after the engine's own hangup", () => {
    expect(check([...good, media(4, 'play', { url: 'x' })])).toEqual([
      "media play at t=4 after the engine's media hangup at t=4",
    ]);
  });

  it('reports a media operation after the caller hung up', () => {
    const scenario: Scenario = { ...inboundPauseFirst, party: [{ at: 3.5, do: 'hangup' }] };
    const timeline = good.slice(0, 4).concat(media(4, 'say', { text: 'are you there' }));
    expect(check(timeline, scenario)).toEqual(['media say at t=4 after the far end hung up at t=3.5']);
  });

  it('reports an answer operation on an outbound call and media before the far end answered', () => {
    const timeline = [
      media(3, 'say', { text: 'early' }),
      fetch(4, 'http://app.test/voice', 'in-progress'),
      media(4, 'answer'),
    ];
    expect(check(timeline, outboundAllEvents)).toEqual([
      'media say at t=3 before the far end answered at t=4',
      'media answer at t=4: the engine answered an outbound call',
    ]);
  });
});

describe('media-order: requests after the far end hung up', () => {
  const hungUp: Scenario = { ...inboundPauseFirst, party: [{ at: 3.5, do: 'hangup' }] };
  const statuses = [
    ['ringing', 0],
    ['in-progress', 3],
    ['completed', 3.5],
  ] as const;
  const run = (extra: TimelineEntry) => runOf({ timeline: [...good.slice(0, 4), extra], statuses });

  it('allows the Dial or Record action that the end causes', () => {
    const action = fetch(4, 'http://app.test/dial-done', 'completed', { DialCallStatus: 'completed' });
    expect(mediaOrder.check(observe(hungUp, run(action)))).toEqual([]);
  });

  it('reports a Gather submission after the hang-up', () => {
    const submit = fetch(4, 'http://app.test/menu', 'completed', { Digits: '1' });
    expect(mediaOrder.check(observe(hungUp, run(submit))).map((v) => v.message)).toEqual([
      'fetch POST http://app.test/menu CallStatus=completed at t=4 after the far end hung up at t=3.5',
    ]);
  });
});
