/**
 * The stream lines of `rcml call`/`rcml serve`'s log, on a fake stream port: who closed the
 * socket, when, and what the application sent. The engine's own closing is logged when it
 * asks (a hang-up's close handshake ends after the call's `completed`, and the line was lost).
 */
import {
  createSimulatedClock,
  type SimulatedClock,
  type StreamPort,
  type StreamSocketHandler,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { observeStreams } from '../src/timeline/observeStreams.js';

const request = (signal = new AbortController().signal) => ({
  url: 'ws://agent.test/media',
  callSid: 'CA0123456789abcdef0123456789ab0001',
  streamSid: 'MZ0123456789abcdef0123456789ab0002',
  name: null,
  accountSid: `AC${'0'.repeat(32)}`,
  signal,
});

/** Move the simulated clock on by `ms`. */
function advance(clock: SimulatedClock, ms: number): void {
  clock.schedule(clock.now() + ms, () => {});
  clock.fireNext();
}

function fakePort() {
  const state: { handler?: StreamSocketHandler; closes: number } = { closes: 0 };
  const port: StreamPort = {
    async open(_request, handler) {
      state.handler = handler;
      return { send: () => {}, close: () => void state.closes++ };
    },
  };
  return { port, state };
}

describe('observeStreams', () => {
  it('logs the app closing, with its code and reason and what it sent', async () => {
    const clock = createSimulatedClock();
    const lines: string[] = [];
    const { port, state } = fakePort();
    const closed: string[] = [];
    await observeStreams(port, clock, (e) => lines.push(`${e.event}: ${e.text}`)).open(request(), {
      message: () => {},
      closed: (code) => closed.push(`${code}`),
    });
    const payload = Buffer.alloc(4000, 0x55).toString('base64');
    state.handler?.message(JSON.stringify({ event: 'media', media: { payload } }));
    state.handler?.message(JSON.stringify({ event: 'mark', mark: { name: 'a' } }));
    state.handler?.message(JSON.stringify({ event: 'clear' }));
    state.handler?.message('not json');
    advance(clock, 2500);
    state.handler?.closed(1000, 'done');
    expect(lines).toEqual([
      'connected: connected ws://agent.test/media  (MZ…0002)',
      'closed: closed by the app (1000 "done") after 2.5 s; the app sent 1 media (0.50 s of audio), 1 mark, 1 clear, 1 other  (MZ…0002)',
    ]);
    expect(closed).toEqual(['1000']);
  });

  it("logs the engine's closing when it asks, once, not when the handshake ends", async () => {
    const clock = createSimulatedClock();
    const lines: string[] = [];
    const { port, state } = fakePort();
    const socket = await observeStreams(port, clock, (e) => lines.push(`${e.event}: ${e.text}`)).open(
      request(),
      {
        message: () => {},
        closed: () => {},
      },
    );
    advance(clock, 1000);
    socket.close();
    socket.close();
    expect(lines.at(-1)).toBe('closed: closed by the engine after 1.0 s; the app sent nothing  (MZ…0002)');
    state.handler?.closed(1000, '');
    expect(lines).toHaveLength(2);
    expect(state.closes).toBe(2);
  });
});
