/**
 * `rcml serve --far-end-hangup-after` hangs up dialled parties (`<Number>`, `<Client>`, `<Sip>`)
 * so bridged calls end by themselves; a `<Conference>` leg is the call's place in a room, with
 * no party behind it, and stays until the call or the API ends it (it used to drop the
 * participant out of the room after the same delay).
 */
import { type CreateCallParams, isFinalStatus } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { startServe } from '../src/serve/startServe.js';

const ACCOUNT = `AC${'d'.repeat(32)}`;
const TOKEN = 'conference-leg-token';

describe('rcml serve: the far end of a conference leg', () => {
  it('does not hang up a conference leg after --far-end-hangup-after, while it does a dialled number', async () => {
    const parties: string[] = [];
    let numberHungUp: () => void = () => {};
    const hungUp = new Promise<void>((resolve) => {
      numberHungUp = resolve;
    });
    const serve = await startServe({
      accountSid: ACCOUNT,
      authToken: TOKEN,
      answerAfter: 0,
      farEndHangupAfter: 0.3,
      onEntry: (entry) => {
        if (entry.kind !== 'party') return;
        parties.push(entry.text);
        if (entry.text.startsWith('+15550007777 hangs up')) numberHungUp();
      },
    });
    try {
      const create = (to: string, twiml: string) =>
        serve.runtime.engine.create(
          { To: to, From: '+15550009999', Twiml: twiml } as unknown as CreateCallParams,
          {
            accountSid: ACCOUNT,
          },
        );
      const inRoom = create(
        '+15550001000',
        '<Response><Dial><Conference>room</Conference></Dial></Response>',
      );
      // Dialled after the room was joined: its hang-up timer fires after the room leg's would have.
      await new Promise((resolve) => setTimeout(resolve, 50));
      const bridged = create('+15550001001', '<Response><Dial>+15550007777</Dial></Response>');
      await hungUp;
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(parties.filter((p) => p.includes('hangs up'))).toEqual([
        '+15550007777 hangs up (dialled 0.3 s ago; --far-end-hangup-after)',
      ]);
      expect(serve.runtime.engine.get(inRoom.sid)?.status).toBe('in-progress');
      const [leg] = serve.runtime.engine.list({ parentCallSid: inRoom.sid }).calls;
      expect(leg?.status).toBe('in-progress');
      expect(isFinalStatus(serve.runtime.engine.get(bridged.sid)?.status ?? 'queued')).toBe(true);
    } finally {
      await serve.stop(500);
    }
  });
});
