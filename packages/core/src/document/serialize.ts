/**
 * Typed document → RCML text. Attributes equal to their default are left out, so the output is
 * what a person would write; `parseDocument` of the output gives the same typed document back
 * (positions aside). Values are escaped; SSML is written as stored (it is canonical markup).
 */
import type { DialNoun, GatherVerb, LegNounBase, RcmlDocument, StreamNoun, Verb } from './ast.js';
import { escapeAttribute, escapeText } from './entities.js';
import { DEFAULT_RECORD_FINISH_KEYS } from './verbs/record.js';

type Attrs = [name: string, value: string | number | boolean | null | undefined, fallback?: unknown][];

/** Typed document to RCML text (UTF-8 declaration, two-space indentation). */
export function serializeDocument(document: RcmlDocument): string {
  if (document.verbs.length === 0) return '<?xml version="1.0" encoding="UTF-8"?>\n<Response/>\n';
  let out = '<?xml version="1.0" encoding="UTF-8"?>\n<Response>\n';
  for (const verb of document.verbs) out += serializeVerb(verb, '  ');
  return `${out}</Response>\n`;
}

function serializeVerb(verb: Verb, indent: string): string {
  switch (verb.kind) {
    case 'Say': {
      const attrs = attributes([
        ['voice', verb.voice, 'man'],
        ['language', verb.language, 'en-US'],
        ['loop', verb.loop, 1],
      ]);
      return `${indent}<Say${attrs}>${verb.ssml ?? escapeText(verb.text)}</Say>\n`;
    }
    case 'Play': {
      const attrs = attributes([
        ['loop', verb.loop, 1],
        ['digits', verb.digits, null],
      ]);
      return element('Play', attrs, verb.digits === null ? verb.url : '', indent);
    }
    case 'Pause':
      return element('Pause', attributes([['length', verb.length, 1]]), '', indent);
    case 'Gather':
      return serializeGather(verb, indent);
    case 'Record': {
      const attrs = attributes([
        ['action', verb.action, null],
        ['method', verb.method, 'POST'],
        ['timeout', verb.timeout, 5],
        ['finishOnKey', verb.finishOnKey, DEFAULT_RECORD_FINISH_KEYS],
        ['maxLength', verb.maxLength, 3600],
        ['playBeep', verb.playBeep, true],
        ['trim', verb.trim, 'trim-silence'],
        ['recordingStatusCallback', verb.recordingStatusCallback, null],
        ['recordingStatusCallbackMethod', verb.recordingStatusCallbackMethod, 'POST'],
      ]);
      return element('Record', attrs, '', indent);
    }
    case 'Dial': {
      const attrs = attributes([
        ['action', verb.action, null],
        ['method', verb.method, 'POST'],
        ['timeout', verb.timeout, 30],
        ['timeLimit', verb.timeLimit, 14_400],
        ['callerId', verb.callerId, null],
        ['hangupOnStar', verb.hangupOnStar, false],
        ['record', verb.record, 'do-not-record'],
      ]);
      let out = `${indent}<Dial${attrs}>\n`;
      if (verb.queue !== undefined) {
        const queue = attributes([
          ['url', verb.queue.url, null],
          ['method', verb.queue.method, 'POST'],
        ]);
        out += element('Queue', queue, verb.queue.value, `${indent}  `);
      }
      for (const noun of verb.nouns) out += serializeNoun(noun, `${indent}  `);
      return `${out}${indent}</Dial>\n`;
    }
    case 'Hangup':
      return `${indent}<Hangup/>\n`;
    case 'Enqueue': {
      const attrs = attributes([
        ['action', verb.action, null],
        ['method', verb.method, 'POST'],
        ['waitUrl', verb.waitUrl, null],
        ['waitUrlMethod', verb.waitUrlMethod, 'POST'],
      ]);
      return element('Enqueue', attrs, verb.queue, indent);
    }
    case 'Leave':
      return `${indent}<Leave/>\n`;
    case 'Redirect':
      return element('Redirect', attributes([['method', verb.method, 'POST']]), verb.url, indent);
    case 'Reject':
      return element('Reject', attributes([['reason', verb.reason, 'rejected']]), '', indent);
    case 'Sms': {
      const attrs = attributes([
        ['to', verb.to, null],
        ['from', verb.from, null],
        ['action', verb.action, null],
        ['method', verb.method, 'POST'],
        ['statusCallback', verb.statusCallback, null],
      ]);
      return element('Sms', attrs, verb.body, indent);
    }
    case 'Connect': {
      const attrs = attributes([
        ['action', verb.action, null],
        ['method', verb.method, 'POST'],
      ]);
      return `${indent}<Connect${attrs}>\n${serializeStream(verb.stream, `${indent}  `)}${indent}</Connect>\n`;
    }
    case 'Start':
      return `${indent}<Start>\n${serializeStream(verb.stream, `${indent}  `)}${indent}</Start>\n`;
    case 'Stop': {
      const stream = element('Stream', attributes([['name', verb.name, null]]), '', `${indent}  `);
      return `${indent}<Stop>\n${stream}${indent}</Stop>\n`;
    }
  }
}

