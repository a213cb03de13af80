import { type CallRuntime, type CallStatus, callMachine, createSimulatedClock } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';

/**
 * A runtime that records the statuses entered and the effects asked for (`log`: both, in
 * order); `nextVerb` says whether the document has a verb after the current one.
 */
function start(ringTimeoutMs = 60_000, nextVerb = false) {
  const clock = createSimulatedClock();
  const entered: CallStatus[] = [];
  const effects: string[] = [];
  const log: string[] = [];
  const effect = (name: string) => () => {
    effects.push(name);
    log.push(name);
  };
  const runtime: CallRuntime = {
    ringTimeoutMs,
    detectionTimeoutMs: 30_000,
    answered: false,
    awaitsDetection: () => false,
    hasDigitsToSend: () => false,
    hasFallback: () => false,
    hasNextVerb: () => nextVerb,
    verbFinishesItself: () => false,
    enter: (status) => {
      if (!entered.includes(status)) entered.push(status);
      log.push(`enter ${status}`);
    },
    answeredByVerb: effect('answeredByVerb'),
    originate: effect('originate'),
    pickUp: effect('pickUp'),
    detected: effect('detected'),
    startFromPickUp: effect('startFromPickUp'),
    cancelAttempt: effect('cancelAttempt'),
    hangupChannel: effect('hangupChannel'),
    takeTarget: effect('takeTarget'),
    startSendDigits: effect('startSendDigits'),
    startFetch: effect('startFetch'),
    startFallback: effect('startFallback'),
    loadDocument: effect('loadDocument'),
    startVerb: effect('startVerb'),
    advance: effect('advance'),
    abortStep: effect('abortStep'),
    verbHearsHangup: effect('verbHearsHangup'),
    requestAfterHangup: effect('requestAfterHangup'),
    finalize: effect('finalize'),
    resume: effect('resume'),
  };
  const actor = createActor(callMachine, { clock, input: { runtime } });
  actor.start();
  return { clock, entered, effects, log, actor };
}

const loaded = { ok: true, url: 'http://app.test/', warnings: [], document: { verbs: [{}] } } as never;

describe('callMachine (one machine per call)', () => {
  it('outbound: dials, rings, answers, fetches, runs the verb, ends completed; a final state never changes', () => {
    const { actor, entered, effects } = start();
    actor.send({ type: 'DIAL' });
    actor.send({ type: 'CHANNEL.RINGING' });
    actor.send({ type: 'CHANNEL.ANSWERED' });
    expect(actor.getSnapshot().value).toEqual({ session: 'fetching' });
    actor.send({ type: 'FETCH.DONE', loaded });
    actor.send({ type: 'VERB.DONE', outcome: { kind: 'hangup' } });
    actor.send({ type: 'CHANNEL.BUSY' });
    expect(entered).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(effects).toEqual([
      'originate',
      'pickUp',
      'startFetch',
      'loadDocument',
      'startVerb',
      'hangupChannel',
      'finalize',
    ]);
    expect(actor.getSnapshot().status).toBe('done');
  });

  it('the ring timeout runs on the injected clock and ends the call no-answer (the attempt canceled)', () => {
    const { actor, entered, effects, clock } = start(7000);
    actor.send({ type: 'DIAL' });
    expect(clock.pending).toBe(1);
    clock.fireNext();
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(7000);
    expect(entered).toEqual(['initiated', 'no-answer']);
    expect(effects).toEqual(['originate', 'cancelAttempt', 'finalize']);
  });

  it('an answer clears the ring timeout', () => {
    const { actor, clock } = start();
    actor.send({ type: 'DIAL' });
    actor.send({ type: 'CHANNEL.ANSWERED' });
    expect(clock.pending).toBe(0);
  });

  it('a live change stops the running verb and waits for it to settle before fetching', () => {
    const { actor, effects } = start();
    for (const type of ['DIAL', 'CHANNEL.ANSWERED'] as const) actor.send({ type });
    actor.send({ type: 'FETCH.DONE', loaded });
    effects.length = 0;
    actor.send({ type: 'REDIRECT', target: { url: 'http://app.test/next' } as never });
    expect(actor.getSnapshot().value).toEqual({ session: { stopping: 'forRedirect' } });
    expect(effects).toEqual(['takeTarget', 'abortStep']);
    actor.send({ type: 'STEP.ABORTED' });
    expect(actor.getSnapshot().value).toEqual({ session: 'fetching' });
    expect(effects).toEqual(['takeTarget', 'abortStep', 'startFetch']);
  });

  it('a hang-up during a verb: completed at once, the final state only once the step settled', () => {
    const { actor, entered, effects } = start();
    for (const type of ['DIAL', 'CHANNEL.ANSWERED'] as const) actor.send({ type });
    actor.send({ type: 'FETCH.DONE', loaded });
    actor.send({ type: 'CHANNEL.HANGUP' });
    expect(entered.at(-1)).toBe('completed');
    expect(actor.getSnapshot().value).toEqual({ session: 'afterHangup' });
    expect(effects).not.toContain('finalize');
    actor.send({ type: 'STEP.ABORTED' });
    expect(actor.getSnapshot().value).toBe('completed');
    expect(effects.at(-1)).toBe('finalize');
    expect(effects).not.toContain('hangupChannel');
  });

  it('a verb ending with a next verb in the document advances and runs it, staying in the verb state', () => {
    const { actor, effects } = start(60_000, true);
    for (const type of ['DIAL', 'CHANNEL.ANSWERED'] as const) actor.send({ type });
    actor.send({ type: 'FETCH.DONE', loaded });
    effects.length = 0;
    actor.send({ type: 'VERB.DONE', outcome: { kind: 'next' } });
    expect(effects).toEqual(['advance', 'startVerb']);
    expect(actor.getSnapshot().value).toEqual({ session: 'verb' });
  });

  it('a verb asking for another document takes its target and fetches it', () => {
    const { actor, effects } = start();
    for (const type of ['DIAL', 'CHANNEL.ANSWERED'] as const) actor.send({ type });
    actor.send({ type: 'FETCH.DONE', loaded });
    effects.length = 0;
    actor.send({ type: 'VERB.DONE', outcome: { kind: 'fetch', url: 'http://app.test/next' } as never });
    expect(effects).toEqual(['takeTarget', 'startFetch']);
    expect(actor.getSnapshot().value).toEqual({ session: 'fetching' });
  });

  it('a second live change while the verb is stopping takes the newer target', () => {
    const { actor, effects } = start();
    for (const type of ['DIAL', 'CHANNEL.ANSWERED'] as const) actor.send({ type });
    actor.send({ type: 'FETCH.DONE', loaded });
    effects.length = 0;
    actor.send({ type: 'REDIRECT', target: { url: 'http://app.test/a' } as never });
    actor.send({ type: 'REDIRECT', target: { url: 'http://app.test/b' } as never });
    expect(effects).toEqual(['takeTarget', 'abortStep', 'takeTarget']);
    actor.send({ type: 'STEP.ABORTED' });
    expect(effects.at(-1)).toBe('startFetch');
  });

  it('a call ended while ringing is canceled before its attempt is (the status first, then the driver)', () => {
    const ringing = start();
    ringing.actor.send({ type: 'DIAL' });
    ringing.actor.send({ type: 'CHANNEL.RINGING' });
    ringing.log.length = 0;
    ringing.actor.send({ type: 'END', kind: 'canceled' });
    expect(ringing.log).toEqual(['enter canceled', 'cancelAttempt', 'enter canceled', 'finalize']);
    expect(ringing.actor.getSnapshot().value).toBe('canceled');
  });
});
