/**
 * The per-call dispatcher (`@rcml/core/callbacks`) on failures the engine-level tests do not
 * reach: an attempt cut by its timeout whose request then fails late, timers and controllers
 * left behind by a settled attempt, failures that must not be retried, and the retry schedule.
 */
import {
  createSimulatedClock,
  type HttpPort,
  type HttpRequest,
  type HttpResponse,
  RcmlError,
} from '@rcml/core';
import {
  type CallbackContext,
  CallbackQueue,
  ControllerPool,
  DEFAULT_RETRY_DELAYS_MS,
} from '@rcml/core/callbacks';
import { describe, expect, it } from 'vitest';

const OK: HttpResponse = { status: 204, contentType: null, location: null, body: '' };

interface Sent {
  readonly request: HttpRequest;
  readonly at: number;
  answer(response: HttpResponse): void;
  fail(error: unknown): void;
}

function setup(options: { retryDelaysMs?: readonly number[]; controllers?: ControllerPool } = {}) {
  const clock = createSimulatedClock(0);
  const sent: Sent[] = [];
  const port: HttpPort = {
    send(request) {
      return new Promise((resolve, reject) => {
        sent.push({ request, at: clock.now(), answer: resolve, fail: reject });
      });
    },
  };
  const notices: { sid: string; code: number; message: string }[] = [];
  const ctx: CallbackContext = {
    http: port,
    clock,
    retryDelaysMs: options.retryDelaysMs ?? [1000, 2000],
    timeoutMs: 5000,
    controllers: options.controllers ?? new ControllerPool(),
    notice: (sid, code, message) => notices.push({ sid, code, message }),
  };
  const queue = new CallbackQueue(ctx, 'CA1', 'AC1');
  /** Let settlements run, then fire every timer due up to `ms`, letting settlements run after each. */
  const advanceTo = async (ms: number) => {
    await flush();
    for (let due = clock.nextDue(); due !== undefined && due <= ms; due = clock.nextDue()) {
      clock.fireNext();
      await flush();
    }
  };
  return { clock, queue, sent, notices, advanceTo };
}

const flush = () => new Promise<void>((resolve) => setImmediate(resolve));
const seqOf = (s: Sent) => s.request.params.SequenceNumber;

describe('CallbackQueue: an attempt cut by its timeout', () => {
  it('ignores the cut request failing late: one retry, in order, no notice', async () => {
    const { queue, sent, advanceTo, notices } = setup();
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '1' });
    await advanceTo(5000);
    expect(sent[0]!.request.signal.aborted).toBe(true);
    // The transport notices the abort and rejects, after the queue moved on.
    sent[0]!.fail(new Error('socket closed'));
    await flush();
    expect(sent).toHaveLength(1);
    await advanceTo(6000);
    expect(sent.map((s) => [seqOf(s), s.at])).toEqual([
      ['0', 0],
      ['0', 6000],
    ]);
    // Only one retry timer was armed: nothing more is sent before the retry settles.
    await advanceTo(10_999);
    expect(sent).toHaveLength(2);
    sent[1]!.answer(OK);
    await flush();
    expect(sent.map(seqOf)).toEqual(['0', '0', '1']);
    sent[2]!.answer(OK);
    await queue.whenIdle();
    expect(notices).toEqual([]);
  });

  it('counts a cut attempt as a failure: after the last retry is cut too, 14102 and the next callback', async () => {
    const { queue, sent, advanceTo, notices } = setup();
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '1' });
    // 0 → cut at 5000, retry at 6000 → cut at 11000, retry at 13000 → cut at 18000.
    await advanceTo(18_000);
    expect(sent.map((s) => [seqOf(s), s.at])).toEqual([
      ['0', 0],
      ['0', 6000],
      ['0', 13_000],
      ['1', 18_000],
    ]);
    expect(notices).toEqual([
      { sid: 'CA1', code: 14102, message: 'callback to http://app.test/s failed after 3 attempts' },
    ]);
  });
});

