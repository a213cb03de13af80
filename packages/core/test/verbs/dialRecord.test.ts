import { createSequentialIds, type IdGenerator } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { inbound, lines, noticeCodes, paramsOf, type Run, runWorld, type World } from '../engine/harness.js';

const DONE = { 'POST http://app.test/d': { body: '<Response/>' } };
const RE1 = 'RE00000000000000000000000000000001';

function dial(
  attrs: string,
  dialed: World['dialed'],
  extra: Partial<World> = {},
  inner = '+15550003333',
): World {
  return inbound(`<Response><Dial action="/d" ${attrs}>${inner}</Dial><Say>After</Say></Response>`, {
    ...extra,
    ...(dialed === undefined ? {} : { dialed }),
    app: { ...DONE, ...extra.app },
  });
}

/** Answered at 2 s, the callee hangs up at 9.5 s. */
const ANSWERED: World['dialed'] = {
  '+15550003333': [
    { after: 2, do: 'answer' },
    { after: 9.5, do: 'hangup' },
  ],
};

/** Counts the `RE` SIDs the engine takes. */
function countingIds(): { ids: IdGenerator; re: () => number } {
  const inner = createSequentialIds();
  let re = 0;
  return {
    ids: {
      next(prefix) {
        if (prefix === 'RE') re += 1;
        return inner.next(prefix);
      },
    },
    re: () => re,
  };
}

function recordingParams(run: Run): Record<string, string | undefined> {
  const p = paramsOf(run, 'fetch', 1);
  return {
    RecordingUrl: p.RecordingUrl,
    RecordingSid: p.RecordingSid,
    RecordingDuration: p.RecordingDuration,
  };
}

const NONE = { RecordingUrl: undefined, RecordingSid: undefined, RecordingDuration: undefined };

describe('<Dial record> (spec 4.6, decisions "Dial recording")', () => {
  it('record="true" records from the answer: the action gets RecordingUrl/Sid/Duration; the timeline is unchanged', async () => {
    const plain = await runWorld(dial('', ANSWERED));
    const run = await runWorld(dial('record="true"', ANSWERED));
    expect(lines(run.timeline)).toEqual(lines(plain.timeline));
    expect(run.dialRecordings).toEqual([{ at: 2, recordingSid: RE1, fromRinging: false, dual: false }]);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({
      DialCallStatus: 'completed',
      DialCallDuration: '7',
      RecordingUrl: `http://recordings.test/${RE1}`,
      RecordingSid: RE1,
      RecordingDuration: '7',
    });
    expect(noticeCodes(run)).toEqual([]);
  });

  it('record-from-answer-dual asks the driver for two channels; the recording starts after the whisper', async () => {
    const run = await runWorld(
      dial(
        'record="record-from-answer-dual"',
        ANSWERED,
        {
          app: { 'POST http://app.test/w': { body: '<Response><Say>You have a call</Say></Response>' } },
        },
        '<Number url="/w">+15550003333</Number>',
      ),
    );
    // Bridged after the 0.75 s whisper (15 characters): 9.5 - 2.75 = 6.75 s.
    expect(run.dialRecordings).toEqual([{ at: 2.75, recordingSid: RE1, fromRinging: false, dual: true }]);
    expect(paramsOf(run, 'fetch', 2)).toMatchObject({ DialCallDuration: '6', RecordingDuration: '6' });
  });

  it('record-from-ringing records from the dial start: the duration includes the ringing', async () => {
    const run = await runWorld(dial('record="record-from-ringing"', ANSWERED));
    expect(run.dialRecordings).toEqual([{ at: 0, recordingSid: RE1, fromRinging: true, dual: false }]);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ DialCallDuration: '7', RecordingDuration: '9' });
  });

  it('record-from-ringing with nobody answering still recorded the ringing', async () => {
    const run = await runWorld(dial('record="record-from-ringing-dual" timeout="6"', {}));
    expect(run.dialRecordings).toEqual([{ at: 0, recordingSid: RE1, fromRinging: true, dual: true }]);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ DialCallStatus: 'no-answer', RecordingDuration: '6' });
  });

  it('record-from-answer with nobody answering records nothing and takes no SID', async () => {
    const counting = countingIds();
    const run = await runWorld(dial('record="true" timeout="6"', {}), { ids: counting.ids });
    expect(run.dialRecordings).toEqual([]);
    expect(counting.re()).toBe(0);
    expect(paramsOf(run, 'fetch', 1).DialCallStatus).toBe('no-answer');
    expect(recordingParams(run)).toEqual(NONE);
  });

  it('record="false" and no record change nothing: no SID, no driver call, no parameters', async () => {
    for (const attrs of ['record="false"', '']) {
      const counting = countingIds();
      const run = await runWorld(dial(attrs, ANSWERED), { ids: counting.ids });
      expect(counting.re()).toBe(0);
      expect(run.dialRecordings).toEqual([]);
      expect(recordingParams(run)).toEqual(NONE);
    }
  });

  it('the caller hanging up during the bridge: the action still carries the recording', async () => {
    const run = await runWorld(
      dial(
        'record="true"',
        { '+15550003333': [{ after: 1, do: 'answer' }] },
        { party: [{ at: 5, do: 'hangup' }] },
      ),
    );
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({
      CallStatus: 'completed',
      RecordingSid: RE1,
      RecordingDuration: '4',
    });
  });

  it('without action the recording is still stopped and the next verb runs', async () => {
    const run = await runWorld(
      inbound('<Response><Dial record="true">+15550003333</Dial><Say>After</Say></Response>', {
        dialed: ANSWERED,
      }),
    );
    expect(run.dialRecordings).toHaveLength(1);
    expect(lines(run.timeline)[3]).toBe('9.5 say text=After voice=man language=en-US loop=1');
  });
});

describe('<Dial record> when the driver cannot', () => {
  it('a driver without DialSession.record: warning 14105, no SID, no parameters, the dial goes on', async () => {
    const counting = countingIds();
    const run = await runWorld(
      { ...dial('record="true"', ANSWERED), dialRecord: 'missing' },
      { ids: counting.ids },
    );
    expect(noticeCodes(run)).toEqual([14105]);
    expect(run.events.find((e) => e.type === 'notice')).toMatchObject({ level: 'warning' });
    expect(counting.re()).toBe(0);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '7' });
    expect(recordingParams(run)).toEqual(NONE);
  });

  it('a recording that cannot start: notice 14103 once, no parameters, the bridge goes on', async () => {
    // The driver's record() rejects, or throws at once: the same outcome.
    for (const dialRecord of ['reject', 'throws'] as const) {
      const run = await runWorld({ ...dial('record="true"', ANSWERED), dialRecord });
      expect(noticeCodes(run)).toEqual([14103]);
      expect(paramsOf(run, 'fetch', 1)).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '7' });
      expect(recordingParams(run)).toEqual(NONE);
    }
  });

  it('a recording that cannot be stopped: notice 14103, no parameters', async () => {
    const run = await runWorld({
      ...dial('record="record-from-ringing"', ANSWERED),
      dialRecord: 'stop-fails',
    });
    expect(noticeCodes(run)).toEqual([14103]);
    expect(recordingParams(run)).toEqual(NONE);
  });
});
