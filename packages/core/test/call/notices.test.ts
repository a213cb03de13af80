/**
 * Notices a call reports about itself (engine `notice` events): each names the call, with its
 * code, its level and a message that says what went wrong.
 */
import { describe, expect, it } from 'vitest';
import { outbound, type Run, runWorld } from '../engine/harness.js';

const notices = (run: Run) =>
  run.events.flatMap((e) =>
    e.type === 'notice' ? [{ callSid: e.callSid, code: e.code, level: e.level, message: e.message }] : [],
  );

const SID = 'CA00000000000000000000000000000001';

describe('notices of a call', () => {
  it('a media stream the engine cannot open is an error of the call (14107); the document goes on', async () => {
    const run = await runWorld(
      outbound(
        '<Response><Start><Stream name="agent" url="wss://agent.test/a"/></Start><Say>Hi</Say></Response>',
      ),
    );
    expect(notices(run)).toEqual([
      {
        callSid: SID,
        code: 14107,
        level: 'error',
        message: '<Stream> "agent" (MZ00000000000000000000000000000001): no stream port is configured',
      },
    ]);
    expect(run.timeline.some((e) => e.op === 'say')).toBe(true);
  });

  it('a document that cannot be fetched is an error of the call (11200)', async () => {
    const run = await runWorld(outbound('', { app: { 'POST http://app.test/voice': { status: 500 } } }));
    expect(notices(run)).toEqual([
      { callSid: SID, code: 11200, level: 'error', message: 'HTTP 500 from http://app.test/voice' },
    ]);
    expect(run.final?.status).toBe('completed');
  });
});
