/**
 * Conferences as the engine sees them (TwiML `<Dial><Conference>`, the Conferences and
 * Participants resources): rooms named per account, their participants (muted, on hold,
 * coaching), when a room starts (a participant with `startConferenceOnEnter` joined) and ends
 * (a participant with `endConferenceOnExit` left, the last one left, or the API ended it), and
 * the conference status callbacks. The media (mixing, muting, holding) is the driver's; the
 * `<Dial>` of each participant (verbs/dialConference.ts) carries out what the registry asks.
 */
import { type CallbackContext, CallbackQueue } from '../callbacks/callbackQueue.js';
import { rfc2822 } from '../callbacks/timestamp.js';
import type { ConferenceEventName, HttpMethod } from '../document/ast.js';
import { type Page, pageOf } from '../engine/paging.js';
import { RcmlError } from '../errors.js';

/** A conference's state (the resource's `status`). */
export type ConferenceStatus = 'init' | 'in-progress' | 'completed';

/** Why a conference ended (`ReasonConferenceEnded`). */
export type ConferenceEndReason =
  | 'conference-ended-via-api'
  | 'participant-with-end-conference-on-exit-left'
  | 'participant-with-end-conference-on-exit-kicked'
  | 'last-participant-left'
  | 'last-participant-kicked';

/** A conference as the Conferences resource shows it. Times are epoch ms. */
export interface ConferenceRecord {
  readonly sid: string;
  readonly accountSid: string;
  readonly friendlyName: string;
  readonly status: ConferenceStatus;
  readonly dateCreated: number;
  readonly dateUpdated: number;
  readonly reasonConferenceEnded: ConferenceEndReason | null;
  readonly callSidEndingConference: string | null;
}

/** A participant as the Participants resource shows it. */
export interface ParticipantRecord {
  readonly callSid: string;
  readonly conferenceSid: string;
  readonly accountSid: string;
  readonly label: string | null;
  readonly muted: boolean;
  readonly hold: boolean;
  readonly coaching: boolean;
  readonly callSidToCoach: string | null;
  readonly startConferenceOnEnter: boolean;
  readonly endConferenceOnExit: boolean;
  readonly status: 'connecting' | 'connected' | 'complete';
  readonly dateCreated: number;
  readonly dateUpdated: number;
}

/** What the registry asks of a participant's `<Dial>`. */
export interface ParticipantControl {
  /** Mute or unmute the participant in the room. */
  mute(muted: boolean): Promise<void>;
  /** Put the participant on hold (hearing `holdUrl` when given) or take it off. */
  hold(held: boolean, holdUrl: string | null, holdMethod: HttpMethod): Promise<void>;
  /** Take the participant out of the room (its `<Dial>` ends). */
  kick(): void;
  /** The room started: a participant waiting for it is mixed in now. */
  started(): void;
  /** Record the conference from now until this participant leaves (`record-from-start`); once. */
  record(): void;
}

/** How a participant joins. */
export interface JoinRequest {
  readonly accountSid: string;
  readonly name: string;
  readonly callSid: string;
  readonly muted: boolean;
  readonly startConferenceOnEnter: boolean;
  readonly endConferenceOnExit: boolean;
  readonly maxParticipants: number;
  readonly coach: string | null;
  /** `record="record-from-start"`: the first such participant records the conference. */
  readonly record: boolean;
  /** Resolved `statusCallback` (the conference keeps the first one given). */
  readonly statusCallback: string | null;
  readonly statusCallbackMethod: HttpMethod;
  readonly statusCallbackEvent: readonly ConferenceEventName[];
  readonly control: ParticipantControl;
}

/** A participant's place in a room, held by its `<Dial>`. */
export interface Participation {
  readonly conferenceSid: string;
  /** Whether the room has started (a waiting participant hears `waitUrl` until it has). */
  readonly roomStarted: boolean;
  /** The participant is in the room (its leg answered). */
  connected(): void;
  /** The participant's voice started or stopped (`speaker` events). */
  speaking(active: boolean): void;
  /** The participant left (its `<Dial>` ended); `kicked` when the registry asked for it. */
  left(): void;
}

/** One page of a list (the engine's {@link Page}). */
export type ConferencePage<T> = Page<T>;

