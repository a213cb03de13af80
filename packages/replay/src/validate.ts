/**
 * `validateScenario`: unknown JSON in, a `Scenario` out, or an `RcmlError` (20001) whose
 * message names the file and the offending field path. Every field of the replay format
 * (`docs/replay-format.md`, v1) is checked: type, allowed values, time order.
 */
import { type Checker, createChecker, isCommentKey, type Json } from './check.js';
import type { Scenario } from './scenario.js';
import { checkExpect } from './validateExpect.js';

const TOP = [
  'name',
  'source',
  'options',
  'call',
  'inbound',
  'party',
  'dialed',
  'app',
  'media',
  'modify',
  'expect',
  'numbers',
  'streams',
];
const OPTIONS = ['accountSid', 'authToken', 'apiVersion', 'fetchTimeout', 'epoch', 'conferenceWaitUrl'];
const INBOUND = [
  'From',
  'To',
  'Url',
  'Method',
  'FallbackUrl',
  'FallbackMethod',
  'StatusCallback',
  'StatusCallbackMethod',
  'StatusCallbackEvent',
  'CallerName',
  'ForwardedFrom',
  'FromCity',
  'FromState',
  'FromZip',
  'FromCountry',
  'ToCity',
  'ToState',
  'ToZip',
  'ToCountry',
];
/** What the number look-up knows about one number (`numbers`, docs/replay.md). */
const NUMBER_FIELDS = ['city', 'state', 'zip', 'country'];
const MEDIA = [
  'sayCharSeconds',
  'playSeconds',
  'defaultPlaySeconds',
  'digitSeconds',
  'recordingBaseUrl',
  'failUrls',
];
const PARTY_DO = ['ring', 'answer', 'busy', 'fail', 'dtmf', 'speak', 'hangup'] as const;
const DIALED_DO = ['ring', 'answer', 'busy', 'fail', 'hangup', 'dtmf', 'speak'] as const;
const OUTBOUND_ONLY = new Set(['ring', 'answer', 'busy', 'fail']);
const ANSWER_BY = [
  'human',
  'machine',
  'machine_start',
  'machine_end_beep',
  'machine_end_silence',
  'machine_end_other',
  'fax',
] as const;
const DTMF = /^[0-9*#A-D]+$/;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;
const APP_KEY = /^(GET|POST) (\S+)$/;

/**
 * Check a parsed scenario file. `fileName` is used in error messages. Unknown fields outside
 * `expect` are ignored, with a message pushed to `warnings` when given.
 */
export function validateScenario(json: unknown, fileName: string, warnings?: string[]): Scenario {
  const c = createChecker(fileName);
  const s = c.object(json, '');
  c.onlyKeys(s, TOP, '');
  c.string(c.has(s, 'name', ''), 'name', { nonEmpty: true });
  if (s.source !== undefined) c.string(s.source, 'source');
  if (s.options !== undefined) checkOptions(c, c.object(s.options, 'options'));

  const hasCall = s.call !== undefined;
  const hasInbound = s.inbound !== undefined;
  if (hasCall === hasInbound) {
    c.fail(hasCall ? 'inbound' : 'call', 'exactly one of "call" and "inbound" must be present');
  }
  if (hasCall) checkStrings(c, c.object(s.call, 'call'), 'call');
  if (hasInbound) {
    const inbound = c.object(s.inbound, 'inbound');
    c.onlyKeys(inbound, INBOUND, 'inbound');
    for (const key of ['From', 'To', 'Url']) c.has(inbound, key, 'inbound');
    checkStrings(c, inbound, 'inbound');
  }
  if (s.party !== undefined) checkParty(c, c.array(s.party, 'party'), hasInbound);
  if (s.dialed !== undefined) checkDialed(c, c.object(s.dialed, 'dialed'));
  if (s.app !== undefined) checkApp(c, c.object(s.app, 'app'));
  if (s.media !== undefined) checkMedia(c, c.object(s.media, 'media'));
  if (s.modify !== undefined) checkModify(c, c.array(s.modify, 'modify'));
  if (s.numbers !== undefined) checkNumbers(c, c.object(s.numbers, 'numbers'));
  if (s.streams !== undefined) checkStreams(c, c.object(s.streams, 'streams'));
  if (s.expect !== undefined) checkExpect(c, c.object(s.expect, 'expect'), hasInbound);
  warnings?.push(...c.warnings);
  return json as Scenario;
}

const STREAM_DO = ['media', 'mark', 'clear', 'close', 'drop'] as const;

/** `streams`: WebSocket URL (no query) → the application's actions after its stream started. */
function checkStreams(c: Checker, streams: Json): void {
  for (const [url, value] of Object.entries(streams)) {
    if (isCommentKey(url)) continue;
    const path = `streams.${url}`;
    if (!/^wss?:\/\/[^/?#\s]+[^?#\s]*$/.test(url)) {
      c.fail(path, 'must be keyed by an absolute ws:// or wss:// URL without a query');
    }
    let previous = 0;
    c.array(value, path).forEach((raw, i) => {
      const at = `${path}[${i}]`;
      const action = c.object(raw, at);
      const after = c.number(c.has(action, 'after', at), `${at}.after`, { min: 0 });
      if (after < previous)
        c.fail(`${at}.after`, `must not be earlier than the action before it (${previous})`);
      previous = after;
      const what = c.oneOf(c.has(action, 'do', at), STREAM_DO, `${at}.do`);
      if (what === 'media') {
        c.onlyKeys(action, ['after', 'do', 'for'], at);
        c.number(c.has(action, 'for', at), `${at}.for`, { above: 0 });
      } else if (what === 'mark') {
        c.onlyKeys(action, ['after', 'do', 'name'], at);
        c.string(c.has(action, 'name', at), `${at}.name`, { nonEmpty: true });
      } else c.onlyKeys(action, ['after', 'do'], at);
    });
  }
}

function checkOptions(c: Checker, o: Json): void {
  c.onlyKeys(o, OPTIONS, 'options');
  for (const key of ['accountSid', 'authToken', 'apiVersion']) {
    if (o[key] !== undefined) c.string(o[key], `options.${key}`, { nonEmpty: true });
  }
  if (o.fetchTimeout !== undefined) c.number(o.fetchTimeout, 'options.fetchTimeout', { above: 0 });
  if (o.conferenceWaitUrl !== undefined) c.boolean(o.conferenceWaitUrl, 'options.conferenceWaitUrl');
  if (o.epoch !== undefined) {
    const epoch = c.string(o.epoch, 'options.epoch');
    if (!ISO_INSTANT.test(epoch) || !Number.isFinite(Date.parse(epoch))) {
      c.fail('options.epoch', `must be an ISO-8601 instant like "2026-01-01T00:00:00Z", got "${epoch}"`);
    }
  }
}

/** `numbers`: number → what the number look-up port knows about it (all strings). */
function checkNumbers(c: Checker, numbers: Json): void {
  for (const [number, value] of Object.entries(numbers)) {
    const path = `numbers.${number}`;
    const info = c.object(value, path);
    c.onlyKeys(info, NUMBER_FIELDS, path, true);
    checkStrings(c, info, path);
  }
}

/** Request parameters: every value a string, as a REST client sends them. */
function checkStrings(c: Checker, o: Json, path: string): void {
  for (const [key, value] of Object.entries(o)) c.string(value, `${path}.${key}`);
}

/** `at`/`after` must not go back in time. */
function checkTime(c: Checker, value: unknown, path: string, previous: number): number {
  const t = c.number(value, path, { min: 0 });
  if (t < previous)
    c.fail(path, `must not be earlier than the action before it (${previous}); list actions in time order`);
  return t;
}

function checkAction(
  c: Checker,
  a: Json,
  path: string,
  timeKey: 'at' | 'after',
  allowed: readonly string[],
): string {
  const act = c.oneOf(c.has(a, 'do', path), allowed, `${path}.do`);
  const extra: Record<string, readonly string[]> = {
    answer: ['by', 'greeting'],
    dtmf: ['digits', 'gap'],
    speak: ['for', 'text', 'confidence'],
  };
  c.onlyKeys(a, [timeKey, 'do', ...(extra[act] ?? [])], path);
  if (act === 'answer' && a.by !== undefined) c.oneOf(a.by, ANSWER_BY, `${path}.by`);
  if (act === 'answer' && a.greeting !== undefined) c.number(a.greeting, `${path}.greeting`, { min: 0 });
  if (act === 'speak' && a.text !== undefined) c.string(a.text, `${path}.text`);
  if (act === 'speak' && a.confidence !== undefined) {
    c.number(a.confidence, `${path}.confidence`, { min: 0 });
    if ((a.confidence as number) > 1) c.fail(`${path}.confidence`, `must be at most 1, got ${a.confidence}`);
  }
  if (act === 'dtmf') {
    const digits = c.string(c.has(a, 'digits', path), `${path}.digits`);
    if (!DTMF.test(digits)) c.fail(`${path}.digits`, `must be keys 0-9 * # A-D, got "${digits}"`);
    if (a.gap !== undefined) c.number(a.gap, `${path}.gap`, { min: 0 });
  }
  if (act === 'speak') c.number(c.has(a, 'for', path), `${path}.for`, { above: 0 });
  return act;
}

function checkParty(c: Checker, party: unknown[], inbound: boolean): void {
  let previous = 0;
  party.forEach((item, i) => {
    const path = `party[${i}]`;
    const a = c.object(item, path);
    previous = checkTime(c, c.has(a, 'at', path), `${path}.at`, previous);
    const act = checkAction(c, a, path, 'at', PARTY_DO);
    if (inbound && OUTBOUND_ONLY.has(act)) {
      c.fail(`${path}.do`, `"${act}" is for outbound calls only (this scenario has "inbound")`);
    }
  });
}

function checkDialed(c: Checker, dialed: Json): void {
  for (const [to, list] of Object.entries(dialed)) {
    const base = `dialed.${to}`;
    if (to.trim() === '') c.fail(base, 'a dialled target must not be empty');
    let previous = 0;
    c.array(list, base).forEach((item, i) => {
      const path = `${base}[${i}]`;
      const a = c.object(item, path);
      previous = checkTime(c, c.has(a, 'after', path), `${path}.after`, previous);
      checkAction(c, a, path, 'after', DIALED_DO);
    });
  }
}

function checkApp(c: Checker, app: Json): void {
  for (const [key, value] of Object.entries(app)) {
    if (isCommentKey(key)) continue;
    const path = `app["${key}"]`;
    const m = APP_KEY.exec(key);
    if (m === null) c.fail(path, 'a key must be "<METHOD> <URL>" with METHOD GET or POST');
    let url: URL;
    try {
      url = new URL(m![2]!);
    } catch {
      c.fail(path, `"${m![2]}" is not an absolute URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') c.fail(path, 'the URL must be http or https');
    if (m![2]!.includes('?'))
      c.fail(path, 'the URL must not have a query string (GET is matched by path only)');
    if (Array.isArray(value)) {
      if (value.length === 0) c.fail(path, 'a list of responses must not be empty');
      value.forEach((r, i) => {
        checkResponse(c, r, `${path}[${i}]`);
      });
    } else checkResponse(c, value, path);
  }
}

function checkResponse(c: Checker, value: unknown, path: string): void {
  const r = c.object(value, path);
  if (r.error !== undefined) {
    c.onlyKeys(r, ['error'], path);
    c.oneOf(r.error, ['connect', 'hang'], `${path}.error`);
    return;
  }
  c.onlyKeys(r, ['status', 'type', 'body', 'delay', 'headers'], path);
  if (r.status !== undefined) c.number(r.status, `${path}.status`, { integer: true, min: 100 });
  if (typeof r.status === 'number' && r.status > 599)
    c.fail(`${path}.status`, `must be at most 599, got ${r.status}`);
  if (r.type !== undefined) c.string(r.type, `${path}.type`);
  if (r.body !== undefined) c.string(r.body, `${path}.body`);
  if (r.delay !== undefined) c.number(r.delay, `${path}.delay`, { min: 0 });
  if (r.headers !== undefined) checkStrings(c, c.object(r.headers, `${path}.headers`), `${path}.headers`);
}

function checkMedia(c: Checker, m: Json): void {
  c.onlyKeys(m, MEDIA, 'media');
  for (const key of ['sayCharSeconds', 'defaultPlaySeconds', 'digitSeconds']) {
    if (m[key] !== undefined) c.number(m[key], `media.${key}`, { min: 0 });
  }
  if (m.playSeconds !== undefined) {
    for (const [url, seconds] of Object.entries(c.object(m.playSeconds, 'media.playSeconds'))) {
      c.number(seconds, `media.playSeconds["${url}"]`, { min: 0 });
    }
  }
  if (m.recordingBaseUrl !== undefined) c.string(m.recordingBaseUrl, 'media.recordingBaseUrl');
  if (m.failUrls !== undefined) {
    c.array(m.failUrls, 'media.failUrls').forEach((u, i) => {
      c.string(u, `media.failUrls[${i}]`);
    });
  }
}

function checkModify(c: Checker, list: unknown[]): void {
  let previous = 0;
  list.forEach((item, i) => {
    const path = `modify[${i}]`;
    const m = c.object(item, path);
    previous = checkTime(c, c.has(m, 'at', path), `${path}.at`, previous);
    for (const [key, value] of Object.entries(m)) {
      if (key !== 'at' && typeof value !== 'string' && typeof value !== 'number') {
        c.fail(`${path}.${key}`, 'a POST parameter must be a string');
      }
    }
  });
}
