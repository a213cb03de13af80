/**
 * The conference registry on its own (what `<Dial><Conference>` and the Conferences and
 * Participants resources share): rooms per account and name, who is in them, when they start
 * and end, and the conference status callbacks a user's application receives.
 */
import { createSimulatedClock, type HttpPort, type HttpRequest, RcmlError } from '@rcml/core';
import { type CallbackContext, ControllerPool } from '@rcml/core/callbacks';
import { describe, expect, it } from 'vitest';
import {
  createConferences,
  type JoinRequest,
  type Participation,
} from '../../src/conferences/conferences.js';
import { plainJoin } from './joinRequest.js';

// The conference events <Conference statusCallbackEvent> accepts (nouns.ts), all of them.
const ALL_EVENTS = ['start', 'end', 'join', 'leave', 'mute', 'hold', 'speaker'] as const;

interface Control {
  readonly calls: string[];
}

function setup(options: { retainCompleted?: number; playWaitUrl?: boolean; manual?: boolean } = {}) {
  const clock = createSimulatedClock(0);
  const sent: HttpRequest[] = [];
  const pending: (() => void)[] = [];
  const notices: { code: number; message: string }[] = [];
  const port: HttpPort = {
    send(request) {
      sent.push(request);
      const answer = { status: 204, contentType: null, location: null, body: '' };
      if (options.manual !== true) return Promise.resolve(answer);
      return new Promise((resolve) => pending.push(() => resolve(answer)));
    },
  };
  const callbacks: CallbackContext = {
    http: port,
    clock,
    retryDelaysMs: [],
    timeoutMs: 5000,
    controllers: new ControllerPool(),
    notice: (_sid, code, message) => notices.push({ code, message }),
  };
  let n = 0;
  const registry = createConferences({
    now: () => clock.now(),
    nextSid: () => `CF${++n}`,
    callbacks,
    ...(options.retainCompleted === undefined ? {} : { retainCompleted: options.retainCompleted }),
    ...(options.playWaitUrl === undefined ? {} : { playWaitUrl: options.playWaitUrl }),
  });
  const controls = new Map<string, Control>();
  function join(callSid: string, overrides: Partial<JoinRequest> = {}): Participation {
    const control: Control = { calls: [] };
    controls.set(callSid, control);
    const result = registry.join({
      ...plainJoin(callSid),
      statusCallback: 'https://app.test/conf',
      statusCallbackEvent: ALL_EVENTS,
      control: {
        mute: async (muted) => void control.calls.push(`mute:${muted}`),
        hold: async (held, url, method) => void control.calls.push(`hold:${held}:${url}:${method}`),
        kick: () => void control.calls.push('kick'),
        started: () => void control.calls.push('started'),
        record: () => void control.calls.push('record'),
      },
      ...overrides,
    });
    if ('full' in result) throw new Error('room full');
    return result;
  }
  const events = () => sent.map((r) => r.params.StatusCallbackEvent);
  const paramsOf = (event: string) =>
    sent.filter((r) => r.params.StatusCallbackEvent === event).map((r) => r.params);
  const calls = (callSid: string) => controls.get(callSid)!.calls;
  return { registry, clock, sent, pending, notices, join, events, paramsOf, calls };
}