describe('CallbackQueue: a settled attempt leaves nothing behind', () => {
  it('clears the attempt timeout once answered: a later slow callback gets its own whole timeout', async () => {
    const { clock, queue, sent, advanceTo } = setup();
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    sent[0]!.answer(OK);
    await queue.whenIdle();
    expect(clock.pending).toBe(0);
    await advanceTo(4000);
    clock.schedule(4000, () => queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '1' }));
    await advanceTo(4000);
    expect(sent.map((s) => [seqOf(s), s.at])).toEqual([
      ['0', 0],
      ['1', 4000],
    ]);
    // A leftover timer of the first attempt would cut this one at 5000.
    await advanceTo(8999);
    expect(sent[1]!.request.signal.aborted).toBe(false);
    await advanceTo(9000);
    expect(sent[1]!.request.signal.aborted).toBe(true);
  });

  it('clears the attempt timeout once failed: nothing pending while the retry waits', async () => {
    const { clock, queue, sent } = setup();
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    sent[0]!.answer({ ...OK, status: 502 });
    await flush();
    expect(clock.pending).toBe(1); // the retry, not the old timeout
    expect(clock.nextDue()).toBe(1000);
  });

  it('returns an answered attempt’s controller to the pool, unfired, and never a cut one', async () => {
    const pool = new ControllerPool();
    const { queue, sent, advanceTo } = setup({ controllers: pool });
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    const first = sent[0]!.request.signal;
    sent[0]!.answer(OK);
    await queue.whenIdle();
    const reused = pool.take();
    expect(reused.signal).toBe(first);
    expect(reused.signal.aborted).toBe(false);
    pool.give(reused);
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '1' });
    expect(sent[1]!.request.signal).toBe(first);
    await advanceTo(5000); // cut: its controller fired and must not come back
    expect(first.aborted).toBe(true);
    expect(pool.take().signal).not.toBe(first);
  });
});

describe('CallbackQueue: failures that are not retried', () => {
  it.each([
    'bad host name in http://app.test/s (ENOTFOUND)',
    'http://app.test/s: address 10.0.0.1 is not allowed',
  ])('drops a callback at once on a non-retryable transport failure (%s) with 14102', async (text) => {
    const { queue, sent, advanceTo, notices } = setup();
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '1' });
    sent[0]!.fail(new RcmlError(11210, text, { retryable: false }));
    await flush();
    // The next callback goes out at once; the failed one is never tried again.
    expect(sent.map((s) => [seqOf(s), s.at])).toEqual([
      ['0', 0],
      ['1', 0],
    ]);
    sent[1]!.answer(OK);
    await advanceTo(60_000);
    expect(sent).toHaveLength(2);
    expect(notices).toEqual([
      { sid: 'CA1', code: 14102, message: `callback to http://app.test/s failed: ${text}` },
    ]);
  });

  it('retries a retryable transport failure (connection refused)', async () => {
    const { queue, sent, advanceTo, notices } = setup();
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    sent[0]!.fail(new RcmlError(11205, 'HTTP connection failure', { retryable: true }));
    await advanceTo(1000);
    expect(sent.map((s) => s.at)).toEqual([0, 1000]);
    sent[1]!.answer(OK);
    await queue.whenIdle();
    expect(notices).toEqual([]);
  });

  it('drops a callback the transport refused as 14101 (e.g. a private address) without retrying', async () => {
    const { queue, sent, advanceTo, notices } = setup();
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    sent[0]!.fail(new RcmlError(14101, 'address not allowed', { retryable: true }));
    await advanceTo(60_000);
    await queue.whenIdle();
    expect(sent).toHaveLength(1);
    expect(notices).toEqual([
      { sid: 'CA1', code: 14101, message: 'callback to http://app.test/s dropped: address not allowed' },
    ]);
  });

  it('delivers a 4xx answer as done: no retry, no notice', async () => {
    const { queue, sent, advanceTo, notices } = setup();
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    sent[0]!.answer({ ...OK, status: 404 });
    await advanceTo(60_000);
    await queue.whenIdle();
    expect(sent).toHaveLength(1);
    expect(notices).toEqual([]);
  });

  it('retries exactly a 500 answer (the lowest server error), and a 499 not at all', async () => {
    const { queue, sent, advanceTo } = setup();
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    sent[0]!.answer({ ...OK, status: 500 });
    await advanceTo(1000);
    expect(sent).toHaveLength(2);
    sent[1]!.answer({ ...OK, status: 499 });
    await advanceTo(60_000);
    expect(sent).toHaveLength(2);
  });
});

