/**
 * What parseDocument makes of text and CDATA inside elements, of misplaced elements, and of the
 * attribute values a verb or noun does not accept: the warning names the element, the attribute
 * and what is used instead.
 */
import { type DialVerb, type DocumentIssue, parseDocument, type RcmlDocument, type Verb } from '@rcml/core';
import { describe, expect, it } from 'vitest';

function ok(xml: string): { document: RcmlDocument; warnings: readonly DocumentIssue[] } {
  const result = parseDocument(xml);
  if (!result.ok) throw new Error(`${result.error.code} ${result.error.message}`);
  return { document: result.document, warnings: result.warnings };
}
function first(xml: string): Verb {
  return ok(xml).document.verbs[0] as Verb;
}
function failure(xml: string): DocumentIssue {
  const result = parseDocument(xml);
  if (result.ok) throw new Error('parsed without error');
  return result.error;
}
/** The one warning of a document, and the verb it is about. */
function warned(xml: string): { verb: Verb; warning: DocumentIssue } {
  const { document, warnings } = ok(xml);
  expect(warnings).toHaveLength(1);
  return { verb: document.verbs[0] as Verb, warning: warnings[0] as DocumentIssue };
}

describe('the root element', () => {
  it('is found after an XML declaration and a comment', () => {
    const { document } = ok('<?xml version="1.0"?>\n<!-- menu -->\n<Response>\n<Hangup/>\n</Response>');
    expect(document.verbs).toEqual([{ kind: 'Hangup', position: { path: 'Response/Hangup[1]', line: 4 } }]);
    expect(failure('<?xml version="1.0"?>\n<Reply/>')).toEqual({
      code: 12102,
      message: 'the root element is <Reply>, not <Response>',
      path: 'Reply',
      line: 2,
    });
  });
});

describe('text and CDATA inside elements', () => {
  it('a blank CDATA section between verbs or inside a Gather is ignored like blank text', () => {
    const { document } = ok(
      '<Response><![CDATA[  ]]><Gather><![CDATA[ \n ]]><Say>a</Say></Gather><![CDATA[]]></Response>',
    );
    expect(document.verbs).toMatchObject([{ kind: 'Gather', children: [{ kind: 'Say', text: 'a' }] }]);
  });

  it('text in a CDATA section where verbs stand is refused, quoted', () => {
    expect(failure('<Response><![CDATA[ hello ]]></Response>')).toEqual({
      code: 12200,
      message: '<Response> at Response may not hold text ("hello")',
      path: 'Response',
      line: 1,
    });
    expect(failure('<Response>\n<Gather>\n<![CDATA[press one]]></Gather></Response>')).toEqual({
      code: 12200,
      message: '<Gather> at Response/Gather[1] may not hold text ("press one")',
      path: 'Response/Gather[1]',
      line: 2,
    });
  });

  it('refused text is quoted by its first 40 characters', () => {
    const text = `${'a'.repeat(40)}bcdef`;
    expect(failure(`<Response>${text}</Response>`).message).toBe(
      `<Response> at Response may not hold text ("${'a'.repeat(40)}")`,
    );
  });

  it('a Dial target written in CDATA, or in text and CDATA together, is dialled', () => {
    expect(first('<Response><Dial><![CDATA[+15551234]]></Dial></Response>')).toMatchObject({
      nouns: [{ kind: 'Number', value: '+15551234' }],
    });
    expect(first('<Response><Dial> +1555<![CDATA[1234 ]]></Dial></Response>')).toMatchObject({
      nouns: [{ kind: 'Number', value: '+15551234' }],
    });
    expect(first('<Response><Dial><![CDATA[client:]]>alice</Dial></Response>')).toMatchObject({
      nouns: [{ kind: 'Client', value: 'alice' }],
    });
  });

  it('a noun, URL or queue name split between text and CDATA is joined and trimmed', () => {
    expect(first('<Response><Dial><Number>+1<![CDATA[555]]>1234</Number></Dial></Response>')).toMatchObject({
      nouns: [{ kind: 'Number', value: '+15551234' }],
    });
    expect(first('<Response><Play><![CDATA[ http://x/a.wav ]]></Play></Response>')).toMatchObject({
      url: 'http://x/a.wav',
    });
    expect(first('<Response><Enqueue>sup<![CDATA[port ]]></Enqueue></Response>')).toMatchObject({
      queue: 'support',
    });
    expect(first('<Response><Pause><![CDATA[ ]]></Pause></Response>')).toMatchObject({ kind: 'Pause' });
    expect(failure('<Response><Pause>a<![CDATA[b]]></Pause></Response>')).toMatchObject({
      code: 12200,
      message: '<Pause> at Response/Pause[1] may not hold text',
    });
  });
});