describe('conference rooms', () => {
  it('puts callers of the same name and account in one room, and other names or accounts in others', () => {
    const { join } = setup();
    const a = join('CA1');
    const b = join('CA2');
    const c = join('CA3', { name: 'Other' });
    const d = join('CA4', { accountSid: 'AC2' });
    expect(b.conferenceSid).toBe(a.conferenceSid);
    expect(new Set([a.conferenceSid, c.conferenceSid, d.conferenceSid]).size).toBe(3);
  });

  it('opens a new room under the name once the old one ended, and findActive follows it', () => {
    const { registry, join } = setup();
    const a = join('CA1');
    a.connected();
    expect(registry.findActive('AC1', 'Room')).toMatchObject({ sid: a.conferenceSid, status: 'in-progress' });
    expect(registry.findActive('AC1', 'Other')).toBeUndefined();
    registry.end(a.conferenceSid);
    expect(registry.findActive('AC1', 'Room')).toBeUndefined();
    const b = join('CA2');
    expect(b.conferenceSid).not.toBe(a.conferenceSid);
    expect(registry.findActive('AC1', 'Room')?.sid).toBe(b.conferenceSid);
  });

  it('refuses a caller beyond maxParticipants, counting only those still in the room', () => {
    const { registry, join } = setup();
    join('CA1', { maxParticipants: 2 });
    const b = join('CA2', { maxParticipants: 2 });
    const refused = registry.join({ ...plainJoin('CA3'), maxParticipants: 2 });
    expect(refused).toEqual({ full: true });
    b.left();
    expect('full' in registry.join({ ...plainJoin('CA3'), maxParticipants: 2 })).toBe(false);
  });

  it('plays the waitUrl by default', () => {
    expect(setup().registry.playWaitUrl).toBe(true);
    expect(setup({ playWaitUrl: false }).registry.playWaitUrl).toBe(false);
  });

  it('tells a waiting participant when the room starts, but not one whose leg has not answered', () => {
    const { join, calls } = setup();
    const waiting = join('CA1', { startConferenceOnEnter: false });
    waiting.connected();
    join('CA2', { startConferenceOnEnter: false }); // still connecting
    const moderator = join('CA3');
    expect(waiting.roomStarted).toBe(false);
    moderator.connected();
    expect(waiting.roomStarted).toBe(true);
    expect(calls('CA1')).toEqual(['started']);
    expect(calls('CA2')).toEqual([]);
  });

  it('records from the start only for the first participant that asked', () => {
    const { join, calls } = setup();
    const plain = join('CA1', { startConferenceOnEnter: false });
    const first = join('CA2', { record: true, startConferenceOnEnter: false });
    const second = join('CA3', { record: true, startConferenceOnEnter: false });
    plain.connected();
    first.connected();
    second.connected();
    join('CA4').connected();
    expect(calls('CA1')).toEqual(['started']);
    expect(calls('CA2')).toEqual(['started', 'record']);
    expect(calls('CA3')).toEqual(['started']);
  });

  it('starts the recording of a recorder joining a room already in progress', () => {
    const { join, calls } = setup();
    join('CA1').connected();
    const late = join('CA2', { record: true, startConferenceOnEnter: false });
    expect(calls('CA2')).toEqual([]);
    late.connected();
    expect(calls('CA2')).toEqual(['record']);
  });
});

