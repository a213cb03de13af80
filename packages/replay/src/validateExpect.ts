/**
 * Validation of a scenario's `expect`: `create`, `final`, and every timeline entry against the
 * fields the replay format's table allows for its kind and op.
 */
import type { Checker, Json } from './check.js';

const FINAL_STATUSES = ['completed', 'busy', 'failed', 'no-answer', 'canceled'] as const;
const OPS = [
  'answer',
  'say',
  'play',
  'digits',
  'pause',
  'gather',
  'record',
  'dial',
  'hangup',
  'reject',
] as const;
type Op = (typeof OPS)[number];
type FieldCheck = (c: Checker, value: unknown, path: string) => void;

const str: FieldCheck = (c, v, p) => void c.string(v, p);
const num: FieldCheck = (c, v, p) => void c.number(v, p, { min: 0 });
const int: FieldCheck = (c, v, p) => void c.number(v, p, { min: 0, integer: true });
const bool: FieldCheck = (c, v, p) => void c.boolean(v, p);

/** The fields of each media op (replay format, "Timeline entries" table). */
const OP_FIELDS: Record<Op, Record<string, FieldCheck>> = {
  answer: {},
  say: { text: str, voice: str, language: str, loop: int },
  play: { url: str, loop: int },
  digits: { digits: str },
  pause: { length: num },
  gather: {
    input: (c, v, p) => void c.oneOf(v, ['dtmf', 'speech', 'dtmf speech'], p),
    timeout: num,
    finishOnKey: str,
    numDigits: (c, v, p) => {
      if (v !== null) c.number(v, p, { min: 1, integer: true });
    },
  },
  record: {
    maxLength: num,
    timeout: num,
    finishOnKey: str,
    playBeep: bool,
    trim: (c, v, p) => void c.oneOf(v, ['trim-silence', 'do-not-trim'], p),
  },
  dial: {
    targets: (c, v, p) => {
      c.array(v, p).forEach((t, i) => {
        const target = c.object(t, `${p}[${i}]`);
        c.onlyKeys(target, ['type', 'to'], `${p}[${i}]`, true);
        c.oneOf(
          c.has(target, 'type', `${p}[${i}]`),
          ['number', 'client', 'sip', 'conference'],
          `${p}[${i}].type`,
        );
        c.string(c.has(target, 'to', `${p}[${i}]`), `${p}[${i}].to`);
      });
    },
    timeout: num,
    timeLimit: num,
    callerId: str,
    hangupOnStar: bool,
  },
  hangup: {},
  reject: { reason: (c, v, p) => void c.oneOf(v, ['rejected', 'busy'], p) },
};

/** Check `expect`. `inbound`: the scenario is an inbound call (no Calls API creation). */
export function checkExpect(c: Checker, e: Json, inbound: boolean): void {
  c.onlyKeys(e, ['create', 'timeline', 'final'], 'expect', true);
  let createOk = true;
  if (e.create !== undefined) {
    const create = c.object(e.create, 'expect.create');
    c.onlyKeys(create, ['ok', 'field'], 'expect.create', true);
    createOk = c.boolean(c.has(create, 'ok', 'expect.create'), 'expect.create.ok');
    if (create.field !== undefined) c.string(create.field, 'expect.create.field', { nonEmpty: true });
    if (!createOk && inbound)
      c.fail('expect.create.ok', 'only a "call" scenario can expect creation to fail');
  }
  if (e.final !== undefined) {
    const final = c.object(e.final, 'expect.final');
    c.onlyKeys(final, ['status', 'duration'], 'expect.final', true);
    if (final.status !== undefined) c.oneOf(final.status, FINAL_STATUSES, 'expect.final.status');
    if (final.duration !== undefined)
      c.number(final.duration, 'expect.final.duration', { min: 0, integer: true });
    if (!createOk) c.fail('expect.final', 'a call whose creation fails has no final state');
  }
  if (e.timeline !== undefined) {
    const timeline = c.array(e.timeline, 'expect.timeline');
    if (!createOk && timeline.length > 0) {
      c.fail('expect.timeline', 'must be empty when creation fails (no call exists)');
    }
    let previous = 0;
    timeline.forEach((entry, i) => {
      const at = checkEntry(c, c.object(entry, `expect.timeline[${i}]`), `expect.timeline[${i}]`);
      if (at !== undefined) {
        if (at < previous)
          c.fail(`expect.timeline[${i}].at`, `must not be earlier than an entry before it (${previous})`);
        previous = at;
      }
    });
  }
}

const STREAM_EVENTS = ['connect', 'start', 'media', 'dtmf', 'mark', 'clear', 'stop', 'close'] as const;

/** The fields a `stream` entry may carry (replay format, "Media streams"). */
const STREAM_FIELDS: Record<string, FieldCheck> = {
  from: (c, v, p) => void c.oneOf(v, ['engine', 'app'], p),
  event: (c, v, p) => void c.oneOf(v, STREAM_EVENTS, p),
  streamSid: str,
  url: str,
  name: str,
  tracks: (c, v, p) =>
    c.array(v, p).forEach((t, i) => void c.oneOf(t, ['inbound', 'outbound'], `${p}[${i}]`)),
  customParameters: (c, v, p) => {
    for (const [key, value] of Object.entries(c.object(v, p))) c.string(value, `${p}.${key}`);
  },
  bytes: int,
  digit: str,
  frames: int,
};

function checkEntry(c: Checker, entry: Json, path: string): number | undefined {
  const kind = c.oneOf(c.has(entry, 'kind', path), ['fetch', 'callback', 'media', 'stream'], `${path}.kind`);
  const at = entry.at === undefined ? undefined : c.number(entry.at, `${path}.at`, { min: 0 });
  if (kind === 'stream') {
    c.onlyKeys(entry, ['kind', 'at', ...Object.keys(STREAM_FIELDS)], path, true);
    c.has(entry, 'event', path);
    for (const [field, check] of Object.entries(STREAM_FIELDS)) {
      if (entry[field] !== undefined) check(c, entry[field], `${path}.${field}`);
    }
    return at;
  }
  if (kind !== 'media') {
    c.onlyKeys(entry, ['kind', 'at', 'method', 'url', 'params'], path, true);
    if (entry.method !== undefined) c.oneOf(entry.method, ['GET', 'POST'], `${path}.method`);
    if (entry.url !== undefined) c.string(entry.url, `${path}.url`);
    if (entry.params !== undefined) {
      for (const [key, value] of Object.entries(c.object(entry.params, `${path}.params`))) {
        if (value !== null) c.string(value, `${path}.params.${key}`);
      }
    }
    return at;
  }
  const op = c.oneOf(c.has(entry, 'op', path), OPS, `${path}.op`);
  const fields = OP_FIELDS[op];
  c.onlyKeys(entry, ['kind', 'at', 'op', ...Object.keys(fields)], path, true);
  for (const [field, check] of Object.entries(fields)) {
    if (entry[field] !== undefined) check(c, entry[field], `${path}.${field}`);
  }
  return at;
}