describe('CallbackQueue: the retry schedule', () => {
  it('waits each configured delay in turn, and restarts the schedule for the next callback', async () => {
    const { queue, sent, advanceTo, notices } = setup({ retryDelaysMs: [300, 700] });
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '1' });
    sent[0]!.answer({ ...OK, status: 503 });
    await advanceTo(300);
    sent[1]!.answer({ ...OK, status: 503 });
    await advanceTo(1000);
    sent[2]!.answer(OK);
    await flush();
    sent[3]!.answer({ ...OK, status: 503 });
    await advanceTo(1300);
    expect(sent.map((s) => [seqOf(s), s.at])).toEqual([
      ['0', 0],
      ['0', 300],
      ['0', 1000],
      ['1', 1000],
      ['1', 1300],
    ]);
    expect(notices).toEqual([]);
  });

  it('a callback queued after the queue went idle gets the whole retry schedule again', async () => {
    const { queue, sent, advanceTo, clock } = setup({ retryDelaysMs: [300, 700] });
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    sent[0]!.answer({ ...OK, status: 503 });
    await advanceTo(300);
    sent[1]!.answer(OK);
    await queue.whenIdle();
    clock.schedule(1000, () => queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '1' }));
    await advanceTo(1000);
    sent[2]!.answer({ ...OK, status: 503 });
    await advanceTo(1300);
    expect(sent.map((s) => [seqOf(s), s.at])).toEqual([
      ['0', 0],
      ['0', 300],
      ['1', 1000],
      ['1', 1300],
    ]);
  });

  it('with no retry delays, gives up after one attempt', async () => {
    const { queue, sent, advanceTo, notices } = setup({ retryDelaysMs: [] });
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    sent[0]!.answer({ ...OK, status: 503 });
    await advanceTo(60_000);
    await queue.whenIdle();
    expect(sent).toHaveLength(1);
    expect(notices.map((n) => n.message)).toEqual(['callback to http://app.test/s failed after 1 attempts']);
  });

  it('the engine default is 1 s, then 2 s (spec section 5)', () => {
    expect(DEFAULT_RETRY_DELAYS_MS).toEqual([1000, 2000]);
    expect(Object.isFrozen(DEFAULT_RETRY_DELAYS_MS)).toBe(true);
  });

  it('sends each request as a callback of its call and account, with its method and parameters', () => {
    const { queue, sent } = setup();
    queue.enqueue('http://app.test/s', 'GET', { SequenceNumber: '0', CallStatus: 'ringing' });
    expect(sent[0]!.request).toMatchObject({
      method: 'GET',
      url: 'http://app.test/s',
      params: { SequenceNumber: '0', CallStatus: 'ringing' },
      kind: 'callback',
      callSid: 'CA1',
      accountSid: 'AC1',
    });
  });
});

describe('CallbackQueue: whenIdle and abandon', () => {
  it('resolves every waiter once everything queued is delivered, and at once when idle', async () => {
    const { queue, sent } = setup();
    await queue.whenIdle(); // idle from the start
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    const order: string[] = [];
    const a = queue.whenIdle().then(() => order.push('a'));
    const b = queue.whenIdle().then(() => order.push('b'));
    await flush();
    expect(order).toEqual([]);
    sent[0]!.answer(OK);
    await Promise.all([a, b]);
    expect(order).toEqual(['a', 'b']);
    // A second round gets fresh waiters.
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '1' });
    let done = false;
    const c = queue.whenIdle().then(() => {
      done = true;
    });
    await flush();
    expect(done).toBe(false);
    sent[1]!.answer(OK);
    await c;
    expect(done).toBe(true);
  });

  it('abandon twice reports each dropped callback once', async () => {
    const { queue, notices } = setup();
    queue.enqueue('http://app.test/a', 'POST', { SequenceNumber: '0' });
    queue.enqueue('http://app.test/b', 'POST', { SequenceNumber: '1' });
    queue.abandon();
    queue.abandon();
    expect(notices).toEqual([
      { sid: 'CA1', code: 14101, message: 'callback to http://app.test/a dropped: shutdown deadline passed' },
      { sid: 'CA1', code: 14101, message: 'callback to http://app.test/b dropped: shutdown deadline passed' },
    ]);
  });

  it('after abandon, a late answer of the cut attempt sends nothing and reports nothing more', async () => {
    const { queue, sent, notices } = setup();
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    queue.abandon();
    sent[0]!.answer({ ...OK, status: 503 });
    await flush();
    expect(sent).toHaveLength(1);
    expect(notices.map((n) => n.code)).toEqual([14101]);
    expect(notices[0]!.message).toBe('callback to http://app.test/s dropped: shutdown deadline passed');
  });

  it('a callback queued after abandon is reported as dropped because delivery stopped', () => {
    const { queue, sent, notices } = setup();
    queue.abandon();
    queue.enqueue('http://app.test/s', 'POST', { SequenceNumber: '0' });
    expect(sent).toHaveLength(0);
    expect(notices).toEqual([
      { sid: 'CA1', code: 14101, message: 'callback to http://app.test/s dropped: delivery was stopped' },
    ]);
  });
});
