import type { Scenario, TimelineEntry } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { fallbackRequests } from '../../src/invariants/fallback.js';
import { fetch, media, observe, runOf } from '../runs.js';
import { fallbackOn500 } from '../scenarios.js';

const statuses = [
  ['initiated', 0],
  ['ringing', 1],
  ['in-progress', 2],
  ['completed', 4],
] as const;
const urlFetch = fetch(2, 'http://app.test/voice', 'in-progress');
const fallbackFetch = fetch(2, 'http://app.test/fallback', 'in-progress', {
  ErrorCode: '11200',
  ErrorUrl: 'http://app.test/voice',
});
const sorry = media(2, 'say', { text: 'Please try again later, we are sorry now' });

function check(timeline: readonly TimelineEntry[], scenario: Scenario = fallbackOn500) {
  const run = runOf({ timeline, statuses, final: { status: 'completed', duration: 2 } });
  return fallbackRequests.check(observe(scenario, run)).map((v) => v.message);
}

describe('fallback', () => {
  it('accepts exactly one fallback request after Url answered 500', () => {
    expect(check([urlFetch, fallbackFetch, sorry, media(4, 'hangup')])).toEqual([]);
  });

  it('reports a missing fallback request', () => {
    expect(check([urlFetch, media(2, 'hangup')])).toEqual([
      'Url fetch http://app.test/voice (t=2) failed: HTTP 500; FallbackUrl http://app.test/fallback was not requested',
    ]);
  });

  it('reports a fallback requested twice', () => {
    expect(check([urlFetch, fallbackFetch, fallbackFetch, sorry, media(4, 'hangup')]).join('\n')).toMatch(
      /the fallback was requested more than once/,
    );
  });

  it('reports a fallback request with the wrong ErrorUrl', () => {
    const wrong = fetch(2, 'http://app.test/fallback', 'in-progress', { ErrorCode: '11200', ErrorUrl: 'x' });
    expect(check([urlFetch, wrong, sorry, media(4, 'hangup')])).toEqual([
      'Url fetch http://app.test/voice (t=2) failed: HTTP 500; the fallback request has ErrorUrl=x',
    ]);
  });

  it('reports a fallback after a failed action request', () => {
    const scenario: Scenario = {
      ...fallbackOn500,
      app: {
        'POST http://app.test/voice': { body: '<Response><Gather action="next"/></Response>' },
        'POST http://app.test/next': { error: 'connect' },
        'POST http://app.test/fallback': { body: '<Response/>' },
      },
    };
    const timeline = [
      urlFetch,
      media(2, 'gather', { input: 'dtmf', timeout: 5 }),
      fetch(3, 'http://app.test/next', 'in-progress', { Digits: '1' }),
      fetch(3, 'http://app.test/fallback', 'in-progress', {
        ErrorCode: '11205',
        ErrorUrl: 'http://app.test/next',
      }),
      media(3, 'hangup'),
    ];
    expect(check(timeline, scenario)).toEqual([
      'action fetch http://app.test/next (t=3) failed: connection refused; it has no fallback, yet http://app.test/fallback was requested with ErrorCode',
    ]);
  });

  it('reports a fallback request when the call has no FallbackUrl', () => {
    const { FallbackUrl: _none, ...call } = fallbackOn500.call ?? {};
    const timeline = [urlFetch, fallbackFetch, sorry, media(4, 'hangup')];
    expect(check(timeline, { ...fallbackOn500, call }).join('\n')).toMatch(/it has no fallback, yet/);
  });

  it('follows HTTP redirect hops before judging the fetch', () => {
    const scenario: Scenario = {
      ...fallbackOn500,
      app: {
        'POST http://app.test/voice': { status: 302, headers: { Location: '/moved' } },
        'POST http://app.test/moved': { status: 503 },
        'POST http://app.test/fallback': { body: '<Response/>' },
      },
    };
    const hop = fetch(2, 'http://app.test/moved', 'in-progress');
    const fb = fetch(2, 'http://app.test/fallback', 'in-progress', {
      ErrorCode: '11200',
      ErrorUrl: 'http://app.test/voice',
    });
    expect(check([urlFetch, hop, fb, media(2, 'hangup')], scenario)).toEqual([]);
    expect(check([urlFetch, hop, media(2, 'hangup')], scenario)).toEqual([
      'Url fetch http://app.test/voice (t=2) failed: HTTP 503; FallbackUrl http://app.test/fallback was not requested',
    ]);
  });

  it('expects no fallback when the caller hung up before the fetch failed', () => {
    const scenario: Scenario = {
      ...fallbackOn500,
      options: { fetchTimeout: 15 },
      app: { 'POST http://app.test/voice': { error: 'hang' } },
      party: [...(fallbackOn500.party ?? []), { at: 3, do: 'hangup' }],
    };
    const run = runOf({ timeline: [urlFetch], statuses: [...statuses.slice(0, 3), ['completed', 3]] });
    expect(fallbackRequests.check(observe(scenario, run))).toEqual([]);
  });
});
