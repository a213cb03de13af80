/**
 * The nouns of `<Dial>` (spec 4.6): `<Number>`, `<Client>`, `<Sip>` share the leg attributes;
 * `<Conference>` has its own. Warnings use the Dial code 13201.
 */
import type {
  ClientNoun,
  ConferenceEventName,
  ConferenceNoun,
  NumberNoun,
  Position,
  ProgressEvent,
  SipNoun,
} from '../ast.js';
import type { ElementScope } from '../attributes.js';

type LegKind = 'Number' | 'Client' | 'Sip';
type LegNoun = NumberNoun | ClientNoun | SipNoun;

const EVENTS: readonly ProgressEvent[] = ['initiated', 'ringing', 'answered', 'completed'];

const NO_EVENTS: readonly ProgressEvent[] = Object.freeze([]);

/** A leg noun with every attribute at its default (plain text inside `<Dial>`). */
export function defaultLeg(kind: LegKind, value: string, position: Position): LegNoun {
  return {
    kind,
    value,
    url: null,
    method: 'POST',
    statusCallback: null,
    statusCallbackEvent: NO_EVENTS,
    statusCallbackMethod: 'POST',
    position,
  };
}

/** `<Number>`, `<Client>` or `<Sip>` with its attributes. */
export function parseLeg(scope: ElementScope, kind: LegKind, value: string, position: Position): LegNoun {
  if (scope.isEmpty()) return defaultLeg(kind, value, position);
  const statusCallback = scope.string('statusCallback');
  return {
    kind,
    value,
    url: scope.string('url'),
    method: scope.method('method'),
    statusCallback,
    statusCallbackEvent: parseEvents(scope, statusCallback !== null),
    statusCallbackMethod: scope.method('statusCallbackMethod'),
    position,
  };
}

/**
 * `statusCallbackEvent`: comma- or space-separated event names, kept in canonical order
 * without duplicates. One unknown name makes the whole value invalid: a warning, and the
 * default (spec 3), as when nothing is listed: with a callback `completed` alone, else none.
 */
function parseEvents(scope: ElementScope, hasCallback: boolean): readonly ProgressEvent[] {
  const fallback = hasCallback ? (EVENT_LISTS[8] as readonly ProgressEvent[]) : NO_EVENTS;
  const raw = scope.raw('statusCallbackEvent');
  let listed = 0; // bit i set = EVENTS[i] listed
  if (raw !== undefined) {
    let start = 0;
    for (let i = 0; i <= raw.length; i++) {
      const c = i === raw.length ? 32 : raw.charCodeAt(i);
      if (c !== 32 && c !== 44 /* , */ && c !== 9 && c !== 10 && c !== 13) continue;
      if (i > start) {
        const part = raw.slice(start, i);
        const bit = EVENT_BITS.get(part);
        if (bit === undefined) {
          const used = fallback.length === 0 ? 'no events' : fallback.join(' ');
          scope.warn('statusCallbackEvent', `"${part}" is not one of ${EVENTS.join(', ')}; using ${used}`);
          return fallback;
        }
        listed |= bit;
      }
      start = i + 1;
    }
  }
  if (listed === 0) return fallback;
  return EVENT_LISTS[listed] as readonly ProgressEvent[];
}

const EVENT_BITS: ReadonlyMap<string, number> = new Map(EVENTS.map((e, i) => [e, 1 << i]));
/** The event list of every subset (index = bit mask), in canonical order, shared and frozen. */
const EVENT_LISTS: readonly (readonly ProgressEvent[])[] = Array.from({ length: 16 }, (_, mask) =>
  Object.freeze(EVENTS.filter((_e, i) => (mask & (1 << i)) !== 0)),
);

const BEEPS = ['true', 'false', 'onEnter', 'onExit'] as const;

/** `<Conference>` (room name in `value`) with its attributes. */
export function parseConference(scope: ElementScope, value: string, position: Position): ConferenceNoun {
  return {
    kind: 'Conference',
    value,
    muted: scope.boolean('muted', false),
    beep: scope.oneOf('beep', BEEPS, 'true'),
    startConferenceOnEnter: scope.boolean('startConferenceOnEnter', true),
    endConferenceOnExit: scope.boolean('endConferenceOnExit', false),
    waitUrl: scope.string('waitUrl'),
    maxParticipants: scope.integer('maxParticipants', 250, 2, 250),
    ...conferenceExtras(scope),
    position,
  };
}

const CONFERENCE_EVENTS: readonly ConferenceEventName[] = [
  'start',
  'end',
  'join',
  'leave',
  'mute',
  'hold',
  'speaker',
];
const RECORD_MODES = ['do-not-record', 'record-from-start'] as const;
const TRIMS = ['trim-silence', 'do-not-trim'] as const;

/** The `<Conference>` attributes beyond the room's own; only those present are set. */
function conferenceExtras(scope: ElementScope): Partial<ConferenceNoun> {
  if (scope.isEmpty()) return {};
  const out: { -readonly [K in keyof ConferenceNoun]?: ConferenceNoun[K] } = {};
  if (scope.raw('waitMethod') !== undefined) out.waitMethod = scope.method('waitMethod');
  const record = scope.raw('record');
  if (record !== undefined) {
    out.record =
      record === 'true'
        ? 'record-from-start'
        : record === 'false'
          ? 'do-not-record'
          : scope.oneOf('record', RECORD_MODES, 'do-not-record');
  }
  if (scope.raw('trim') !== undefined) out.trim = scope.oneOf('trim', TRIMS, 'trim-silence');
  // scope.string gives null for an empty value.
  const coach = scope.string('coach');
  if (coach !== null) out.coach = coach;
  const statusCallback = scope.string('statusCallback');
  if (statusCallback !== null) out.statusCallback = statusCallback;
  const events = scope.raw('statusCallbackEvent');
  if (events !== undefined) {
    // Stryker disable next-line ArrayDeclaration: only names in CONFERENCE_EVENTS are kept from the list (filter below), so a foreign first item changes nothing
    const listed: ConferenceEventName[] = [];
    for (const part of events.split(/[\s,]+/)) {
      if (part === '') continue;
      if ((CONFERENCE_EVENTS as readonly string[]).includes(part)) {
        if (!listed.includes(part as ConferenceEventName)) listed.push(part as ConferenceEventName);
      } else {
        scope.warn('statusCallbackEvent', `"${part}" is not one of ${CONFERENCE_EVENTS.join(', ')}; ignored`);
      }
    }
    out.statusCallbackEvent = CONFERENCE_EVENTS.filter((e) => listed.includes(e));
  }
  if (scope.raw('statusCallbackMethod') !== undefined)
    out.statusCallbackMethod = scope.method('statusCallbackMethod');
  const recordingStatusCallback = scope.string('recordingStatusCallback');
  if (recordingStatusCallback !== null) out.recordingStatusCallback = recordingStatusCallback;
  if (scope.raw('recordingStatusCallbackMethod') !== undefined) {
    out.recordingStatusCallbackMethod = scope.method('recordingStatusCallbackMethod');
  }
  return out;
}
