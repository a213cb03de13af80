/**
 * The Recordings resource: `Recordings` and `Calls/{CallSid}/Recordings` (list), one
 * recording (fetch with `.json`/`.xml`, delete), and its media: the path without a format
 * suffix or with `.wav` serves the WAV, `.mp3` an MP3 encoded from it.
 */
import { RcmlError, type RecordingRecord, rfc2822 } from '@rcml/core';
import { wavToMp3 } from '../audio.js';
import { accountPath, notAllowed, notFound, paging, type ResourceRequest, uriSuffix } from './context.js';
import { resourcePage, sendNoContent, sendOne, sendPage } from './render.js';

/** One recording as REST clients read it. */
export function toRecordingResource(record: RecordingRecord, request: ResourceRequest) {
  const base = `${accountPath(request)}/Recordings/${encodeURIComponent(record.sid)}`;
  return {
    account_sid: record.accountSid,
    api_version: request.match.version,
    call_sid: record.callSid,
    conference_sid: record.conferenceSid,
    date_created: rfc2822(record.startTime),
    date_updated: rfc2822(record.dateUpdated),
    start_time: rfc2822(record.startTime),
    duration: String(record.duration),
    sid: record.sid,
    price: null,
    price_unit: null,
    status: record.status,
    channels: record.channels,
    source: record.source,
    track: 'both',
    error_code: null,
    media_url: record.url,
    uri: `${base}${uriSuffix(request)}`,
    encryption_details: null,
    subresource_uris: {},
  };
}

/**
 * Serve `segments` when they name a recordings path: `[Recordings]`, `[Recordings, RE…]`,
 * `[Calls, CA…, Recordings]`, `[Calls, CA…, Recordings, RE…]`,
 * `[Conferences, CF…, Recordings]`. Returns false when they do not.
 */
/**
 * 405 for `POST Calls/{CallSid}/Recordings` (start) and `POST …/Recordings/{Sid}` (pause,
 * resume, stop): saying what records a call instead of a bare "use GET".
 */
function liveRecordingNotImplemented(): RcmlError {
  return new RcmlError(
    20004,
    'starting, pausing or stopping the recording of a live call through the REST API is not implemented: record with <Record>, <Dial record>, <Conference record>, or Record=true when creating the call',
  );
}

export async function serveRecordings(request: ResourceRequest): Promise<boolean> {
  const { segments } = request.match;
  let callSid: string | undefined;
  let conferenceSid: string | undefined;
  let rest: readonly string[];
  if (segments[0] === 'Recordings') rest = segments.slice(1);
  else if (segments[0] === 'Calls' && segments[2] === 'Recordings') {
    callSid = segments[1];
    rest = segments.slice(3);
  } else if (segments[0] === 'Conferences' && segments[2] === 'Recordings') {
    conferenceSid = segments[1];
    rest = segments.slice(3);
  } else return false;
  const { engine, method, match } = request;
  // TwiML's API starts, pauses and stops a live call's recording here; not this engine.
  if (callSid !== undefined && method === 'POST' && rest.length <= 1) throw liveRecordingNotImplemented();
  if (rest.length === 0) {
    if (method !== 'GET') throw notAllowed(method, 'GET');
    const { pageSize, page } = paging(request.query);
    const byCall = callSid ?? optional(request.query.CallSid);
    const byConference = conferenceSid ?? optional(request.query.ConferenceSid);
    const found = engine.recordings.list({
      accountSid: match.accountSid,
      pageSize,
      page,
      ...(byCall === undefined ? {} : { callSid: byCall }),
      ...(byConference === undefined ? {} : { conferenceSid: byConference }),
    });
    const filters: Record<string, string> = {};
    if (callSid === undefined && byCall !== undefined) filters.CallSid = byCall;
    if (conferenceSid === undefined && byConference !== undefined) filters.ConferenceSid = byConference;
    const listPath = `${accountPath(request)}/${segments.map(encodeURIComponent).join('/')}${uriSuffix(request)}`;
    sendPage(
      request.res,
      request.format,
      { key: 'recordings', list: 'Recordings', item: 'Recording' },
      resourcePage(
        { ...found, items: found.recordings },
        (r) => toRecordingResource(r, request),
        listPath,
        filters,
      ),
    );
    return true;
  }
  if (rest.length !== 1) return false;
  const sid = rest[0]!;
  const record = engine.recordings.get(sid);
  // Another account's (or another call's) recording is indistinguishable from a missing one.
  if (
    record === undefined ||
    record.accountSid !== match.accountSid ||
    (callSid !== undefined && record.callSid !== callSid) ||
    (conferenceSid !== undefined && record.conferenceSid !== conferenceSid)
  ) {
    throw notFound(`recording ${sid}`);
  }
  if (method === 'DELETE') {
    await engine.recordings.remove(sid);
    sendNoContent(request.res);
    return true;
  }
  if (method !== 'GET') throw notAllowed(method, 'GET or DELETE');
  const { suffix } = match;
  if (suffix === '.json' || suffix === '.xml') {
    sendOne(request.res, request.format, 'Recording', toRecordingResource(record, request));
    return true;
  }
  const wav = await engine.recordings.audio(sid);
  if (wav === null) throw notFound(`the audio of recording ${sid}`);
  const mp3 = suffix === '.mp3';
  const bytes = mp3 ? wavToMp3(wav) : wav;
  request.res.writeHead(200, {
    'Content-Type': mp3 ? 'audio/mpeg' : 'audio/x-wav',
    'Content-Length': String(bytes.length),
  });
  request.res.end(bytes);
  return true;
}

function optional(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}
