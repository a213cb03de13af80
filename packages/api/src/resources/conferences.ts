/**
 * The Conferences resource (list, fetch, end with `Status=completed`) and its Participants
 * (list, fetch, `Muted`, `Hold` with `HoldUrl`/`HoldMethod`, kick with `DELETE`, and adding a
 * participant by dialling out: a new call whose document joins the room).
 */
import {
  type ConferenceRecord,
  type ConferenceStatus,
  type CreateCallParams,
  type ParticipantRecord,
  RcmlError,
  rfc2822,
} from '@rcml/core';
import {
  accountPath,
  notAllowed,
  notFound,
  paging,
  type ResourceRequest,
  reportUnimplemented,
  uriSuffix,
} from './context.js';
import { resourcePage, sendNoContent, sendOne, sendPage } from './render.js';

const STATUSES: readonly ConferenceStatus[] = ['init', 'in-progress', 'completed'];

function conferenceResource(conference: ConferenceRecord, request: ResourceRequest) {
  const base = `${accountPath(request)}/Conferences/${encodeURIComponent(conference.sid)}`;
  const suffix = uriSuffix(request);
  return {
    sid: conference.sid,
    account_sid: conference.accountSid,
    friendly_name: conference.friendlyName,
    status: conference.status,
    date_created: rfc2822(conference.dateCreated),
    date_updated: rfc2822(conference.dateUpdated),
    api_version: request.match.version,
    region: 'us1',
    reason_conference_ended: conference.reasonConferenceEnded,
    call_sid_ending_conference: conference.callSidEndingConference,
    uri: `${base}${suffix}`,
    subresource_uris: {
      participants: `${base}/Participants${suffix}`,
      recordings: `${base}/Recordings${suffix}`,
    },
  };
}

function participantResource(participant: ParticipantRecord, request: ResourceRequest) {
  return {
    account_sid: participant.accountSid,
    call_sid: participant.callSid,
    conference_sid: participant.conferenceSid,
    label: participant.label,
    call_sid_to_coach: participant.callSidToCoach,
    coaching: participant.coaching,
    date_created: rfc2822(participant.dateCreated),
    date_updated: rfc2822(participant.dateUpdated),
    end_conference_on_exit: participant.endConferenceOnExit,
    start_conference_on_enter: participant.startConferenceOnEnter,
    muted: participant.muted,
    hold: participant.hold,
    status: participant.status === 'complete' ? 'complete' : participant.status,
    queue_time: null,
    uri: `${accountPath(request)}/Conferences/${encodeURIComponent(participant.conferenceSid)}/Participants/${encodeURIComponent(participant.callSid)}${uriSuffix(request)}`,
  };
}

function bool(params: Readonly<Record<string, string>>, name: string): boolean | undefined {
  const raw = params[name];
  if (raw === undefined || raw === '') return undefined;
  if (raw === 'true' || raw === 'True') return true;
  if (raw === 'false' || raw === 'False') return false;
  throw new RcmlError(20001, `${name} must be true or false, got "${raw.slice(0, 20)}"`, { field: name });
}

function method(params: Readonly<Record<string, string>>, name: string): 'GET' | 'POST' | undefined {
  const raw = params[name];
  if (raw === undefined || raw === '') return undefined;
  const upper = raw.toUpperCase();
  if (upper !== 'GET' && upper !== 'POST') {
    throw new RcmlError(20001, `${name} must be GET or POST, got "${raw.slice(0, 20)}"`, { field: name });
  }
  return upper;
}

function httpUrl(params: Readonly<Record<string, string>>, name: string): string | undefined {
  const raw = params[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^https?:\/\//i.test(raw) || !URL.canParse(raw)) {
    throw new RcmlError(20001, `${name} must be an absolute http(s) URL`, { field: name });
  }
  return raw;
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
}

