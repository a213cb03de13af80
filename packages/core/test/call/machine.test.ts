import { type CallStatus, callLifecycle, createSimulatedClock } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { createActor } from 'xstate';

function start(ringTimeoutMs = 60_000) {
  const clock = createSimulatedClock();
  const entered: CallStatus[] = [];
  const actor = createActor(callLifecycle, {
    clock,
    input: { hooks: { entered: (s) => entered.push(s) }, ringTimeoutMs },
  });
  actor.start();
  return { clock, entered, actor };
}

describe('the call lifecycle machine (spec 1.1)', () => {
  it('outbound: initiated → ringing → in-progress → completed, and a final state never changes', () => {
    const { actor, entered, clock } = start();
    for (const type of ['DIAL', 'RING', 'ANSWER', 'COMPLETE', 'BUSY', 'ANSWER'] as const)
      actor.send({ type });
    expect(entered).toEqual(['initiated', 'ringing', 'in-progress', 'completed']);
    expect(actor.getSnapshot().status).toBe('done');
    expect(clock.pending).toBe(0);
  });

  it('the ring timeout runs on the injected clock and ends the call no-answer', () => {
    const { actor, entered, clock } = start(7000);
    actor.send({ type: 'DIAL' });
    expect(clock.pending).toBe(1);
    clock.fireNext();
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(7000);
    expect(entered).toEqual(['initiated', 'no-answer']);
  });

  it('an answer clears the ring timeout', () => {
    const { actor, clock } = start();
    actor.send({ type: 'DIAL' });
    actor.send({ type: 'ANSWER' });
    expect(clock.pending).toBe(0);
  });

  it('inbound arrives ringing; a ringing call asked to complete is canceled only when outbound', () => {
    const inbound = start();
    inbound.actor.send({ type: 'ARRIVE' });
    inbound.actor.send({ type: 'COMPLETE' });
    expect(inbound.entered).toEqual(['ringing', 'completed']);
    const outbound = start();
    outbound.actor.send({ type: 'DIAL' });
    outbound.actor.send({ type: 'COMPLETE' });
    expect(outbound.entered).toEqual(['initiated', 'canceled']);
  });

  it('an application failure ends an answered call completed, a never-answered one failed', () => {
    const answered = start();
    answered.actor.send({ type: 'ARRIVE' });
    answered.actor.send({ type: 'ANSWER' });
    answered.actor.send({ type: 'FAIL' });
    expect(answered.entered.at(-1)).toBe('completed');
    const ringing = start();
    ringing.actor.send({ type: 'ARRIVE' });
    ringing.actor.send({ type: 'FAIL' });
    expect(ringing.entered.at(-1)).toBe('failed');
  });
});

describe('voicemail detection wait', () => {
  it('waits for the result after the answer, at most detectionTimeoutMs, without the ring timeout', () => {
    const clock = createSimulatedClock();
    const entered: CallStatus[] = [];
    let timedOut = 0;
    const actor = createActor(callLifecycle, {
      clock,
      input: {
        hooks: { entered: (s) => entered.push(s), detectionTimedOut: () => timedOut++ },
        ringTimeoutMs: 60_000,
        detectionTimeoutMs: 4000,
      },
    });
    actor.start();
    actor.send({ type: 'DIAL' });
    actor.send({ type: 'DETECT' });
    expect(clock.pending).toBe(1);
    clock.fireNext();
    expect(clock.now() - Date.UTC(2026, 0, 1)).toBe(4000);
    expect(timedOut).toBe(1);
    expect(entered).toEqual(['initiated', 'in-progress']);
  });
});
