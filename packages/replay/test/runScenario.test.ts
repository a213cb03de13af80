import type { EngineOptions } from '@rcml/core';
import { formatFailure, matchScenario, runScenario, type Scenario, validateScenario } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { createToyEngine, type ToyBugs } from './toyEngine.js';

const toy = (bugs: ToyBugs = {}) => ({ createEngine: (o: EngineOptions) => createToyEngine(o, bugs) });

const inbound = (extra: Partial<Scenario> = {}): Scenario =>
  validateScenario(
    {
      name: 'toy inbound',
      inbound: { From: '+1', To: '+2', Url: 'http://app.test/voice' },
      app: {
        'POST http://app.test/voice': { body: '<Response><Say>Hello there</Say></Response>', delay: 0.5 },
      },
      ...extra,
    },
    'toy.json',
  );

describe('runScenario (with a toy engine)', () => {
  it('records fetches and media ops at simulated times, with deterministic SIDs', async () => {
    const result = await runScenario(inbound(), toy());
    expect(result.outcome.timeline).toEqual([
      {
        kind: 'fetch',
        at: 0,
        method: 'POST',
        url: 'http://app.test/voice',
        params: { CallSid: 'CA00000000000000000000000000000001', CallStatus: 'ringing' },
      },
      { kind: 'media', at: 0.5, op: 'answer' },
      { kind: 'media', at: 0.5, op: 'say', text: 'Hello there', voice: 'man', language: 'en-US', loop: 1 },
      { kind: 'media', at: 1.05, op: 'hangup' },
    ]);
    expect(result.outcome.final).toEqual({ status: 'completed', duration: 0 });
    expect(result.violations).toEqual([]);
    expect(result.leftovers).toEqual({
      pendingTimers: 0,
      inFlightRequests: 0,
      activeCalls: 0,
      liveChannels: 0,
    });
  });

  it('a far-end hang-up stops the media and adds no hangup entry', async () => {
    const result = await runScenario(
      inbound({ media: { sayCharSeconds: 1 }, party: [{ at: 3, do: 'hangup' }] }),
      toy(),
    );
    expect(result.outcome.timeline.map((e) => (e.kind === 'media' ? e.op : e.kind))).toEqual([
      'fetch',
      'answer',
      'say',
    ]);
    expect(result.outcome.final).toEqual({ status: 'completed', duration: 2 });
  });

  it('follows the party script of an outbound call (epoch and options applied)', async () => {
    const scenario = validateScenario(
      {
        name: 'toy outbound',
        options: { epoch: '2026-05-01T12:00:00Z' },
        call: { From: '+1', To: '+2', Url: 'http://app.test/voice' },
        party: [
          { at: 1, do: 'ring' },
          { at: 4, do: 'answer' },
        ],
        app: { 'POST http://app.test/voice': { body: '<Response><Say>abcd</Say></Response>' } },
        expect: {
          timeline: [
            { kind: 'fetch', at: 4, params: { CallStatus: 'in-progress', Digits: null } },
            { kind: 'media', op: 'say', text: 'abcd' },
            { kind: 'media', op: 'hangup', at: 4.2 },
          ],
          final: { status: 'completed', duration: 0 },
        },
      },
      'out.json',
    );
    const result = await runScenario(scenario, toy());
    const match = matchScenario(scenario, result);
    expect(match.ok, formatFailure(result, match)).toBe(true);
  });

  it('busy ends the call busy without any timeline entry', async () => {
    const result = await runScenario(
      validateScenario(
        {
          name: 'busy',
          call: { From: '+1', To: '+2', Url: 'http://app.test/v' },
          party: [{ at: 2, do: 'busy' }],
        },
        'busy.json',
      ),
      toy(),
    );
    expect(result.outcome).toEqual({ timeline: [], final: { status: 'busy', duration: 0 } });
  });

  it('a refused creation is reported with the field at fault, and no call exists', async () => {
    const scenario = validateScenario(
      { name: 'no url', call: { From: '+1', To: '+2' }, expect: { create: { ok: false, field: 'Url' } } },
      'nourl.json',
    );
    const result = await runScenario(scenario, toy());
    expect(result.createError).toMatchObject({ code: 20001, field: 'Url' });
    expect(result.outcome).toEqual({ timeline: [], final: null });
    expect(matchScenario(scenario, result).ok).toBe(true);
    const wrongField = { ...scenario, expect: { create: { ok: false, field: 'To' } } };
    expect(matchScenario(wrongField, result).problems).toEqual([
      'creation was refused naming field "Url", expected "To"',
    ]);
  });

  it('reports a timer left behind and a doubled final state as invariant failures', async () => {
    const leak = await runScenario(inbound(), toy({ leakTimer: true }));
    expect(leak.violations).toEqual(['1 timer(s) still pending after the call ended']);
    const twice = await runScenario(inbound(), toy({ doubleFinal: true }));
    expect(twice.violations.join('\n')).toMatch(/more than one final state/);
    expect(matchScenario(inbound(), twice).ok).toBe(false);
  });

  it('an application that hangs leaves the request in flight, which is reported', async () => {
    const result = await runScenario(
      inbound({ app: { 'POST http://app.test/voice': { error: 'hang' } } }),
      toy(),
    );
    expect(result.violations).toContain('the call did not end: its status is still "queued"');
    expect(result.leftovers.inFlightRequests).toBe(1);
  });
});