/** The create-participant parameters that become `<Conference>` attributes. */
const CONFERENCE_ATTRIBUTES: readonly (readonly [param: string, attribute: string])[] = [
  ['Muted', 'muted'],
  ['Beep', 'beep'],
  ['StartConferenceOnEnter', 'startConferenceOnEnter'],
  ['EndConferenceOnExit', 'endConferenceOnExit'],
  ['WaitUrl', 'waitUrl'],
  ['WaitMethod', 'waitMethod'],
  ['MaxParticipants', 'maxParticipants'],
  ['ConferenceRecord', 'record'],
  ['ConferenceTrim', 'trim'],
  ['ConferenceStatusCallback', 'statusCallback'],
  ['ConferenceStatusCallbackMethod', 'statusCallbackMethod'],
  ['ConferenceStatusCallbackEvent', 'statusCallbackEvent'],
  ['ConferenceRecordingStatusCallback', 'recordingStatusCallback'],
  ['ConferenceRecordingStatusCallbackMethod', 'recordingStatusCallbackMethod'],
  ['CallSidToCoach', 'coach'],
];
/** The create-participant parameters that are the new call's own. */
const CALL_PARAMS = [
  'From',
  'To',
  'Timeout',
  'StatusCallback',
  'StatusCallbackMethod',
  'StatusCallbackEvent',
  'Record',
  'RecordingStatusCallback',
  'RecordingStatusCallbackMethod',
  'RecordingChannels',
  'MachineDetection',
  'MachineDetectionTimeout',
];

/** Serve `[Conferences…]` paths other than their recordings (recordings.ts serves those). */
export async function serveConferences(request: ResourceRequest): Promise<boolean> {
  const { segments, accountSid } = request.match;
  if (segments[0] !== 'Conferences' || segments[2] === 'Recordings') return false;
  const conferences = request.engine.conferences;
  const { method: verb, res, format } = request;
  if (segments.length === 1) {
    if (verb !== 'GET') throw notAllowed(verb, 'GET');
    const status = request.query.Status;
    if (status !== undefined && status !== '' && !(STATUSES as readonly string[]).includes(status)) {
      throw new RcmlError(20001, `Status must be one of ${STATUSES.join(', ')}`, { field: 'Status' });
    }
    const name = request.query.FriendlyName;
    const page = conferences.list({
      accountSid,
      ...paging(request.query),
      ...(name ? { friendlyName: name } : {}),
      ...(status ? { status: status as ConferenceStatus } : {}),
    });
    sendPage(
      res,
      format,
      { key: 'conferences', list: 'Conferences', item: 'Conference' },
      resourcePage(
        page,
        (c) => conferenceResource(c, request),
        `${accountPath(request)}/Conferences${uriSuffix(request)}`,
        { ...(name ? { FriendlyName: name } : {}), ...(status ? { Status: status } : {}) },
      ),
    );
    return true;
  }
  // A conference by SID, or (to add a participant) by the name of a room not yet created.
  const ref = segments[1]!;
  const bySid = conferences.get(ref);
  const conference =
    bySid !== undefined && bySid.accountSid === accountSid ? bySid : conferences.findActive(accountSid, ref);
  const addingByName = segments[2] === 'Participants' && segments.length === 3 && verb === 'POST';
  if (conference === undefined && !addingByName) throw notFound(`conference ${ref}`);
  if (segments.length === 2) {
    if (verb === 'GET') {
      sendOne(res, format, 'Conference', conferenceResource(conference!, request));
      return true;
    }
    if (verb !== 'POST') throw notAllowed(verb, 'GET or POST');
    const params = await request.body();
    reportUnimplemented(request, params, ['Status']);
    const status = params.Status;
    if (status !== undefined && status !== '' && status !== 'completed') {
      throw new RcmlError(20001, `Status can only be completed, got "${status.slice(0, 20)}"`, {
        field: 'Status',
      });
    }
    const shown = status === 'completed' ? conferences.end(conference!.sid) : conference!;
    sendOne(res, format, 'Conference', conferenceResource(shown, request));
    return true;
  }
  if (segments[2] !== 'Participants' || segments.length > 4) return false;
  if (segments.length === 3) {
    if (verb === 'POST')
      return addParticipant(request, conference?.sid ?? null, conference?.friendlyName ?? ref);
    if (verb !== 'GET') throw notAllowed(verb, 'GET or POST');
    const muted = bool(request.query, 'Muted');
    const hold = bool(request.query, 'Hold');
    const page = conferences.participants(conference!.sid, {
      ...paging(request.query),
      ...(muted === undefined ? {} : { muted }),
      ...(hold === undefined ? {} : { hold }),
    });
    sendPage(
      res,
      format,
      { key: 'participants', list: 'Participants', item: 'Participant' },
      resourcePage(
        page,
        (p) => participantResource(p, request),
        `${accountPath(request)}/Conferences/${encodeURIComponent(conference!.sid)}/Participants${uriSuffix(request)}`,
      ),
    );
    return true;
  }
  const callSid = segments[3]!;
  const current = conferences.participant(conference!.sid, callSid);
  if (current === undefined) throw notFound(`participant ${callSid} of conference ${conference!.sid}`);
  if (verb === 'GET') {
    sendOne(res, format, 'Participant', participantResource(current, request));
  } else if (verb === 'DELETE') {
    conferences.kick(conference!.sid, callSid);
    sendNoContent(res);
  } else {
    const params = await request.body();
    reportUnimplemented(request, params, ['Muted', 'Hold', 'HoldUrl', 'HoldMethod']);
    const muted = bool(params, 'Muted');
    const hold = bool(params, 'Hold');
    const holdUrl = httpUrl(params, 'HoldUrl');
    const holdMethod = method(params, 'HoldMethod');
    const changed = await conferences.update(conference!.sid, callSid, {
      ...(muted === undefined ? {} : { muted }),
      ...(hold === undefined ? {} : { hold }),
      ...(holdUrl === undefined ? {} : { holdUrl }),
      ...(holdMethod === undefined ? {} : { holdMethod }),
    });
    sendOne(res, format, 'Participant', participantResource(changed, request));
  }
  return true;
}