/** The engine's conferences (`engine.conferences`), for the Conferences and Participants resources. */
export interface Conferences {
  /** The conference with this SID (active or completed and still kept), or undefined. */
  get(conferenceSid: string): ConferenceRecord | undefined;
  /** The account's conference of that name that is not completed, if any. */
  findActive(accountSid: string, friendlyName: string): ConferenceRecord | undefined;
  /** Newest first, filtered by `FriendlyName` and `Status`. */
  list(filter: {
    readonly accountSid: string;
    readonly friendlyName?: string;
    readonly status?: ConferenceStatus;
    readonly page?: number;
    readonly pageSize?: number;
  }): ConferencePage<ConferenceRecord>;
  /** End a conference (`Status=completed`): every participant is taken out. */
  end(conferenceSid: string): ConferenceRecord;
  /** The participants connecting or connected (none once completed); 20404 for an unknown conference. */
  participants(
    conferenceSid: string,
    filter?: {
      readonly muted?: boolean;
      readonly hold?: boolean;
      readonly page?: number;
      readonly pageSize?: number;
    },
  ): ConferencePage<ParticipantRecord>;
  /** One participant still in the conference, by its call's SID, or undefined. */
  participant(conferenceSid: string, callSid: string): ParticipantRecord | undefined;
  /** Change a participant: `Muted`, `Hold` (with `HoldUrl`, `HoldMethod`). */
  update(
    conferenceSid: string,
    callSid: string,
    changes: {
      readonly muted?: boolean;
      readonly hold?: boolean;
      readonly holdUrl?: string | null;
      readonly holdMethod?: HttpMethod;
    },
  ): Promise<ParticipantRecord>;
  /** Take a participant out of the conference. */
  kick(conferenceSid: string, callSid: string): void;
}

/** What `<Dial><Conference>` uses. */
export interface ConferenceDesk {
  /** Whether a participant waiting for the room to start hears its `waitUrl` (engine option). */
  readonly playWaitUrl: boolean;
  /** Join (or `full` when the room is at its `maxParticipants`). */
  join(request: JoinRequest): Participation | { readonly full: true };
}

interface Member {
  readonly request: JoinRequest;
  muted: boolean;
  hold: boolean;
  status: ParticipantRecord['status'];
  readonly dateCreated: number;
  dateUpdated: number;
  kicked: boolean;
}

interface Room {
  readonly sid: string;
  readonly accountSid: string;
  readonly friendlyName: string;
  status: ConferenceStatus;
  readonly dateCreated: number;
  dateUpdated: number;
  reason: ConferenceEndReason | null;
  endedBy: string | null;
  readonly members: Map<string, Member>;
  /** The conference's status callback: the first participant's that gave one. */
  callback: {
    readonly url: string;
    readonly method: HttpMethod;
    readonly events: ReadonlySet<ConferenceEventName>;
  } | null;
  queue: CallbackQueue | null;
  sequence: number;
  /** The participant recording the conference, once one asked to. */
  recorder: Member | null;
}

/** The registry, both faces, and what the engine's shutdown needs. */
export type ConferenceRegistry = Conferences &
  ConferenceDesk & {
    /** Resolves when every conference status callback queued so far has been delivered. */
    flush(): Promise<void>;
    /** Drop the callbacks still waiting (the shutdown deadline passed). */
    abandon(): void;
  };