describe('conference status callbacks', () => {
  it('sends the participant fields, coaching included, to the first statusCallback given', async () => {
    const { registry, join, sent, paramsOf } = setup();
    const agent = join('CA1');
    const coach = join('CA2', { coach: 'CA1', statusCallback: 'https://other.test/conf' });
    agent.connected();
    coach.connected();
    await registry.flush();
    expect(new Set(sent.map((r) => r.url))).toEqual(new Set(['https://app.test/conf']));
    const [agentJoin, coachJoin] = paramsOf('participant-join');
    expect(agentJoin).toMatchObject({
      ConferenceSid: agent.conferenceSid,
      FriendlyName: 'Room',
      CallSid: 'CA1',
      Muted: 'false',
      Hold: 'false',
      Coaching: 'false',
      EndConferenceOnExit: 'false',
      StartConferenceOnEnter: 'true',
    });
    expect(agentJoin).not.toHaveProperty('CallSidToCoach');
    expect(coachJoin).toMatchObject({ CallSid: 'CA2', Coaching: 'true', CallSidToCoach: 'CA1' });
  });

  it('does not report a participant whose leg never answered: no leave, no speech, no end on its exit', async () => {
    const { registry, join, events } = setup();
    join('CA1').connected();
    const ringing = join('CA2', { endConferenceOnExit: true });
    ringing.speaking(true);
    ringing.left();
    await registry.flush();
    expect(events()).toEqual(['participant-join', 'conference-start']);
    expect(registry.findActive('AC1', 'Room')?.status).toBe('in-progress');
  });

  it('reports a participant joining once, and not at all when its leg answers after the room ended', async () => {
    const { registry, join, events } = setup();
    const a = join('CA1');
    a.connected();
    a.connected();
    const late = join('CA2');
    registry.end(a.conferenceSid);
    late.connected();
    await registry.flush();
    expect(events()).toEqual(['participant-join', 'conference-start', 'participant-leave', 'conference-end']);
    expect(registry.participant(a.conferenceSid, 'CA2')).toBeUndefined();
  });

  it('reports speech of a connected participant', async () => {
    const { registry, join, events } = setup();
    const a = join('CA1');
    a.connected();
    a.speaking(true);
    a.speaking(false);
    await registry.flush();
    expect(events()).toEqual([
      'participant-join',
      'conference-start',
      'participant-speech-start',
      'participant-speech-stop',
    ]);
  });

  it('ends a room that never started when its last participant leaves, and says so', async () => {
    const { registry, join, paramsOf } = setup();
    const a = join('CA1', { startConferenceOnEnter: false });
    a.connected();
    a.left();
    await registry.flush();
    expect(paramsOf('participant-leave')[0]).toMatchObject({ ReasonParticipantLeft: 'participant_hung_up' });
    expect(paramsOf('conference-end')).toEqual([
      expect.objectContaining({
        ReasonConferenceEnded: 'last-participant-left',
        CallSidEndingConference: 'CA1',
      }),
    ]);
    expect(registry.get(a.conferenceSid)).toMatchObject({
      status: 'completed',
      callSidEndingConference: 'CA1',
    });
  });

  it('ending through the API takes out everyone still in the room, once, before conference-end', async () => {
    const { registry, join, events, paramsOf, calls } = setup();
    const a = join('CA1');
    a.connected();
    const gone = join('CA2');
    gone.connected();
    gone.left();
    join('CA3'); // still connecting
    registry.end(a.conferenceSid);
    registry.end(a.conferenceSid);
    await registry.flush();
    expect(events()).toEqual([
      'participant-join',
      'conference-start',
      'participant-join',
      'participant-leave',
      'participant-leave',
      'conference-end',
    ]);
    expect(paramsOf('participant-leave')[1]).toMatchObject({
      CallSid: 'CA1',
      ReasonParticipantLeft: 'conference_ended_via_api',
    });
    const end = paramsOf('conference-end')[0]!;
    expect(end.ReasonConferenceEnded).toBe('conference-ended-via-api');
    expect(end).not.toHaveProperty('CallSidEndingConference');
    expect(calls('CA1')).toEqual(['started', 'kick']);
    expect(calls('CA2')).toEqual([]);
    expect(calls('CA3')).toEqual(['kick']);
    expect(registry.participants(a.conferenceSid).items).toEqual([]);
    expect(registry.participant(a.conferenceSid, 'CA1')).toBeUndefined();
    a.left();
    expect(registry.get(a.conferenceSid)?.reasonConferenceEnded).toBe('conference-ended-via-api');
  });

  it('keeps the first reason a room ended for', async () => {
    const { registry, join, paramsOf } = setup();
    const a = join('CA1');
    a.connected();
    a.left();
    registry.end(a.conferenceSid);
    await registry.flush();
    expect(paramsOf('conference-end').map((p) => p.ReasonConferenceEnded)).toEqual(['last-participant-left']);
    expect(registry.get(a.conferenceSid)?.reasonConferenceEnded).toBe('last-participant-left');
  });

  it('reports a kicked participant as kicked, and the room ended by the kick', async () => {
    const { registry, join, paramsOf, calls } = setup();
    const a = join('CA1', { endConferenceOnExit: true });
    a.connected();
    const b = join('CA2');
    b.connected();
    registry.kick(a.conferenceSid, 'CA1');
    expect(calls('CA1')).toEqual(['started', 'kick']);
    a.left();
    await registry.flush();
    expect(paramsOf('participant-leave')[0]).toMatchObject({
      CallSid: 'CA1',
      ReasonParticipantLeft: 'participant_kicked',
    });
    expect(paramsOf('conference-end')[0]).toMatchObject({
      ReasonConferenceEnded: 'participant-with-end-conference-on-exit-kicked',
      CallSidEndingConference: 'CA1',
    });
  });

  it('ends the room when its last participant is kicked', async () => {
    const { registry, join, paramsOf } = setup();
    const a = join('CA1');
    a.connected();
    registry.kick(a.conferenceSid, 'CA1');
    a.left();
    await registry.flush();
    expect(paramsOf('conference-end')[0]).toMatchObject({ ReasonConferenceEnded: 'last-participant-kicked' });
  });

  it('flush waits for the conference callbacks still in flight', async () => {
    const { registry, join, pending } = setup({ manual: true });
    join('CA1', { name: 'Quiet', statusCallback: null }).connected();
    join('CA2').connected();
    let flushed = false;
    const done = registry.flush().then(() => {
      flushed = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(flushed).toBe(false);
    while (pending.length > 0) {
      pending.shift()!();
      await new Promise((resolve) => setImmediate(resolve));
    }
    await done;
    expect(flushed).toBe(true);
  });

  it('abandon drops the callbacks still waiting, in every room', async () => {
    const { registry, join, sent, notices } = setup({ manual: true });
    join('CA1', { name: 'Quiet', statusCallback: null }).connected();
    join('CA2').connected();
    expect(sent).toHaveLength(1);
    registry.abandon();
    expect(notices.map((n) => n.code)).toEqual([14101, 14101]);
    expect(notices[0]!.message).toContain('https://app.test/conf');
  });
});

describe('the Conferences and Participants resources', () => {
  it('lists an account’s conferences newest first, by name and status', () => {
    const { registry, join } = setup();
    const a = join('CA1');
    a.connected();
    registry.end(a.conferenceSid);
    const b = join('CA2');
    const c = join('CA3', { name: 'Other' });
    join('CA4', { accountSid: 'AC2' });
    const sids = (filter: Parameters<typeof registry.list>[0]) =>
      registry.list(filter).items.map((r) => r.sid);
    expect(sids({ accountSid: 'AC1' })).toEqual([c.conferenceSid, b.conferenceSid, a.conferenceSid]);
    expect(sids({ accountSid: 'AC1', friendlyName: 'Room' })).toEqual([b.conferenceSid, a.conferenceSid]);
    expect(sids({ accountSid: 'AC1', status: 'completed' })).toEqual([a.conferenceSid]);
  });

  it('forgets the oldest completed conferences beyond retainCompleted, never an active one', () => {
    const { registry, join } = setup({ retainCompleted: 1 });
    const a = join('CA1', { name: 'A' });
    registry.end(a.conferenceSid);
    const b = join('CA2', { name: 'B' });
    const c = join('CA3', { name: 'C' });
    expect(registry.get(a.conferenceSid)?.status).toBe('completed');
    registry.end(c.conferenceSid);
    expect(registry.get(a.conferenceSid)).toBeUndefined();
    expect(registry.get(b.conferenceSid)?.status).toBe('init');
    expect(registry.get(c.conferenceSid)?.status).toBe('completed');
  });

  it('answers 20404 for an unknown conference or a participant not in it', async () => {
    const { registry, join } = setup();
    const a = join('CA1');
    a.connected();
    const b = join('CA2');
    b.connected();
    b.left();
    expect(() => registry.end('CFnope')).toThrow(
      expect.objectContaining({
        code: 20404,
        message: 'conference CFnope was not found',
        field: 'ConferenceSid',
      }),
    );
    expect(() => registry.participants('CFnope')).toThrow(RcmlError);
    for (const callSid of ['CAnope', 'CA2']) {
      await expect(registry.update(a.conferenceSid, callSid, { muted: true })).rejects.toMatchObject({
        code: 20404,
        message: `participant ${callSid} is not in conference ${a.conferenceSid}`,
        field: 'CallSid',
      });
      expect(registry.participant(a.conferenceSid, callSid)).toBeUndefined();
    }
  });

  it('shows a participant with its coaching and filters by muted and hold', async () => {
    const { registry, join } = setup();
    const a = join('CA1');
    a.connected();
    join('CA2', { coach: 'CA1', muted: true }).connected();
    expect(registry.participant(a.conferenceSid, 'CA1')).toMatchObject({
      coaching: false,
      callSidToCoach: null,
    });
    expect(registry.participant(a.conferenceSid, 'CA2')).toMatchObject({
      coaching: true,
      callSidToCoach: 'CA1',
    });
    await registry.update(a.conferenceSid, 'CA1', { hold: true });
    const sids = (filter: { muted?: boolean; hold?: boolean }) =>
      registry.participants(a.conferenceSid, filter).items.map((p) => p.callSid);
    expect(sids({ muted: true })).toEqual(['CA2']);
    expect(sids({ muted: false })).toEqual(['CA1']);
    expect(sids({ hold: true })).toEqual(['CA1']);
    expect(sids({ hold: false })).toEqual(['CA2']);
  });

  it('mutes, unmutes, holds and unholds a participant, and a change to the same value does nothing', async () => {
    const { registry, join, events, calls } = setup();
    const a = join('CA1');
    a.connected();
    await registry.update(a.conferenceSid, 'CA1', { muted: false, hold: false });
    await registry.update(a.conferenceSid, 'CA1', { muted: true, hold: true });
    const record = await registry.update(a.conferenceSid, 'CA1', { muted: true, hold: true });
    expect(record).toMatchObject({ muted: true, hold: true });
    await registry.update(a.conferenceSid, 'CA1', { muted: false });
    await registry.update(a.conferenceSid, 'CA1', {
      hold: false,
      holdUrl: 'https://app.test/hold',
      holdMethod: 'POST',
    });
    await registry.flush();
    expect(calls('CA1')).toEqual([
      'started',
      'mute:true',
      'hold:true:null:GET',
      'mute:false',
      'hold:false:https://app.test/hold:POST',
    ]);
    expect(events().slice(2)).toEqual([
      'participant-mute',
      'participant-hold',
      'participant-unmute',
      'participant-unhold',
    ]);
  });
});
