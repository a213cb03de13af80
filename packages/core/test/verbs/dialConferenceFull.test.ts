/** `<Dial><Conference maxParticipants>`: a caller dialling a room that is already full. */
import { describe, expect, it } from 'vitest';
import type { JoinRequest } from '../../src/conferences/conferences.js';
import { plainJoin } from '../conferences/joinRequest.js';
import { inbound, lines, paramsOf, runWorld } from '../engine/harness.js';

describe('<Dial><Conference> into a full room', () => {
  const fillRoom = {
    at: 0,
    fn: (engine: Awaited<ReturnType<typeof runWorld>>['engine'], sid: string) => {
      for (const callSid of ['CA_OTHER_1', 'CA_OTHER_2']) {
        const request = { ...plainJoin(callSid, engine.get(sid)!.accountSid), maxParticipants: 2 };
        // Two other participants seated directly in the registry (the engine's public view hides join).
        (engine.conferences as unknown as { join(request: JoinRequest): unknown }).join(request);
      }
    },
  };

  it('warns (13201) naming the room and its limit, and the dial fails without a leg', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Pause length="1"/><Dial action="/d"><Conference maxParticipants="2">Room</Conference></Dial></Response>',
        { app: { 'POST http://app.test/d': { body: '<Response/>' } } },
      ),
      {},
      [fillRoom],
    );
    expect(run.events.filter((e) => e.type === 'notice')).toEqual([
      expect.objectContaining({
        code: 13201,
        level: 'warning',
        message: 'Dial: conference "Room" is full (maxParticipants 2)',
      }),
    ]);
    expect(run.timeline.some((entry) => entry.op === 'dial')).toBe(false);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ DialCallStatus: 'failed', DialCallDuration: '0' });
  });

  it('without action, the call goes on with the next verb', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Pause length="1"/><Dial><Conference maxParticipants="2">Room</Conference></Dial><Say>Next</Say></Response>',
      ),
      {},
      [fillRoom],
    );
    expect(run.events.filter((e) => e.type === 'notice').map((e) => e.type === 'notice' && e.code)).toEqual([
      13201,
    ]);
    expect(run.timeline.some((entry) => entry.op === 'say')).toBe(true);
    expect(lines(run.timeline).slice(-2)).toEqual([
      '1 say text=Next voice=man language=en-US loop=1',
      '1.2 hangup',
    ]);
  });
});