/** Create the registry over the engine's clock, SIDs and callback delivery. */
export function createConferences(options: {
  readonly now: () => number;
  readonly nextSid: () => string;
  readonly callbacks: CallbackContext;
  /** Conferences kept after they complete (default 1,000). */
  readonly retainCompleted?: number;
  /** Whether `waitUrl` is played (default true). */
  readonly playWaitUrl?: boolean;
}): ConferenceRegistry {
  const { now } = options;
  const bySid = new Map<string, Room>();
  const active = new Map<string, Room>();
  const retain = options.retainCompleted ?? 1000;
  const key = (accountSid: string, name: string) => `${accountSid}\u0000${name}`;

  function record(room: Room): ConferenceRecord {
    return {
      sid: room.sid,
      accountSid: room.accountSid,
      friendlyName: room.friendlyName,
      status: room.status,
      dateCreated: room.dateCreated,
      dateUpdated: room.dateUpdated,
      reasonConferenceEnded: room.reason,
      callSidEndingConference: room.endedBy,
    };
  }
  function participantRecord(room: Room, member: Member): ParticipantRecord {
    const { request } = member;
    return {
      callSid: request.callSid,
      conferenceSid: room.sid,
      accountSid: room.accountSid,
      label: null,
      muted: member.muted,
      hold: member.hold,
      coaching: request.coach !== null,
      callSidToCoach: request.coach,
      startConferenceOnEnter: request.startConferenceOnEnter,
      endConferenceOnExit: request.endConferenceOnExit,
      status: member.status,
      dateCreated: member.dateCreated,
      dateUpdated: member.dateUpdated,
    };
  }
  function mustGet(conferenceSid: string): Room {
    const room = bySid.get(conferenceSid);
    if (room === undefined) {
      throw new RcmlError(20404, `conference ${conferenceSid} was not found`, { field: 'ConferenceSid' });
    }
    return room;
  }
  function mustMember(room: Room, callSid: string): Member {
    const member = room.members.get(callSid);
    if (member === undefined || member.status === 'complete') {
      throw new RcmlError(20404, `participant ${callSid} is not in conference ${room.sid}`, {
        field: 'CallSid',
      });
    }
    return member;
  }

  /** Send `event` (TwiML's `StatusCallbackEvent` value) when the conference's callback subscribed to `family`. */
  function notify(
    room: Room,
    family: ConferenceEventName,
    event: string,
    member: Member | null,
    extra: Readonly<Record<string, string>> = {},
  ): void {
    const callback = room.callback;
    if (callback === null || !callback.events.has(family)) return;
    room.queue ??= new CallbackQueue(options.callbacks, room.sid, room.accountSid);
    const params: Record<string, string> = {
      AccountSid: room.accountSid,
      ConferenceSid: room.sid,
      FriendlyName: room.friendlyName,
      StatusCallbackEvent: event,
      Timestamp: rfc2822(now()),
      SequenceNumber: String(room.sequence++),
    };
    if (member !== null) {
      const { request } = member;
      params.CallSid = request.callSid;
      params.Muted = String(member.muted);
      params.Hold = String(member.hold);
      params.Coaching = String(request.coach !== null);
      if (request.coach !== null) params.CallSidToCoach = request.coach;
      params.EndConferenceOnExit = String(request.endConferenceOnExit);
      params.StartConferenceOnEnter = String(request.startConferenceOnEnter);
    }
    room.queue.enqueue(callback.url, callback.method, { ...params, ...extra });
  }

  function start(room: Room): void {
    if (room.status !== 'init') return;
    room.status = 'in-progress';
    room.dateUpdated = now();
    notify(room, 'start', 'conference-start', null);
    for (const member of room.members.values()) {
      if (member.status === 'connected') member.request.control.started();
    }
    if (room.recorder?.status === 'connected') room.recorder.request.control.record();
  }

  function finish(room: Room, reason: ConferenceEndReason, by: string | null): void {
    if (room.status === 'completed') return;
    room.status = 'completed';
    room.reason = reason;
    room.endedBy = by;
    room.dateUpdated = now();
    // A room stays under its name from its creation until it completes (a new one of that name
    // is only created once it is gone), so the entry is this room's.
    active.delete(key(room.accountSid, room.friendlyName));
    // Everyone still in the room leaves now (before `conference-end`); their dials end.
    for (const member of room.members.values()) {
      if (member.status === 'complete') continue;
      const wasConnected = member.status === 'connected';
      member.status = 'complete';
      member.dateUpdated = now();
      if (wasConnected) {
        notify(room, 'leave', 'participant-leave', member, {
          ReasonParticipantLeft: reason.replace(/-/g, '_'),
        });
      }
      member.request.control.kick();
    }
    notify(room, 'end', 'conference-end', null, {
      ReasonConferenceEnded: reason,
      ...(by === null ? {} : { CallSidEndingConference: by }),
    });
    // Completed conferences are kept for the API, the oldest forgotten first.
    const completed = [...bySid.values()].filter((r) => r.status === 'completed');
    for (let i = 0; i < completed.length - retain; i++) bySid.delete(completed[i]!.sid);
  }

  function leave(room: Room, member: Member): void {
    // Stryker disable next-line ConditionalExpression,StringLiteral: a second left() finds the member complete: wasConnected is false so nothing is sent, and the room is either completed (finish returns at once) or still holds a member not complete (the leave that emptied it finished it); only the hidden dateUpdated of a member no resource shows changes
    if (member.status === 'complete') return;
    const wasConnected = member.status === 'connected';
    member.status = 'complete';
    member.dateUpdated = now();
    if (wasConnected) {
      notify(room, 'leave', 'participant-leave', member, {
        ReasonParticipantLeft: member.kicked ? 'participant_kicked' : 'participant_hung_up',
      });
    }
    // The room is not completed here: finish() marks every member complete, and a completed
    // room takes no new member (it left `active`).
    const remaining = [...room.members.values()].some((m) => m.status !== 'complete');
    const callSid = member.request.callSid;
    if (member.request.endConferenceOnExit && wasConnected) {
      finish(
        room,
        member.kicked
          ? 'participant-with-end-conference-on-exit-kicked'
          : 'participant-with-end-conference-on-exit-left',
        callSid,
      );
    } else if (!remaining) {
      finish(room, member.kicked ? 'last-participant-kicked' : 'last-participant-left', callSid);
    }
  }

  const registry: ConferenceRegistry = {
    playWaitUrl: options.playWaitUrl ?? true,
    async flush() {
      await Promise.all([...bySid.values()].map((room) => room.queue?.whenIdle()));
    },
    abandon() {
      for (const room of bySid.values()) room.queue?.abandon();
    },
    join(request) {
      const k = key(request.accountSid, request.name);
      let room = active.get(k);
      if (room === undefined) {
        const at = now();
        room = {
          sid: options.nextSid(),
          accountSid: request.accountSid,
          friendlyName: request.name,
          status: 'init',
          dateCreated: at,
          dateUpdated: at,
          reason: null,
          endedBy: null,
          members: new Map(),
          callback: null,
          queue: null,
          sequence: 0,
          recorder: null,
        };
        bySid.set(room.sid, room);
        active.set(k, room);
      }
      const present = [...room.members.values()].filter((m) => m.status !== 'complete').length;
      if (present >= request.maxParticipants) return { full: true };
      if (room.callback === null && request.statusCallback !== null) {
        room.callback = {
          url: request.statusCallback,
          method: request.statusCallbackMethod,
          events: new Set(request.statusCallbackEvent),
        };
      }
      const at = now();
      const member: Member = {
        request,
        muted: request.muted,
        hold: false,
        status: 'connecting',
        dateCreated: at,
        dateUpdated: at,
        kicked: false,
      };
      room.members.set(request.callSid, member);
      if (request.record && room.recorder === null) room.recorder = member;
      const joined = room;
      return {
        conferenceSid: joined.sid,
        get roomStarted() {
          return joined.status === 'in-progress';
        },
        connected() {
          // A member of a completed room is complete already (finish() marks them all).
          if (member.status !== 'connecting') return;
          member.status = 'connected';
          member.dateUpdated = now();
          notify(joined, 'join', 'participant-join', member);
          if (request.startConferenceOnEnter) start(joined);
          // Joining a room already started: the recorder starts now (record() is idempotent).
          if (joined.status === 'in-progress' && joined.recorder === member) request.control.record();
        },
        speaking(on) {
          if (member.status !== 'connected') return;
          notify(joined, 'speaker', on ? 'participant-speech-start' : 'participant-speech-stop', member);
        },
        left() {
          leave(joined, member);
        },
      };
    },

    get(conferenceSid) {
      const room = bySid.get(conferenceSid);
      return room === undefined ? undefined : record(room);
    },
    findActive(accountSid, friendlyName) {
      const room = active.get(key(accountSid, friendlyName));
      return room === undefined ? undefined : record(room);
    },
    list(filter) {
      const all = [...bySid.values()]
        .filter(
          (r) =>
            r.accountSid === filter.accountSid &&
            (filter.friendlyName === undefined || r.friendlyName === filter.friendlyName) &&
            (filter.status === undefined || r.status === filter.status),
        )
        .reverse()
        .map(record);
      return pageOf(all, filter);
    },
    end(conferenceSid) {
      const room = mustGet(conferenceSid);
      finish(room, 'conference-ended-via-api', null);
      return record(room);
    },
    participants(conferenceSid, filter = {}) {
      const room = mustGet(conferenceSid);
      const all = [...room.members.values()]
        .filter(
          (m) =>
            m.status !== 'complete' &&
            (filter.muted === undefined || m.muted === filter.muted) &&
            (filter.hold === undefined || m.hold === filter.hold),
        )
        .map((m) => participantRecord(room, m));
      return pageOf(all, filter);
    },
    participant(conferenceSid, callSid) {
      const room = mustGet(conferenceSid);
      const member = room.members.get(callSid);
      return member === undefined || member.status === 'complete'
        ? undefined
        : participantRecord(room, member);
    },
    async update(conferenceSid, callSid, changes) {
      const room = mustGet(conferenceSid);
      const member = mustMember(room, callSid);
      if (changes.muted !== undefined && changes.muted !== member.muted) {
        await member.request.control.mute(changes.muted);
        member.muted = changes.muted;
        member.dateUpdated = now();
        notify(room, 'mute', changes.muted ? 'participant-mute' : 'participant-unmute', member);
      }
      if (changes.hold !== undefined && changes.hold !== member.hold) {
        await member.request.control.hold(changes.hold, changes.holdUrl ?? null, changes.holdMethod ?? 'GET');
        member.hold = changes.hold;
        member.dateUpdated = now();
        notify(room, 'hold', changes.hold ? 'participant-hold' : 'participant-unhold', member);
      }
      return participantRecord(room, member);
    },
    kick(conferenceSid, callSid) {
      const room = mustGet(conferenceSid);
      const member = mustMember(room, callSid);
      member.kicked = true;
      member.request.control.kick();
    },
  };
  return registry;
}
