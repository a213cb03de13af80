/**
 * `engine.shutdown` and the conference status callbacks (spec: callbacks still waiting when a
 * call ends are delivered, and a shutdown waits for them up to its deadline).
 */
import { describe, expect, it } from 'vitest';
import { inbound, lines, runWorld } from './harness.js';

describe('engine.shutdown and conferences', () => {
  it('waits for the conference status callbacks still on their way before it resolves', async () => {
    const seen: string[] = [];
    let resolved = false;
    const run = await runWorld(
      inbound(
        '<Response><Dial><Conference statusCallback="/room" statusCallbackEvent="start end">Room</Conference></Dial></Response>',
        {
          dialed: { Room: [{ after: 0, do: 'answer' }] },
          app: { 'POST http://app.test/room': { delay: 3 } },
        },
      ),
      {},
      [
        {
          at: 1,
          fn: (engine) => {
            void engine.shutdown().then(() => {
              resolved = true;
            });
          },
        },
        { at: 2, fn: () => seen.push(`at 2: ${resolved ? 'resolved' : 'waiting'}`) },
        { at: 5, fn: () => seen.push(`at 5: ${resolved ? 'resolved' : 'waiting'}`) },
        { at: 7, fn: () => seen.push(`at 7: ${resolved ? 'resolved' : 'waiting'}`) },
      ],
    );
    expect(lines(run.timeline).filter((line) => line.includes('/room'))).toEqual([
      '0 callback POST http://app.test/room',
      '3 callback POST http://app.test/room',
    ]);
    expect(seen).toEqual(['at 2: waiting', 'at 5: waiting', 'at 7: resolved']);
    expect(run.events.filter((e) => e.type === 'notice')).toEqual([]);
  });
});
