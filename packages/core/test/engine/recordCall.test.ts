/**
 * `Record=true` (spec 9.4): the whole-call recording of an outbound call, from the answer to
 * the end, on drivers that can record whole calls and on those that cannot.
 */
import { describe, expect, it } from 'vitest';
import { outbound, runWorld, type World } from './harness.js';

const CALL = 'CA00000000000000000000000000000001';
const RECORDING = 'RE00000000000000000000000000000001';

/** An outbound call answered at 1 that pauses 3 s and ends: recorded with `record`. */
function recorded(record: Record<string, string>, extra: Partial<World> = {}): World {
  return outbound('<Response><Pause length="3"/></Response>', {
    ...extra,
    call: { Record: 'true', RecordingStatusCallback: 'http://app.test/rec', ...record },
  });
}

type RunResult = Awaited<ReturnType<typeof runWorld>>;

function notices(run: RunResult) {
  return run.events.flatMap((e) =>
    e.type === 'notice' ? [{ code: e.code, callSid: e.callSid, level: e.level, message: e.message }] : [],
  );
}

function recordingCallbacks(run: RunResult) {
  return run.timeline.filter((e) => e.url === 'http://app.test/rec');
}

describe('Record=true (spec 9.4)', () => {
  it('a dual recording: the driver is asked for one channel per party; the recording has two channels, source OutboundAPI', async () => {
    const run = await runWorld(recorded({ RecordingChannels: 'dual' }, { callRecord: 'record' }));
    expect(run.callRecordings).toEqual([{ at: 1, recordingSid: RECORDING, dual: true }]);
    expect(run.engine.recordings.get(RECORDING)).toMatchObject({
      callSid: CALL,
      source: 'OutboundAPI',
      channels: 2,
      duration: 3,
      mediaUrl: `http://recordings.test/${RECORDING}`,
    });
    const [callback] = recordingCallbacks(run);
    expect(callback?.params).toMatchObject({
      RecordingSid: RECORDING,
      RecordingChannels: '2',
      RecordingSource: 'OutboundAPI',
      RecordingDuration: '3',
    });
    expect(notices(run)).toEqual([]);
  });

  it("the recording is dated by the engine's clock when the call's end completes it", async () => {
    const run = await runWorld(recorded({}, { callRecord: 'record' }));
    const recording = run.engine.recordings.get(RECORDING);
    expect(recording?.dateUpdated).toBe(Date.UTC(2026, 0, 1, 0, 0, 4));
  });

  it('a mono recording (the default): the driver is asked for a mix; the recording has one channel', async () => {
    const run = await runWorld(recorded({}, { callRecord: 'record' }));
    expect(run.callRecordings).toEqual([{ at: 1, recordingSid: RECORDING, dual: false }]);
    expect(run.engine.recordings.get(RECORDING)).toMatchObject({ source: 'OutboundAPI', channels: 1 });
    expect(recordingCallbacks(run)[0]?.params).toMatchObject({ RecordingChannels: '1' });
  });

  it('a driver that cannot record whole calls: one 14103 notice, the call goes on unrecorded', async () => {
    const run = await runWorld(recorded({}));
    expect(notices(run)).toEqual([
      {
        code: 14103,
        callSid: CALL,
        level: 'error',
        message: 'Record: the media driver cannot record a whole call; the call goes on unrecorded',
      },
    ]);
    expect(run.final).toEqual({ status: 'completed', duration: 3 });
    expect(run.engine.recordings.list().total).toBe(0);
    expect(recordingCallbacks(run)).toEqual([]);
  });

  it('a recording the driver cannot start: a 14103 notice with its reason, the call goes on unrecorded', async () => {
    const run = await runWorld(recorded({}, { callRecord: 'reject' }));
    expect(notices(run)).toEqual([
      {
        code: 14103,
        callSid: CALL,
        level: 'error',
        message: 'Record: the media driver could not record the call: Error: cannot record',
      },
    ]);
    expect(run.final).toEqual({ status: 'completed', duration: 3 });
    expect(run.engine.recordings.list().total).toBe(0);
    expect(recordingCallbacks(run)).toEqual([]);
  });

  it('a recording the driver cannot stop: a 14103 notice naming it, no recording and no callback', async () => {
    const run = await runWorld(recorded({}, { callRecord: 'stop-fails' }));
    expect(notices(run)).toEqual([
      {
        code: 14103,
        callSid: CALL,
        level: 'error',
        message: `Record: the media driver could not stop recording ${RECORDING}: Error: recording lost`,
      },
    ]);
    expect(run.final).toEqual({ status: 'completed', duration: 3 });
    expect(run.engine.recordings.list().total).toBe(0);
    expect(recordingCallbacks(run)).toEqual([]);
  });
});
