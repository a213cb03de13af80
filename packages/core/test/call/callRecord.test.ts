/**
 * The Calls record of a call (call/callData.ts) while it lives and once it ended: the end time
 * and the duration are fixed by the final status only, and an ended call cannot be changed.
 */
import type { CallRecord } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { outbound, runWorld } from '../engine/harness.js';

const EPOCH = Date.UTC(2026, 0, 1);

describe('the record of a call', () => {
  it('has no end time and no duration while the call rings or talks; both are fixed when it ends', async () => {
    const seen: (CallRecord | undefined)[] = [];
    const run = await runWorld(
      outbound('<Response><Pause length="10"/></Response>', {
        party: [
          { at: 1, do: 'ring' },
          { at: 2, do: 'answer' },
          { at: 7, do: 'hangup' },
        ],
      }),
      {},
      [1.5, 4].map((at) => ({ at, fn: (engine, sid) => seen.push(engine.get(sid)) })),
    );
    expect(seen.map((r) => [r?.status, r?.startTime, r?.endTime, r?.duration])).toEqual([
      ['ringing', null, null, null],
      ['in-progress', EPOCH + 2000, null, null],
    ]);
    const ended = run.engine.get(seen[0]!.sid)!;
    expect([ended.status, ended.startTime, ended.endTime, ended.duration]).toEqual([
      'completed',
      EPOCH + 2000,
      EPOCH + 7000,
      5,
    ]);
  });

  it('an ended call can no longer be changed (21220)', async () => {
    const run = await runWorld(outbound('<Response><Say>Bye</Say></Response>'));
    const sid = run.engine.list().calls[0]!.sid;
    expect(run.engine.get(sid)?.status).toBe('completed');
    expect(() => run.engine.modify(sid, { Status: 'completed' })).toThrow(
      expect.objectContaining({ code: 21220, message: `call ${sid} is not in progress (status completed)` }),
    );
  });
});