describe('misplaced elements', () => {
  it('name the element, where it stands and what holds it', () => {
    expect(failure('<Response><Say>a</Say><Number>1</Number></Response>')).toEqual({
      code: 12200,
      message: '<Number> may not stand inside <Response> (at Response/Number[1])',
      path: 'Response/Number[1]',
      line: 1,
    });
    expect(failure('<Response>\n<Dial><Say>a</Say></Dial></Response>')).toEqual({
      code: 12200,
      message: '<Say> may not stand inside <Dial> (at Response/Dial[1]/Say[1])',
      path: 'Response/Dial[1]/Say[1]',
      line: 2,
    });
    expect(failure('<Response><Dial><Number>1<Say>a</Say></Number></Dial></Response>')).toEqual({
      code: 12200,
      message: '<Say> may not stand inside <Number> (at Response/Dial[1]/Number[1]/Say[1])',
      path: 'Response/Dial[1]/Number[1]/Say[1]',
      line: 1,
    });
  });
});

describe('Say text cut at 4096 code points', () => {
  it('warns (13521) naming the limit, at the <Say>, and speaks the cut text without its SSML', () => {
    const { verb, warning } = warned(
      `<Response>\n<Say><prosody rate="slow">${'a'.repeat(4097)}</prosody></Say></Response>`,
    );
    expect(warning).toEqual({
      code: 13521,
      message: '<Say> text is over 4096 characters; cut to 4096',
      path: 'Response/Say[1]',
      line: 2,
    });
    expect(verb).toMatchObject({ kind: 'Say', text: 'a'.repeat(4096) });
    expect(verb).not.toHaveProperty('ssml');
  });

  it('counts a pair of surrogates as one character, from the first low surrogate to the last', () => {
    for (const char of ['\u{10000}', '\u{103FF}', '\u{1F389}', '\u{10FC00}']) {
      const { document, warnings } = ok(`<Response><Say>${char.repeat(4100)}</Say></Response>`);
      expect(warnings.map((w) => w.code)).toEqual([13521]);
      expect(document.verbs[0]).toMatchObject({ text: char.repeat(4096) });
    }
  });

  it('counts a high surrogate not followed by a low one as one character', () => {
    for (const pair of ['\uD800a', '\uDBFF\uE000', '\uD800\uDBFF', 'a\uDC00', '\uDC00\uDC00']) {
      const text = pair.repeat(2100);
      const { document, warnings } = ok(`<Response><Say>${text}</Say></Response>`);
      expect(warnings.map((w) => w.code)).toEqual([13521]);
      expect(document.verbs[0]).toMatchObject({ text: text.slice(0, 4096) });
    }
  });
});

describe('Enqueue and Queue', () => {
  it('cuts a queue name over 64 characters (code points) and says so', () => {
    const name = `${'\u{1F389}'.repeat(60)}abcdefgh`;
    const { verb, warning } = warned(`<Response>\n<Enqueue>${name}</Enqueue></Response>`);
    const cut = `${'\u{1F389}'.repeat(60)}abcd`;
    expect(verb).toMatchObject({ kind: 'Enqueue', queue: cut });
    expect(warning).toEqual({
      code: 13801,
      message: `<Enqueue> queue name is over 64 characters; cut to "${cut}"`,
      path: 'Response/Enqueue[1]',
      line: 2,
    });
    expect(ok(`<Response><Enqueue>${'q'.repeat(64)}</Enqueue></Response>`).warnings).toEqual([]);
  });

  it('a Dial Queue is a Queue target with its url and method', () => {
    expect(
      first('<Response><Dial><Queue url="/agent" method="GET">support</Queue></Dial></Response>'),
    ).toMatchObject({
      kind: 'Dial',
      nouns: [],
      queue: {
        kind: 'Queue',
        value: 'support',
        url: '/agent',
        method: 'GET',
        position: { path: 'Response/Dial[1]/Queue[1]', line: 1 },
      },
    });
  });
});

