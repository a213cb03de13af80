/** A `<Dial record>` recording as the Recordings resource keeps it (decisions "Dial recording"). */
import { describe, expect, it } from 'vitest';
import { inbound, runWorld } from '../engine/harness.js';

const RE1 = 'RE00000000000000000000000000000001';

function recorded(mode: string) {
  return runWorld(
    inbound(`<Response><Dial record="${mode}">+15550003333</Dial></Response>`, {
      dialed: {
        '+15550003333': [
          { after: 2, do: 'answer' },
          { after: 9.5, do: 'hangup' },
        ],
      },
    }),
  );
}

describe('<Dial record> recordings resource', () => {
  it('a mono dial recording is kept with its call, source DialVerb, one channel, its start and length', async () => {
    const run = await recorded('record-from-answer');
    expect(run.engine.recordings.get(RE1)).toMatchObject({
      sid: RE1,
      callSid: 'CA00000000000000000000000000000001',
      source: 'DialVerb',
      channels: 1,
      startTime: Date.parse('2026-01-01T00:00:02Z'),
      duration: 7,
    });
  });

  it('a dual dial recording has two channels', async () => {
    const run = await recorded('record-from-ringing-dual');
    expect(run.engine.recordings.get(RE1)).toMatchObject({ channels: 2, duration: 9, source: 'DialVerb' });
  });

  it('a dial recording the driver cannot start is reported when it starts, not when the dial ends', async () => {
    for (const dialRecord of ['reject', 'throws'] as const) {
      const run = await runWorld({
        ...inbound('<Response><Dial record="record-from-answer">+15550003333</Dial></Response>', {
          dialed: {
            '+15550003333': [
              { after: 2, do: 'answer' },
              { after: 9.5, do: 'hangup' },
            ],
          },
        }),
        dialRecord,
      });
      const notices = run.events.filter((e) => e.type === 'notice');
      expect(notices).toEqual([
        expect.objectContaining({ code: 14103, at: Date.parse('2026-01-01T00:00:02Z') }),
      ]);
    }
  });

  it('the notices of a dial recording the driver cannot make name the mode and the recording', async () => {
    const world = (dialRecord: 'missing' | 'reject' | 'throws') => ({
      ...inbound('<Response><Dial record="record-from-answer">+15550003333</Dial></Response>', {
        dialed: {
          '+15550003333': [
            { after: 1, do: 'answer' },
            { after: 3, do: 'hangup' },
          ],
        },
      }),
      dialRecord,
    });
    const message = (run: Awaited<ReturnType<typeof runWorld>>) =>
      run.events.flatMap((e) => (e.type === 'notice' ? [String(e.message)] : []));
    expect(message(await runWorld(world('missing')))).toEqual([
      'Dial: record="record-from-answer" but the media driver cannot record a dial',
    ]);
    expect(message(await runWorld(world('reject')))).toEqual([`Dial: the driver could not record ${RE1}`]);
    // A driver whose record() throws at once instead of rejecting: the same single notice.
    expect(message(await runWorld(world('throws')))).toEqual([`Dial: the driver could not record ${RE1}`]);
  });
});
