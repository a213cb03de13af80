/**
 * Arbitraries of RCML documents for the document model's property tests and for anyone who
 * needs many documents: valid typed documents (every value in range, so parsing gives no
 * warning), their RCML text, and near-valid texts carrying exactly one mutation whose outcome
 * is known (a bad attribute value, wrong nesting, an unknown verb, or truncation).
 */
import {
  type ConferenceNoun,
  type DialNoun,
  type DialRecord,
  type DialVerb,
  type ErrorCode,
  type GatherInput,
  type GatherVerb,
  type HttpMethod,
  type LegNounBase,
  type PauseVerb,
  type PlayVerb,
  type Position,
  type ProgressEvent,
  type RcmlDocument,
  type SayVerb,
  serializeDocument,
  type Verb,
} from '@rcml/core';
import fc from 'fast-check';

/** Generated verbs carry this placeholder position; compare with {@link stripPositions}. */
const NO_POSITION: Position = Object.freeze({ path: '' });

/** A copy of a document with every `position` removed, for deep comparisons. */
export function stripPositions(document: RcmlDocument): unknown {
  return JSON.parse(
    JSON.stringify(document, (key, value: unknown) => (key === 'position' ? undefined : value)),
  );
}

/** A trimmed, non-empty string of printable ASCII (markup characters included, to test escaping). */
function word(maxLength = 24): fc.Arbitrary<string> {
  return fc
    .string({ minLength: 1, maxLength })
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

const url = fc.oneof(
  fc.constantFrom('/next', 'next.xml', 'https://app.example.com/a?b=1&c=2', 'http://127.0.0.1/x'),
  word(),
);
const optionalUrl = fc.option(url, { nil: null });
const method = fc.constantFrom<HttpMethod>('GET', 'POST');
const phone = fc.oneof(
  fc.constantFrom('+15551234567', '0042', '+1 (555) 123-4567', '*72#'),
  fc.stringMatching(/^\+?[0-9]{1,15}$/),
);
const dtmf = fc.stringMatching(/^[0-9*#A-DwW]{1,12}$/);
const loop = fc.oneof(fc.constant(1), fc.integer({ min: 0, max: 1000 }));
const language = fc.constantFrom('en-US', 'en', 'en-GB', 'de-DE', 'fr-FR', 'cmn-Hans-CN', 'pt-BR');
const voice = fc.oneof(fc.constantFrom('man', 'woman', 'Polly.Joanna', 'Google.en-US-Standard-C'), word(16));

/** SSML pieces: [markup, plain text]. A tag adds no text of its own (spec 4.1: tags removed). */
const ssmlPiece: fc.Arbitrary<readonly [string, string]> = fc.oneof(
  word(12).map((t) => [escapeText(t), t] as const),
  fc.constantFrom('250ms', '1s', '2s').map((t) => [`<break time="${t}"/>`, ''] as const),
  word(12).map((t) => [`<emphasis level="strong">${escapeText(t)}</emphasis>`, t] as const),
  word(12).map((t) => [`<say-as interpret-as="digits">${escapeText(t)}</say-as>`, t] as const),
  word(12).map((t) => [`<s>${escapeText(t)}</s>`, t] as const),
);

const say: fc.Arbitrary<SayVerb> = fc
  .record({
    voice,
    language,
    loop,
    content: fc.oneof(
      { weight: 3, arbitrary: fc.oneof(fc.constant(''), word(60)).map((text) => ({ text })) },
      {
        weight: 1,
        arbitrary: fc
          .array(ssmlPiece, { minLength: 1, maxLength: 5 })
          .filter((pieces) => pieces.some(([markup]) => markup.startsWith('<')))
          .map(ssmlContent),
      },
    ),
  })
  .map(({ voice, language, loop, content }) => ({
    kind: 'Say',
    ...content,
    voice,
    language,
    loop,
    position: NO_POSITION,
  }));

function ssmlContent(pieces: readonly (readonly [string, string])[]): {
  text: string;
  ssml: string;
} {
  let ssml = '';
  let text = '';
  for (const [markup, plain] of pieces) {
    // Separate text pieces so adjacent ones stay distinct words in both forms.
    if (ssml !== '' && !markup.startsWith('<')) {
      ssml += ' ';
      text += ' ';
    }
    ssml += markup;
    text += plain;
  }
  // The plain text is the SSML with its tags removed, trimmed at the ends only.
  return { ssml, text: text.trim() };
}

function playArbitrary(allowDigits: boolean): fc.Arbitrary<PlayVerb> {
  const media = fc.record({ url, loop }).map(({ url, loop }) => ({ url, digits: null, loop }));
  const digits = fc.record({ digits: dtmf, loop }).map(({ digits, loop }) => ({ url: '', digits, loop }));
  return (allowDigits ? fc.oneof(media, digits) : media).map((p) => ({
    kind: 'Play',
    ...p,
    position: NO_POSITION,
  }));
}

const pause: fc.Arbitrary<PauseVerb> = fc
  .integer({ min: 1, max: 600 })
  .map((length) => ({ kind: 'Pause', length, position: NO_POSITION }));

const gather: fc.Arbitrary<GatherVerb> = fc
  .record({
    action: optionalUrl,
    method,
    timeout: fc.integer({ min: 1, max: 3600 }),
    finishOnKey: fc.constantFrom('#', '*', '', '0', '5', '9'),
    numDigits: fc.option(fc.integer({ min: 1, max: 20 }), { nil: null }),
    input: fc.constantFrom<GatherInput>('dtmf', 'speech', 'dtmf speech'),
    actionOnEmptyResult: fc.boolean(),
    bargeIn: fc.boolean(),
    children: fc.array(fc.oneof(say, playArbitrary(false), pause), { maxLength: 3 }),
  })
  .map((g) => ({ kind: 'Gather', ...g, position: NO_POSITION }));

const record = fc
  .record({
    action: optionalUrl,
    method,
    timeout: fc.integer({ min: 0, max: 3600 }),
    finishOnKey: fc.stringMatching(/^[0-9*#]{0,12}$/),
    maxLength: fc.integer({ min: 1, max: 14_400 }),
    playBeep: fc.boolean(),
    trim: fc.constantFrom('trim-silence' as const, 'do-not-trim' as const),
    recordingStatusCallback: optionalUrl,
    recordingStatusCallbackMethod: method,
  })
  .map((r): Verb => ({ kind: 'Record', ...r, position: NO_POSITION }));

const EVENTS: readonly ProgressEvent[] = ['initiated', 'ringing', 'answered', 'completed'];

const legAttributes: fc.Arbitrary<Omit<LegNounBase, 'value' | 'position'>> = fc
  .record({
    url: optionalUrl,
    method,
    statusCallback: optionalUrl,
    events: fc.subarray([...EVENTS]),
    statusCallbackMethod: method,
  })
  .map(({ events, ...rest }) => ({
    ...rest,
    // With a callback and no event listed, the parser subscribes `completed`.
    statusCallbackEvent: rest.statusCallback !== null && events.length === 0 ? ['completed'] : events,
  }));

const leg: fc.Arbitrary<DialNoun> = fc
  .record({
    kind: fc.constantFrom('Number' as const, 'Client' as const, 'Sip' as const),
    value: fc.oneof(phone, word(20)),
    attributes: legAttributes,
  })
  .map(({ kind, value, attributes }) => ({ kind, value, ...attributes, position: NO_POSITION }));

const conference: fc.Arbitrary<ConferenceNoun> = fc
  .record({
    value: word(20),
    muted: fc.boolean(),
    beep: fc.constantFrom('true' as const, 'false' as const, 'onEnter' as const, 'onExit' as const),
    startConferenceOnEnter: fc.boolean(),
    endConferenceOnExit: fc.boolean(),
    waitUrl: optionalUrl,
    maxParticipants: fc.integer({ min: 2, max: 250 }),
  })
  .map((c) => ({ kind: 'Conference', ...c, position: NO_POSITION }));

const dial: fc.Arbitrary<DialVerb> = fc
  .record({
    action: optionalUrl,
    method,
    timeout: fc.integer({ min: 5, max: 600 }),
    timeLimit: fc.integer({ min: 1, max: 14_400 }),
    callerId: fc.option(phone, { nil: null }),
    hangupOnStar: fc.boolean(),
    record: fc.constantFrom<DialRecord>(
      'do-not-record',
      'record-from-answer',
      'record-from-ringing',
      'record-from-answer-dual',
      'record-from-ringing-dual',
    ),
    nouns: fc.oneof(
      { weight: 4, arbitrary: fc.array(leg, { minLength: 1, maxLength: 10 }) },
      { weight: 1, arbitrary: conference.map((c) => [c]) },
    ),
  })
  .map((d) => ({ kind: 'Dial', ...d, position: NO_POSITION }));

const simple: fc.Arbitrary<Verb> = fc.oneof(
  fc.constant<Verb>({ kind: 'Hangup', position: NO_POSITION }),
  fc.record({ url, method }).map((r): Verb => ({ kind: 'Redirect', ...r, position: NO_POSITION })),
  fc
    .constantFrom('rejected' as const, 'busy' as const)
    .map((reason): Verb => ({ kind: 'Reject', reason, position: NO_POSITION })),
  fc
    .record({
      body: fc.oneof(fc.constant(''), word(80)),
      to: fc.option(phone, { nil: null }),
      from: fc.option(phone, { nil: null }),
      action: optionalUrl,
      method,
      statusCallback: optionalUrl,
    })
    .map((s): Verb => ({ kind: 'Sms', ...s, position: NO_POSITION })),
);

/** Any one verb with valid attributes. */
export function validVerb(): fc.Arbitrary<Verb> {
  return fc.oneof(say, playArbitrary(true), pause, gather, record, dial, simple);
}

/**
 * A typed document whose every value is valid and in canonical form: serializing and parsing
 * it gives it back (positions aside) with no warning. Up to 8 verbs (nested ones included, at
 * most 32: well under the 100-verb limit).
 */
export function validDocument(): fc.Arbitrary<RcmlDocument> {
  return fc.array(validVerb(), { maxLength: 8 }).map((verbs) => ({ verbs }));
}

/** The RCML text of a {@link validDocument}. */
export function validDocumentXml(): fc.Arbitrary<string> {
  return validDocument().map(serializeDocument);
}

/** The mutations of {@link nearValidDocumentXml}. */
export type DocumentMutation = 'bad-attribute' | 'wrong-nesting' | 'unknown-verb' | 'truncated';

/** A near-valid document and its known outcome. */
export interface NearValidDocument {
  readonly xml: string;
  readonly mutation: DocumentMutation;
  /**
   * For `bad-attribute` the document still parses (`ok: true`) with exactly this one warning;
   * otherwise parsing fails with this code.
   */
  readonly ok: boolean;
  readonly expectedCode: ErrorCode;
}

/** Verbs with one invalid attribute value, and the warning each gives. */
const BAD_ATTRIBUTE_VERBS: readonly (readonly [string, ErrorCode])[] = [
  ['<Say loop="often">x</Say>', 13501],
  ['<Say language="not a tag">x</Say>', 13501],
  ['<Play loop="-2">https://media.example.com/a.mp3</Play>', 13401],
  ['<Play digits="12x">https://media.example.com/a.mp3</Play>', 13401],
  ['<Pause length="0"/>', 13901],
  ['<Gather timeout="soon"/>', 13301],
  ['<Gather finishOnKey="ab"/>', 13301],
  ['<Record maxLength="99999"/>', 13601],
  ['<Record trim="maybe"/>', 13601],
  ['<Dial timeout="4">+15551234567</Dial>', 13201],
  ['<Dial><Number statusCallbackEvent="exploded">1</Number></Dial>', 13201],
  ['<Redirect method="PATCH">/next</Redirect>', 13701],
  ['<Reject reason="because"/>', 13801],
  ['<Sms method="SEND">hi</Sms>', 13801],
];

const WRONG_NESTING = [
  '<Gather><Dial>+15551234567</Dial></Gather>',
  '<Gather><Play digits="1"/></Gather>',
  '<Gather><Record/></Gather>',
  '<Number>+15551234567</Number>',
  '<Dial><Say>hi</Say></Dial>',
  '<Dial><Conference>a</Conference><Number>1</Number></Dial>',
  '<Say><Play>x</Play></Say>',
  '<Redirect/>',
];

const UNKNOWN_VERBS = [
  '<Connect/>',
  '<Connect><Room>r</Room></Connect>',
  '<Start><Siprec/></Start>',
  '<Pay>q</Pay>',
  '<Speak>x</Speak>',
];

/** Insert an element as the last verb of a serialized document. */
function insertVerb(xml: string, element: string): string {
  if (xml.includes('<Response/>')) return xml.replace('<Response/>', `<Response>${element}</Response>`);
  const end = xml.lastIndexOf('</Response>');
  return `${xml.slice(0, end)}  ${element}\n${xml.slice(end)}`;
}

/**
 * A valid document's text with exactly one mutation: a verb with a bad attribute value (parses,
 * one 13xxx warning), wrong nesting or an unknown verb (fails with 12200), or the text cut
 * before its end (fails with 12100).
 */
export function nearValidDocumentXml(): fc.Arbitrary<NearValidDocument> {
  const base = validDocumentXml();
  return fc.oneof(
    fc.tuple(base, fc.constantFrom(...BAD_ATTRIBUTE_VERBS)).map(([xml, [element, code]]) => ({
      xml: insertVerb(xml, element),
      mutation: 'bad-attribute' as const,
      ok: true,
      expectedCode: code,
    })),
    fc.tuple(base, fc.constantFrom(...WRONG_NESTING)).map(([xml, element]) => ({
      xml: insertVerb(xml, element),
      mutation: 'wrong-nesting' as const,
      ok: false,
      expectedCode: 12200 as const,
    })),
    fc.tuple(base, fc.constantFrom(...UNKNOWN_VERBS)).map(([xml, element]) => ({
      xml: insertVerb(xml, element),
      mutation: 'unknown-verb' as const,
      ok: false,
      expectedCode: 12200 as const,
    })),
    fc.tuple(base, fc.double({ min: 0, max: 1, noNaN: true })).map(([xml, at]) => {
      // Cut strictly before the root's final '>', so the root can never be complete.
      const last = xml.lastIndexOf('>');
      return {
        xml: xml.slice(0, Math.floor(at * last)),
        mutation: 'truncated' as const,
        ok: false,
        expectedCode: 12100 as const,
      };
    }),
  );
}

function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