function serializeStream(stream: StreamNoun, indent: string): string {
  const attrs = attributes([
    ['url', stream.url, null],
    ['name', stream.name, null],
    ['track', stream.track, 'inbound_track'],
    ['statusCallback', stream.statusCallback, null],
    ['statusCallbackMethod', stream.statusCallbackMethod, 'POST'],
  ]);
  if (stream.parameters.length === 0) return `${indent}<Stream${attrs}/>\n`;
  let out = `${indent}<Stream${attrs}>\n`;
  for (const p of stream.parameters) {
    out += `${indent}  <Parameter${attributes([
      ['name', p.name, null],
      ['value', p.value, ''],
    ])}/>\n`;
  }
  return `${out}${indent}</Stream>\n`;
}

function serializeGather(verb: GatherVerb, indent: string): string {
  const attrs = attributes([
    ['action', verb.action, null],
    ['method', verb.method, 'POST'],
    ['timeout', verb.timeout, 5],
    ['finishOnKey', verb.finishOnKey, '#'],
    ['numDigits', verb.numDigits, null],
    ['input', verb.input, 'dtmf'],
    ['actionOnEmptyResult', verb.actionOnEmptyResult, false],
    ['bargeIn', verb.bargeIn, true],
    ['language', verb.language, undefined],
    ['hints', verb.hints?.join(', '), undefined],
    ['speechTimeout', verb.speechTimeout, undefined],
    ['partialResultCallback', verb.partialResultCallback, undefined],
    ['partialResultCallbackMethod', verb.partialResultCallbackMethod, undefined],
  ]);
  if (verb.children.length === 0) return `${indent}<Gather${attrs}/>\n`;
  let out = `${indent}<Gather${attrs}>\n`;
  for (const child of verb.children) out += serializeVerb(child, `${indent}  `);
  return `${out}${indent}</Gather>\n`;
}

function serializeNoun(noun: DialNoun, indent: string): string {
  if (noun.kind === 'Conference') {
    const attrs = attributes([
      ['muted', noun.muted, false],
      ['beep', noun.beep, 'true'],
      ['startConferenceOnEnter', noun.startConferenceOnEnter, true],
      ['endConferenceOnExit', noun.endConferenceOnExit, false],
      ['waitMethod', noun.waitMethod, undefined],
      ['record', noun.record, undefined],
      ['trim', noun.trim, undefined],
      ['coach', noun.coach, undefined],
      ['statusCallback', noun.statusCallback, undefined],
      ['statusCallbackEvent', noun.statusCallbackEvent?.join(' '), undefined],
      ['statusCallbackMethod', noun.statusCallbackMethod, undefined],
      ['recordingStatusCallback', noun.recordingStatusCallback, undefined],
      ['recordingStatusCallbackMethod', noun.recordingStatusCallbackMethod, undefined],
      ['waitUrl', noun.waitUrl, null],
      ['maxParticipants', noun.maxParticipants, 250],
    ]);
    return element('Conference', attrs, noun.value, indent);
  }
  return element(noun.kind, attributes(legAttributes(noun)), noun.value, indent);
}

function legAttributes(noun: LegNounBase): Attrs {
  const defaultEvents = noun.statusCallback === null ? '' : 'completed';
  const events = noun.statusCallbackEvent.join(' ');
  return [
    ['url', noun.url, null],
    ['method', noun.method, 'POST'],
    ['statusCallback', noun.statusCallback, null],
    ['statusCallbackEvent', events, defaultEvents],
    ['statusCallbackMethod', noun.statusCallbackMethod, 'POST'],
  ];
}

/** ` name="value"` for every attribute that differs from its default. */
function attributes(list: Attrs): string {
  let out = '';
  for (const [name, value, fallback] of list) {
    if (value === fallback || value === null || value === undefined) continue;
    out += ` ${name}="${escapeAttribute(String(value))}"`;
  }
  return out;
}

function element(name: string, attrs: string, text: string, indent: string): string {
  if (text === '') return `${indent}<${name}${attrs}/>\n`;
  return `${indent}<${name}${attrs}>${escapeText(text)}</${name}>\n`;
}