describe('attribute values that are refused, with the value used instead', () => {
  it('Gather numDigits and input', () => {
    expect(warned('<Response><Gather numDigits="0"/></Response>')).toMatchObject({
      verb: { numDigits: null },
      warning: {
        code: 13301,
        attribute: 'numDigits',
        message: '<Gather> numDigits: "0" is not a whole number of at least 1; using unlimited',
      },
    });
    expect(warned('<Response><Gather input="voice"/></Response>')).toMatchObject({
      verb: { input: 'dtmf' },
      warning: {
        code: 13301,
        attribute: 'input',
        message: '<Gather> input: "voice" is not dtmf, speech or both; using dtmf',
      },
    });
  });

  it('Gather input takes dtmf and speech in either order, whatever spaces separate them', () => {
    for (const input of ['speech  dtmf', 'dtmf\tspeech', 'speech\n dtmf']) {
      const { document, warnings } = ok(`<Response><Gather input="${input}"/></Response>`);
      expect(warnings).toEqual([]);
      expect(document.verbs[0]).toMatchObject({ input: 'dtmf speech' });
    }
    for (const input of ['speech speech', 'dtmf dtmf', 'dtmf speech dtmf', 'dtmf voice', 'voice speech']) {
      expect(warned(`<Response><Gather input="${input}"/></Response>`).verb).toMatchObject({ input: 'dtmf' });
    }
    for (const input of ['dtmf', 'speech', 'speech dtmf']) {
      const { document, warnings } = ok(`<Response><Gather input="${input}"/></Response>`);
      expect(warnings).toEqual([]);
      expect(document.verbs[0]).toMatchObject({ input: input === 'speech dtmf' ? 'dtmf speech' : input });
    }
  });

  it('Gather speechTimeout: a whole number of at least 1, or auto', () => {
    expect(first('<Response><Gather speechTimeout="3"/></Response>')).toMatchObject({ speechTimeout: 3 });
    expect(first('<Response><Gather speechTimeout="auto"/></Response>')).toMatchObject({
      speechTimeout: 'auto',
    });
    for (const value of ['0', 'soon']) {
      const { verb, warning } = warned(`<Response><Gather speechTimeout="${value}"/></Response>`);
      expect(verb).not.toHaveProperty('speechTimeout');
      expect(warning).toMatchObject({ code: 13301, attribute: 'speechTimeout' });
    }
  });

  it('Gather hints that list nothing are no hints', () => {
    expect(first('<Response><Gather hints=" , ,"/></Response>')).not.toHaveProperty('hints');
    expect(first('<Response><Gather hints="sales, support"/></Response>')).toMatchObject({
      hints: ['sales', 'support'],
    });
  });

  it('Gather finishOnKey and speechTimeout', () => {
    expect(warned('<Response><Gather finishOnKey="12"/></Response>').warning).toMatchObject({
      attribute: 'finishOnKey',
      message: '<Gather> finishOnKey: "12" is not one key of 0-9 * # (or empty); using #',
    });
    expect(warned('<Response><Gather speechTimeout="0"/></Response>').warning).toMatchObject({
      message: '<Gather> speechTimeout: "0" is not a whole number of at least 1 or auto; using the timeout',
    });
  });

  it('Dial record', () => {
    expect(warned('<Response><Dial record="yes">1</Dial></Response>').warning).toMatchObject({
      attribute: 'record',
      message:
        '<Dial> record: "yes" is not true, false or one of do-not-record, record-from-answer, record-from-ringing, record-from-answer-dual, record-from-ringing-dual; using do-not-record',
    });
  });

  it('Record finishOnKey', () => {
    expect(warned('<Response><Record finishOnKey="#a"/></Response>')).toMatchObject({
      verb: { finishOnKey: '1234567890*#' },
      warning: {
        code: 13601,
        attribute: 'finishOnKey',
        message: '<Record> finishOnKey: "#a" holds characters other than 0-9 * #; using 1234567890*#',
      },
    });
  });

  it('Dial record="false" is do-not-record without a warning', () => {
    const { document, warnings } = ok('<Response><Dial record="false">1</Dial></Response>');
    expect(warnings).toEqual([]);
    expect(document.verbs[0]).toMatchObject({ record: 'do-not-record' });
  });

  it('a Number statusCallbackEvent with an unknown event, without a statusCallback', () => {
    expect(
      warned('<Response><Dial><Number statusCallbackEvent="ringing\tlost">1</Number></Dial></Response>'),
    ).toMatchObject({
      verb: { nouns: [{ statusCallbackEvent: [] }] },
      warning: {
        message:
          '<Number> statusCallbackEvent: "lost" is not one of initiated, ringing, answered, completed; using no events',
      },
    });
    expect(
      first(
        '<Response><Dial><Number statusCallbackEvent="ringing\tanswered\n\rcompleted">1</Number></Dial></Response>',
      ),
    ).toMatchObject({ nouns: [{ statusCallbackEvent: ['ringing', 'answered', 'completed'] }] });
    const { document, warnings } = ok(
      '<Response><Dial><Number statusCallbackEvent="ringing&#13;answered&#9;completed&#10;initiated">1</Number></Dial></Response>',
    );
    expect(warnings).toEqual([]);
    expect(document.verbs[0]).toMatchObject({
      nouns: [{ statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'] }],
    });
  });

  it('a Number statusCallbackEvent with an unknown event', () => {
    expect(
      warned(
        '<Response><Dial><Number statusCallback="/s" statusCallbackEvent="ringing lost">1</Number></Dial></Response>',
      ),
    ).toMatchObject({
      verb: { nouns: [{ statusCallbackEvent: ['completed'] }] },
      warning: {
        code: 13201,
        attribute: 'statusCallbackEvent',
        message:
          '<Number> statusCallbackEvent: "lost" is not one of initiated, ringing, answered, completed; using completed',
      },
    });
  });
});

describe('Conference attributes', () => {
  it('record true and false, as TwiML writes them, without a warning', () => {
    const { document, warnings } = ok(
      '<Response><Dial><Conference record="true">a</Conference></Dial><Dial><Conference record="false">b</Conference></Dial></Response>',
    );
    expect(warnings).toEqual([]);
    expect(document.verbs).toMatchObject([
      { nouns: [{ record: 'record-from-start' }] },
      { nouns: [{ record: 'do-not-record' }] },
    ]);
  });

  it('record and trim values that are not known fall back to their defaults', () => {
    expect(
      warned('<Response><Dial><Conference record="always">a</Conference></Dial></Response>').verb,
    ).toMatchObject({ nouns: [{ record: 'do-not-record' }] });
    expect(
      warned('<Response><Dial><Conference trim="no">a</Conference></Dial></Response>').verb,
    ).toMatchObject({
      nouns: [{ trim: 'trim-silence' }],
    });
  });

  it('an empty coach is no coach', () => {
    const dial = first('<Response><Dial><Conference coach="">a</Conference></Dial></Response>') as DialVerb;
    expect(dial.nouns[0]).not.toHaveProperty('coach');
    expect(first('<Response><Dial><Conference coach="CA1">a</Conference></Dial></Response>')).toMatchObject({
      nouns: [{ coach: 'CA1' }],
    });
  });

  it('statusCallbackEvent lists known events once, in their order, whatever separates them', () => {
    expect(
      first(
        '<Response><Dial><Conference statusCallbackEvent="join, start ,,join end">a</Conference></Dial></Response>',
      ),
    ).toMatchObject({ nouns: [{ statusCallbackEvent: ['start', 'end', 'join'] }] });
    expect(
      warned('<Response><Dial><Conference statusCallbackEvent="start talk">a</Conference></Dial></Response>'),
    ).toMatchObject({
      verb: { nouns: [{ statusCallbackEvent: ['start'] }] },
      warning: {
        attribute: 'statusCallbackEvent',
        message:
          '<Conference> statusCallbackEvent: "talk" is not one of start, end, join, leave, mute, hold, speaker; ignored',
      },
    });
  });

  it('statusCallbackEvent may start or end with a comma', () => {
    const { document, warnings } = ok(
      '<Response><Dial><Conference statusCallbackEvent=",start,end,">a</Conference></Dial></Response>',
    );
    expect(warnings).toEqual([]);
    expect(document.verbs[0]).toMatchObject({ nouns: [{ statusCallbackEvent: ['start', 'end'] }] });
  });

  it('recordingStatusCallbackMethod', () => {
    expect(
      first(
        '<Response><Dial><Conference recordingStatusCallback="/r" recordingStatusCallbackMethod="GET">a</Conference></Dial></Response>',
      ),
    ).toMatchObject({ nouns: [{ recordingStatusCallback: '/r', recordingStatusCallbackMethod: 'GET' }] });
  });
});
