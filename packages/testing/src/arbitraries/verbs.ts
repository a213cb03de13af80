/**
 * RCML verbs as XML text, for the realistic menu applications of `menuApp.ts`. Attribute
 * values stay in small ranges (short prompts, short timeouts) so that a generated call
 * lasts seconds of simulated time, and every URL is a reference to a page of the same
 * application, written the ways applications write them (relative, rooted, absolute).
 */
import fc from 'fast-check';
import { APP_BASE, MEDIA_URLS, RECORDING_STATUS_URL, STATUS_URL } from './common.js';

/** Dial targets as written in documents, with the `to` the driver receives (spec 4.6). */
export const DIAL_TARGETS: readonly { readonly tag: string; readonly value: string; readonly to: string }[] =
  [
    { tag: 'Number', value: '+1 555-000-3333', to: '+15550003333' },
    { tag: 'Number', value: '+15550004444', to: '+15550004444' },
    { tag: 'Client', value: 'alice', to: 'alice' },
    { tag: 'Sip', value: 'sip:carol@sip.test', to: 'sip:carol@sip.test' },
  ];
/** Every `to` a generated `<Dial>` can ring (the `dialed` keys of generated scenarios). */
export const DIAL_TARGET_NAMES: readonly string[] = [...DIAL_TARGETS.map((t) => t.to), '+15550005555', 'bob'];

const PHRASES = [
  'Welcome',
  'Press one for sales',
  'Press two for support',
  'Please hold',
  'Goodbye',
  'Leave a message after the tone',
  'Sorry, I did not get that',
];

/** An attribute string ` name="value"`, or nothing. */
function attr(name: string, value: fc.Arbitrary<string | number | boolean>): fc.Arbitrary<string> {
  return fc.option(
    value.map((v) => ` ${name}="${String(v)}"`),
    { nil: '', freq: 2 },
  );
}

function attrs(...parts: fc.Arbitrary<string>[]): fc.Arbitrary<string> {
  return fc.tuple(...parts).map((list) => list.join(''));
}

/** A reference to one of the application's pages, in one of the ways documents write URLs. */
export function pageRef(pages: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(fc.constantFrom(...pages), fc.constantFrom('relative', 'dot', 'rooted', 'absolute'))
    .map(([page, form]) => {
      if (form === 'relative') return page;
      if (form === 'dot') return `./${page}`;
      if (form === 'rooted') return `/${page}`;
      return `${APP_BASE}/${page}`;
    });
}

const method = fc.constantFrom('GET', 'POST');

/** `<Say>` with a short prompt, sometimes a voice, language and loop. */
export function say(): fc.Arbitrary<string> {
  return fc
    .tuple(
      attrs(
        attr('voice', fc.constantFrom('man', 'woman', 'Polly.Joanna')),
        attr('language', fc.constantFrom('en-US', 'en-GB', 'de-DE')),
      ),
      attr('loop', fc.integer({ min: 1, max: 3 })),
      fc.constantFrom(...PHRASES),
    )
    .map(([a, loop, text]) => `<Say${a}${loop}>${text}</Say>`);
}

/** `<Play>` of a media URL (one of them cannot be fetched when `media.failUrls` says so), or `digits`. */
export function play(): fc.Arbitrary<string> {
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .tuple(attr('loop', fc.integer({ min: 1, max: 2 })), fc.constantFrom(...MEDIA_URLS))
        .map(([l, u]) => `<Play${l}>${u}</Play>`),
    },
    { weight: 1, arbitrary: fc.constantFrom('12w3', '1W', '#').map((d) => `<Play digits="${d}"/>`) },
  );
}

/** `<Pause>` of 1 to 3 seconds. */
export function pause(): fc.Arbitrary<string> {
  return attr('length', fc.integer({ min: 1, max: 3 })).map((a) => `<Pause${a}/>`);
}

/** `<Gather>` with short timeouts, up to two prompts, and an `action` page of the application. */
export function gather(pages: readonly string[]): fc.Arbitrary<string> {
  const prompt = fc.oneof(
    { weight: 3, arbitrary: say() },
    { weight: 1, arbitrary: play().filter((p) => !p.includes('digits')) },
    { weight: 1, arbitrary: pause() },
  );
  return fc
    .tuple(
      attrs(
        attr('action', pageRef(pages)),
        attr('method', method),
        attr('numDigits', fc.integer({ min: 1, max: 3 })),
        attr('timeout', fc.integer({ min: 1, max: 5 })),
        attr('finishOnKey', fc.constantFrom('#', '*', '', '0')),
        attr('actionOnEmptyResult', fc.boolean()),
        attr('bargeIn', fc.boolean()),
      ),
      fc.array(prompt, { maxLength: 2 }),
    )
    .map(([a, children]) =>
      children.length === 0 ? `<Gather${a}/>` : `<Gather${a}>${children.join('')}</Gather>`,
    );
}