/** Dial a new participant: a call to `To` whose inline document joins the room. */
async function addParticipant(
  request: ResourceRequest,
  conferenceSid: string | null,
  name: string,
): Promise<true> {
  const params = await request.body();
  for (const required of ['From', 'To']) {
    if (params[required] === undefined || params[required]!.trim() === '') {
      throw new RcmlError(20001, `${required} is required`, { field: required });
    }
  }
  reportUnimplemented(request, params, [
    ...CONFERENCE_ATTRIBUTES.map(([param]) => param),
    ...CALL_PARAMS,
    'Label',
  ]);
  let attrs = '';
  for (const [param, attribute] of CONFERENCE_ATTRIBUTES) {
    const value = params[param];
    if (value !== undefined && value !== '') attrs += ` ${attribute}="${escapeAttribute(value)}"`;
  }
  const twiml = `<Response><Dial><Conference${attrs}>${escapeAttribute(name).replace(/>/g, '&gt;')}</Conference></Dial></Response>`;
  const create: Record<string, string> = { Twiml: twiml };
  for (const key of CALL_PARAMS) if (params[key] !== undefined) create[key] = params[key]!;
  const call = request.engine.create(create as unknown as CreateCallParams, {
    accountSid: request.match.accountSid,
    apiVersion: request.match.version,
  });
  sendOne(
    request.res,
    request.format,
    'Participant',
    {
      account_sid: call.accountSid,
      call_sid: call.sid,
      conference_sid: conferenceSid,
      label: params.Label ?? null,
      call_sid_to_coach: params.CallSidToCoach ?? null,
      coaching: params.CallSidToCoach !== undefined && params.CallSidToCoach !== '',
      date_created: rfc2822(call.dateCreated),
      date_updated: rfc2822(call.dateUpdated),
      end_conference_on_exit: params.EndConferenceOnExit === 'true',
      start_conference_on_enter: params.StartConferenceOnEnter !== 'false',
      muted: params.Muted === 'true',
      hold: false,
      status: 'queued',
      queue_time: null,
      uri: `${accountPath(request)}/Conferences/${encodeURIComponent(conferenceSid ?? name)}/Participants/${encodeURIComponent(call.sid)}${uriSuffix(request)}`,
    },
    201,
  );
  return true;
}
