/**
 * Progress events (call/reportProgress.ts): the status callback and the engine's listeners hear
 * each event of a call or a `<Dial>` leg once, the first time it happens.
 */
import { describe, expect, it } from 'vitest';
import { inbound, lines, runWorld } from '../engine/harness.js';

const LEG_EVENTS =
  'statusCallback="http://app.test/leg" statusCallbackEvent="initiated ringing answered completed"';

describe('progress events', () => {
  it('a Dial leg whose channel rings twice is reported ringing once, to its callback and to listeners', async () => {
    const run = await runWorld(
      inbound(`<Response><Dial action="/d"><Number ${LEG_EVENTS}>+15550003333</Number></Dial></Response>`, {
        app: { 'POST http://app.test/d': { body: '<Response/>' } },
        dialed: {
          '+15550003333': [
            { after: 1, do: 'ring' },
            { after: 2, do: 'ring' },
            { after: 3, do: 'answer' },
            { after: 5, do: 'hangup' },
          ],
        },
      }),
    );
    const legCallbacks = lines(run.timeline).filter((l) => l.includes('http://app.test/leg'));
    expect(legCallbacks).toEqual([
      '0 callback POST http://app.test/leg initiated',
      '1 callback POST http://app.test/leg ringing',
      '3 callback POST http://app.test/leg in-progress',
      '5 callback POST http://app.test/leg completed',
    ]);
    const progress = run.events.flatMap((e) =>
      e.type === 'progress' ? [`${e.callSid.slice(-1)} ${e.event} ${e.params.CallStatus}`] : [],
    );
    // Call 1 is the caller's, call 2 the leg's.
    expect(progress).toEqual([
      '1 ringing ringing',
      '1 answered in-progress',
      '2 initiated initiated',
      '2 ringing ringing',
      '2 answered in-progress',
      '2 completed completed',
      '1 completed completed',
    ]);
  });
});
