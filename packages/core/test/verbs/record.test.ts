import { describe, expect, it } from 'vitest';
import { inbound, lines, paramsOf, runWorld } from '../engine/harness.js';

const DONE = { 'POST http://app.test/r': { body: '<Response/>' } };
const speak = (at: number, seconds: number) => ({ at, do: 'speak', for: seconds });

describe('<Record> (spec 4.5)', () => {
  it('ends after timeout seconds of silence counted from the end of the last voice; no Digits', async () => {
    const run = await runWorld(
      inbound('<Response><Record action="/r" timeout="3"/></Response>', {
        party: [speak(1, 2), speak(4, 1)],
        app: DONE,
      }),
    );
    expect(lines(run.timeline)[3]).toBe('8 fetch POST http://app.test/r');
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({
      RecordingDuration: '8',
      RecordingSid: 'RE00000000000000000000000000000001',
      RecordingUrl: 'http://recordings.test/RE00000000000000000000000000000001',
    });
    expect('Digits' in paramsOf(run, 'fetch', 1)).toBe(false);
  });

  it('maxLength ends it; keys that are not finish keys do not reset the silence timer', async () => {
    const run = await runWorld(
      inbound('<Response><Record action="/r" maxLength="4" timeout="0" finishOnKey="#"/></Response>', {
        party: [speak(0.5, 10), { at: 1, do: 'dtmf', digits: '5' }],
        app: DONE,
      }),
    );
    expect(lines(run.timeline)[3]).toBe('4 fetch POST http://app.test/r');
    expect(paramsOf(run, 'fetch', 1).RecordingDuration).toBe('4');
  });

  it('an empty recording requests nothing and the next verb runs', async () => {
    const run = await runWorld(
      inbound('<Response><Record action="/r" timeout="2"/><Say>Bye</Say></Response>', { app: DONE }),
    );
    expect(lines(run.timeline).slice(3)).toEqual([
      '2 say text=Bye voice=man language=en-US loop=1',
      '2.15 hangup',
    ]);
  });

  it('recordingStatusCallback is notified before the action request', async () => {
    const run = await runWorld(
      inbound('<Response><Record action="/r" recordingStatusCallback="/rs"/></Response>', {
        party: [speak(1, 1), { at: 3, do: 'dtmf', digits: '*' }],
        app: DONE,
      }),
    );
    expect(lines(run.timeline).slice(3)).toEqual([
      '3 callback POST http://app.test/rs',
      '3 fetch POST http://app.test/r',
      '3 hangup',
    ]);
    expect(paramsOf(run, 'callback')).toEqual({
      AccountSid: 'AC00000000000000000000000000000000',
      CallSid: 'CA00000000000000000000000000000001',
      RecordingSid: 'RE00000000000000000000000000000001',
      RecordingUrl: 'http://recordings.test/RE00000000000000000000000000000001',
      RecordingStatus: 'completed',
      RecordingDuration: '3',
      RecordingChannels: '1',
      RecordingSource: 'RecordVerb',
    });
    expect(paramsOf(run, 'fetch', 1).Digits).toBe('*');
  });

  it('after the caller hangs up the action is still requested (CallStatus=completed), its answer not run, then completed', async () => {
    const run = await runWorld(
      inbound('<Response><Record action="/r"/><Say>never</Say></Response>', {
        inbound: { StatusCallback: 'http://app.test/s' } as never,
        party: [speak(1, 1), { at: 2.5, do: 'hangup' }],
        app: { 'POST http://app.test/r': { body: '<Response><Say>not run</Say></Response>' } },
      }),
    );
    expect(lines(run.timeline).slice(3)).toEqual([
      '2.5 fetch POST http://app.test/r',
      '2.5 callback POST http://app.test/s completed',
    ]);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({
      CallStatus: 'completed',
      Digits: 'hangup',
      RecordingDuration: '2',
    });
  });
});