/** `<Record>` of at most 10 s, with an `action` page and the recording-status endpoint. */
export function record(pages: readonly string[]): fc.Arbitrary<string> {
  return attrs(
    attr('action', pageRef(pages)),
    attr('method', method),
    attr('maxLength', fc.integer({ min: 1, max: 10 })),
    attr('timeout', fc.integer({ min: 0, max: 4 })),
    attr('finishOnKey', fc.constantFrom('#', '1234567890*#', '')),
    attr('playBeep', fc.boolean()),
    attr('trim', fc.constantFrom('trim-silence', 'do-not-trim')),
    attr('recordingStatusCallback', fc.constant(RECORDING_STATUS_URL)),
  ).map((a) => `<Record${a}/>`);
}

/** A `<Number>`/`<Client>`/`<Sip>` noun, sometimes with its own status callback or whisper `url`. */
function noun(tag: string, value: string, pages: readonly string[]): fc.Arbitrary<string> {
  const events = fc
    .subarray(['initiated', 'ringing', 'answered', 'completed'])
    .map((list) => (list.length === 0 ? '' : ` statusCallbackEvent="${list.join(' ')}"`));
  const callback = fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: events.map((e) => ` statusCallback="${STATUS_URL}"${e}`) },
  );
  const whisper = fc.oneof(
    { weight: 3, arbitrary: fc.constant('') },
    { weight: 1, arbitrary: pageRef(pages).map((u) => ` url="${u}"`) },
    { weight: 3, arbitrary: pageRef([SCREEN_PAGE]).map((u) => ` url="${u}"`) },
  );
  return fc.tuple(callback, whisper).map(([c, w]) => `<${tag}${c}${w}>${value}</${tag}>`);
}

/** The call-screening page every generated application has (a noun's whisper `url`, spec 4.6). */
export const SCREEN_PAGE = 'screen';
/** The page the screening `<Gather>` submits to: accepts, declines or screens again. */
export const SCREENED_PAGE = 'screened';

/**
 * TwiML's call-screening document, run on the answered dial leg: a prompt, a `<Gather>` for
 * the dialled party's key, and what happens without one (accept by running out, decline with
 * `<Hangup>`, or screen again).
 */
export function screenDocument(): fc.Arbitrary<string> {
  return fc
    .record({
      intro: fc.option(say(), { nil: '', freq: 2 }),
      menu: gather([SCREENED_PAGE]),
      noInput: fc.constantFrom(
        '',
        '<Hangup/>',
        '<Say>Goodbye</Say><Hangup/>',
        `<Redirect>${SCREEN_PAGE}</Redirect>`,
      ),
    })
    .map(({ intro, menu, noInput }) => `<Response>${intro}${menu}${noInput}</Response>`);
}

/** The answer to the screening `<Gather>`: accept (documents run out), decline, or ask again. */
export function screenedDocument(): fc.Arbitrary<string> {
  return fc.constantFrom(
    '<Response/>',
    '<Response><Say>Connecting</Say></Response>',
    '<Response><Hangup/></Response>',
    '<Response><Say>Goodbye</Say><Hangup/></Response>',
    `<Response><Redirect>${SCREEN_PAGE}</Redirect></Response>`,
  );
}

/** `<Dial>` to known targets (see {@link DIAL_TARGET_NAMES}) or a conference, with short timeouts. */
export function dial(pages: readonly string[]): fc.Arbitrary<string> {
  const targets = fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .subarray([...DIAL_TARGETS], { minLength: 1 })
        .chain((list) => fc.tuple(...list.map((t) => noun(t.tag, t.value, pages))))
        .map((nouns) => nouns.join('')),
    },
    { weight: 2, arbitrary: fc.constantFrom('+1 (555) 000-5555', 'client:bob') },
    { weight: 1, arbitrary: fc.constant('<Conference>room-1</Conference>') },
  );
  return fc
    .tuple(
      attrs(
        attr('action', pageRef(pages)),
        attr('method', method),
        attr('timeout', fc.integer({ min: 5, max: 15 })),
        attr('timeLimit', fc.integer({ min: 5, max: 60 })),
        attr('hangupOnStar', fc.boolean()),
        attr('callerId', fc.constant('+15550009999')),
      ),
      targets,
    )
    .map(([a, t]) => `<Dial${a}>${t}</Dial>`);
}

/** `<Redirect>` to a page of the application. */
export function redirect(pages: readonly string[]): fc.Arbitrary<string> {
  return fc
    .tuple(attr('method', method), pageRef(pages))
    .map(([a, url]) => `<Redirect${a}>${url}</Redirect>`);
}

/** `<Reject>`, sometimes with a reason. */
export function reject(): fc.Arbitrary<string> {
  return attr('reason', fc.constantFrom('rejected', 'busy')).map((a) => `<Reject${a}/>`);
}

/** `<Sms>`, sometimes with an `action` page. */
export function sms(pages: readonly string[]): fc.Arbitrary<string> {
  return attrs(attr('action', pageRef(pages)), attr('to', fc.constant('+15550007777'))).map(
    (a) => `<Sms${a}>Your code is 1234</Sms>`,
  );
}
