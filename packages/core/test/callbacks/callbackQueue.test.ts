/**
 * The per-call dispatcher on its own (`@rcml/core/callbacks`), with a simulated clock and a
 * port whose every answer the test decides: the states the engine-level tests reach only
 * through whole calls (an attempt cut by its timeout, a late answer, a port that throws,
 * shutdown while a retry waits).
 */
import { createSimulatedClock, type HttpPort, type HttpRequest, type HttpResponse } from '@rcml/core';
import { type CallbackContext, CallbackQueue, ControllerPool } from '@rcml/core/callbacks';
import { describe, expect, it } from 'vitest';

const OK: HttpResponse = { status: 204, contentType: null, location: null, body: '' };

interface Sent {
  readonly request: HttpRequest;
  readonly at: number;
  answer(response: HttpResponse): void;
  fail(error: unknown): void;
}

/** A port that records each request and leaves it pending until the test settles it. */
function manualPort(clock: { now(): number }): { port: HttpPort; sent: Sent[] } {
  const sent: Sent[] = [];
  const port: HttpPort = {
    send(request) {
      return new Promise((resolve, reject) => {
        sent.push({ request, at: clock.now(), answer: resolve, fail: reject });
      });
    },
  };
  return { port, sent };
}

function setup(port?: HttpPort) {
  const clock = createSimulatedClock(0);
  const manual = manualPort(clock);
  const notices: { code: number; message: string }[] = [];
  const ctx: CallbackContext = {
    http: port ?? manual.port,
    clock,
    retryDelaysMs: [1000, 2000],
    timeoutMs: 5000,
    controllers: new ControllerPool(),
    notice: (_sid, code, message) => notices.push({ code, message }),
  };
  const queue = new CallbackQueue(ctx, 'CA1', 'AC1');
  /** Fire every timer due up to `ms`, letting settlements run between them. */
  const advanceTo = async (ms: number) => {
    for (let due = clock.nextDue(); due !== undefined && due <= ms; due = clock.nextDue()) {
      clock.fireNext();
      await flush();
    }
  };
  return { clock, queue, sent: manual.sent, notices, advanceTo };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
const seqOf = (s: Sent) => s.request.params.SequenceNumber;

describe('CallbackQueue: one call, one request in flight', () => {
  it('sends an idle queue’s callback at once and the next only after the first is answered', async () => {
    const { queue, sent } = setup();
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    expect(sent.map(seqOf)).toEqual(['0']); // synchronously, before enqueue returns
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '1' });
    await flush();
    expect(sent.map(seqOf)).toEqual(['0']);
    sent[0]!.answer(OK);
    await flush();
    expect(sent.map(seqOf)).toEqual(['0', '1']);
    expect(queue.idle).toBe(false);
    sent[1]!.answer(OK);
    await queue.whenIdle();
    expect(queue.idle).toBe(true);
  });

  it('cuts an attempt that outlives its timeout, retries it, and ignores the late answer', async () => {
    const { queue, sent, advanceTo, notices } = setup();
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '1' });
    await advanceTo(5000);
    expect(sent[0]!.request.signal.aborted).toBe(true);
    // The retry comes 1 s after the cut attempt; nothing is sent in between.
    expect(sent).toHaveLength(1);
    await advanceTo(6000);
    expect(sent.map((s) => [seqOf(s), s.at])).toEqual([
      ['0', 0],
      ['0', 6000],
    ]);
    // The first attempt answering now changes nothing: the retry is what is awaited.
    sent[0]!.answer(OK);
    await flush();
    expect(sent).toHaveLength(2);
    sent[1]!.answer(OK);
    await flush();
    expect(sent.map(seqOf)).toEqual(['0', '0', '1']);
    expect(notices).toEqual([]);
  });

  it('treats a port that throws instead of rejecting as a failed attempt', async () => {
    let calls = 0;
    const throwing: HttpPort = {
      send() {
        calls += 1;
        if (calls === 1) throw new Error('socket exploded');
        return Promise.resolve(OK);
      },
    };
    const { queue, advanceTo, notices } = setup(throwing);
    expect(() => queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' })).not.toThrow();
    await flush();
    await advanceTo(1000);
    expect(calls).toBe(2);
    await queue.whenIdle();
    expect(notices).toEqual([]);
  });

  it('gives up after the last retry with 14102 and moves on to the next callback', async () => {
    const { queue, sent, advanceTo, notices } = setup();
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '1' });
    for (const at of [0, 1000, 3000]) {
      await advanceTo(at);
      sent.at(-1)!.answer({ ...OK, status: 503 });
      await flush();
    }
    expect(sent.map((s) => [seqOf(s), s.at])).toEqual([
      ['0', 0],
      ['0', 1000],
      ['0', 3000],
      ['1', 3000],
    ]);
    expect(notices.map((n) => n.code)).toEqual([14102]);
    expect(notices[0]!.message).toContain('after 3 attempts');
  });

  it('abandon while a retry waits: reports what is dropped, goes idle, sends nothing more', async () => {
    const { queue, sent, advanceTo, notices } = setup();
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '1' });
    sent[0]!.answer({ ...OK, status: 500 });
    await flush();
    const idle = queue.whenIdle();
    queue.abandon();
    await idle;
    await advanceTo(10_000);
    expect(sent).toHaveLength(1);
    expect(notices.map((n) => n.code)).toEqual([14101, 14101]);
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '2' });
    expect(sent).toHaveLength(1);
    expect(notices.map((n) => n.code)).toEqual([14101, 14101, 14101]);
  });

  it('abandon while an attempt is in flight: its signal fires and the queue is idle at once', async () => {
    const { queue, sent, notices } = setup();
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    queue.abandon();
    expect(sent[0]!.request.signal.aborted).toBe(true);
    expect(queue.idle).toBe(true);
    sent[0]!.fail(new Error('aborted'));
    await flush();
    expect(notices.map((n) => n.code)).toEqual([14101]);
  });
});

describe('ControllerPool', () => {
  it('hands a controller that never fired out again, at most maxUses times, and never a fired one', () => {
    const pool = new ControllerPool(4, 3);
    const first = pool.take();
    pool.give(first);
    expect(pool.take()).toBe(first);
    pool.give(first);
    expect(pool.take()).toBe(first);
    pool.give(first); // the third return reaches maxUses: retired
    expect(pool.take()).not.toBe(first);
    const fired = pool.take();
    fired.abort();
    pool.give(fired);
    expect(pool.take()).not.toBe(fired);
  });

  it('keeps at most maxSpare controllers', () => {
    const pool = new ControllerPool(2, 8);
    const taken = [pool.take(), pool.take(), pool.take()];
    for (const controller of taken) pool.give(controller);
    const again = new Set([pool.take(), pool.take(), pool.take()]);
    expect(taken.filter((c) => again.has(c))).toHaveLength(2);
  });
});
