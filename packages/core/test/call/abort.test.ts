/**
 * The cancellation helpers every verb and fetch awaits through: abandoned work stops at once,
 * and settled work leaves no listener behind on a signal (pooled signals are handed out again).
 */
import { getEventListeners } from 'node:events';
import { createEngine, createSequentialIds, createSimulatedClock } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { ABORTED, childController, fireAndForget, untilAborted } from '../../src/call/abort.js';
import { flush } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

const abortListeners = (signal: AbortSignal) => getEventListeners(signal, 'abort').length;

describe('untilAborted', () => {
  it('work started under a signal that already fired is abandoned, whatever it would answer', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(untilAborted(Promise.resolve('late answer'), controller.signal)).rejects.toBe(ABORTED);
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('a late rejection of work abandoned before it started is swallowed', async () => {
    const controller = new AbortController();
    controller.abort();
    let fail: (error: Error) => void = () => undefined;
    const work = new Promise<string>((_, reject) => {
      fail = reject;
    });
    await expect(untilAborted(work, controller.signal)).rejects.toBe(ABORTED);
    fail(new Error('driver gave up'));
    await Promise.resolve();
  });

  it('the signal firing abandons the work at once and leaves no listener on the signal', async () => {
    const controller = new AbortController();
    const waiting = untilAborted(new Promise<string>(() => undefined), controller.signal);
    expect(abortListeners(controller.signal)).toBe(1);
    controller.abort();
    await expect(waiting).rejects.toBe(ABORTED);
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('work that answers leaves no listener on the signal', async () => {
    const controller = new AbortController();
    await expect(untilAborted(Promise.resolve(7), controller.signal)).resolves.toBe(7);
    expect(abortListeners(controller.signal)).toBe(0);
  });

  it('work that fails passes its error on and leaves no listener on the signal', async () => {
    const controller = new AbortController();
    const error = new Error('tts down');
    await expect(untilAborted(Promise.reject(error), controller.signal)).rejects.toBe(error);
    expect(abortListeners(controller.signal)).toBe(0);
  });
});

describe('childController', () => {
  it('a child of a signal that already fired starts aborted', () => {
    const parent = new AbortController();
    parent.abort();
    const { controller, dispose } = childController(parent.signal);
    expect(controller.signal.aborted).toBe(true);
    expect(controller.signal.reason).toBe(ABORTED);
    dispose();
  });

  it('the child aborts when its parent does, and the parent keeps no listener afterwards', () => {
    const parent = new AbortController();
    const { controller } = childController(parent.signal);
    expect(controller.signal.aborted).toBe(false);
    parent.abort();
    expect(controller.signal.aborted).toBe(true);
    expect(controller.signal.reason).toBe(ABORTED);
    expect(abortListeners(parent.signal)).toBe(0);
  });

  it('once disposed, the child is detached: the parent firing no longer aborts it', () => {
    const parent = new AbortController();
    const { controller, dispose } = childController(parent.signal);
    expect(abortListeners(parent.signal)).toBe(1);
    dispose();
    expect(abortListeners(parent.signal)).toBe(0);
    parent.abort();
    expect(controller.signal.aborted).toBe(false);
  });
});

describe('fireAndForget', () => {
  it('a rejection goes to onError', async () => {
    const errors: unknown[] = [];
    const error = new Error('channel gone');
    fireAndForget(
      () => Promise.reject(error),
      (e) => errors.push(e),
    );
    await Promise.resolve();
    expect(errors).toEqual([error]);
  });

  it('a port that throws at once, instead of rejecting, goes to onError too', () => {
    const errors: unknown[] = [];
    const error = new Error('not connected');
    fireAndForget(
      () => {
        throw error;
      },
      (e) => errors.push(e),
    );
    expect(errors).toEqual([error]);
  });

  it('without onError, a failure is dropped', async () => {
    expect(() =>
      fireAndForget(() => {
        throw new Error('not connected');
      }),
    ).not.toThrow();
    fireAndForget(() => Promise.reject(new Error('gone')));
    await Promise.resolve();
  });
});

describe('what a driver sees when the engine stops its operation', () => {
  it('the signal fires with an Aborted error saying the operation was abandoned', async () => {
    const engine = createEngine({
      driver: { capabilities: { ssml: false, speech: false, voicemailDetection: false } } as never,
      http: {
        send: async () => ({
          status: 200,
          contentType: 'text/xml',
          location: null,
          body: '<Response><Pause length="10"/></Response>',
        }),
      },
      clock: createSimulatedClock(),
      ids: createSequentialIds(),
    });
    const reasons: unknown[] = [];
    const channel = stubChannel({
      pause: (_request, signal) =>
        new Promise<void>((resolve) => {
          signal.addEventListener('abort', () => {
            reasons.push(signal.reason);
            resolve();
          });
        }),
    });
    const call = engine.inbound({ From: '+1', To: '+2', Url: 'http://app.test/v' }, channel);
    await flush();
    engine.modify(call.sid, { Status: 'completed' });
    await flush();
    expect(reasons).toHaveLength(1);
    expect(String(reasons[0])).toBe('Aborted: operation abandoned');
  });
});
