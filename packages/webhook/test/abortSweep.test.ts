import { describe, expect, it } from 'vitest';
import { AbortRelay, AbortSweep } from '../src/abortSweep.js';

describe('AbortRelay', () => {
  it('tells its listener once, with the reason, and not after removal', () => {
    const relay = new AbortRelay();
    const heard: unknown[] = [];
    const listener = () => heard.push(relay.reason);
    relay.once('abort', listener);
    relay.abort('first');
    relay.abort('second');
    expect(heard).toEqual(['first']);
    expect(relay.aborted).toBe(true);

    const other = new AbortRelay();
    other.on('abort', listener);
    other.removeListener('abort', listener);
    other.abort('ignored');
    expect(heard).toEqual(['first']);
  });
});

describe('AbortSweep', () => {
  it('aborts the relay of a watched signal that fired', async () => {
    const sweep = new AbortSweep(5);
    const relay = new AbortRelay();
    const controller = new AbortController();
    const heard = new Promise<unknown>((resolve) => relay.once('abort', () => resolve(relay.reason)));
    sweep.watch(controller.signal, relay);
    controller.abort('gone');
    expect(await heard).toBe('gone');
    sweep.forget(relay);
  });

  it('leaves a forgotten relay alone', async () => {
    const sweep = new AbortSweep(5);
    const forgotten = new AbortRelay();
    const watched = new AbortRelay();
    const controller = new AbortController();
    sweep.watch(controller.signal, forgotten);
    sweep.watch(controller.signal, watched);
    sweep.forget(forgotten);
    const heard = new Promise<void>((resolve) => watched.once('abort', resolve));
    controller.abort();
    await heard;
    expect(forgotten.aborted).toBe(false);
    sweep.forget(watched);
  });
});
