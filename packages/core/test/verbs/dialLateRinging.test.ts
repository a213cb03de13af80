/** `<Dial>`: a leg's ringing reported after it answered does not set it back to ringing. */
import type { Engine } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { inbound, lines, runWorld } from '../engine/harness.js';

describe('<Dial> leg progress', () => {
  it('a ringing event the driver reports after the leg answered is ignored: the leg stays in-progress, no second ringing callback', async () => {
    const legStatuses: string[] = [];
    const legStatusAt = (engine: Engine, sid: string) => {
      for (const leg of engine.list({ parentCallSid: sid }).calls) legStatuses.push(leg.status);
    };
    const cb = 'statusCallback="http://app.test/leg" statusCallbackEvent="ringing answered completed"';
    const run = await runWorld(
      inbound(`<Response><Dial action="/d"><Number ${cb}>+15550000001</Number></Dial></Response>`, {
        app: { 'POST http://app.test/d': { body: '<Response/>' } },
        dialed: {
          '+15550000001': [
            { after: 1, do: 'ring' },
            { after: 2, do: 'answer' },
            { after: 3, do: 'ring' },
            { after: 5, do: 'hangup' },
          ],
        },
      }),
      {},
      [
        { at: 2.5, fn: legStatusAt },
        { at: 4, fn: legStatusAt },
      ],
    );
    expect(legStatuses).toEqual(['in-progress', 'in-progress']);
    const legCallbacks = lines(run.timeline).filter((line) => line.includes('app.test/leg'));
    expect(legCallbacks).toEqual([
      '1 callback POST http://app.test/leg ringing',
      '2 callback POST http://app.test/leg in-progress',
      '5 callback POST http://app.test/leg completed',
    ]);
  });
});
