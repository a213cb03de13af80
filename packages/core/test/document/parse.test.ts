/** What parseDocument gives a user: typed verbs with defaults, warnings, failures with codes. */
import { parseDocument, type RcmlDocument, type Verb } from '@rcml/core';
import { describe, expect, it } from 'vitest';

function ok(xml: string): { document: RcmlDocument; codes: number[] } {
  const result = parseDocument(xml);
  if (!result.ok) throw new Error(`${result.error.code} ${result.error.message}`);
  return { document: result.document, codes: result.warnings.map((w) => w.code) };
}
function first(xml: string): Verb {
  return ok(xml).document.verbs[0] as Verb;
}
function failure(xml: string, options?: Parameters<typeof parseDocument>[1]) {
  const result = parseDocument(xml, options);
  if (result.ok) throw new Error('parsed without error');
  return result.error;
}

describe('defaults of spec section 4', () => {
  it('applies every default when attributes are absent', () => {
    const { document } = ok(
      '<Response><Say>a</Say><Play>u</Play><Pause/><Gather/><Record/><Dial>1</Dial><Redirect>/x</Redirect><Reject/><Sms>b</Sms><Hangup/></Response>',
    );
    const position = expect.anything();
    expect(document.verbs).toEqual([
      { kind: 'Say', text: 'a', voice: 'man', language: 'en-US', loop: 1, position },
      { kind: 'Play', url: 'u', digits: null, loop: 1, position },
      { kind: 'Pause', length: 1, position },
      {
        kind: 'Gather',
        action: null,
        method: 'POST',
        timeout: 5,
        finishOnKey: '#',
        numDigits: null,
        input: 'dtmf',
        actionOnEmptyResult: false,
        bargeIn: true,
        children: [],
        position,
      },
      {
        kind: 'Record',
        action: null,
        method: 'POST',
        timeout: 5,
        finishOnKey: '1234567890*#',
        maxLength: 3600,
        playBeep: true,
        trim: 'trim-silence',
        recordingStatusCallback: null,
        recordingStatusCallbackMethod: 'POST',
        position,
      },
      {
        kind: 'Dial',
        action: null,
        method: 'POST',
        timeout: 30,
        timeLimit: 14400,
        callerId: null,
        hangupOnStar: false,
        record: 'do-not-record',
        nouns: [
          {
            kind: 'Number',
            value: '1',
            url: null,
            method: 'POST',
            statusCallback: null,
            statusCallbackEvent: [],
            statusCallbackMethod: 'POST',
            position,
          },
        ],
        position,
      },
      { kind: 'Redirect', url: '/x', method: 'POST', position },
      { kind: 'Reject', reason: 'rejected', position },
      {
        kind: 'Sms',
        body: 'b',
        to: null,
        from: null,
        action: null,
        method: 'POST',
        statusCallback: null,
        position,
      },
      { kind: 'Hangup', position },
    ]);
  });

  it('keeps phone numbers and digit strings as strings', () => {
    const { document } = ok(
      '<Response><Dial callerId="+15550001111"><Number>0042</Number></Dial><Play digits="0042"/><Sms to="+4915112345678">x</Sms></Response>',
    );
    expect(document.verbs).toMatchObject([
      { callerId: '+15550001111', nouns: [{ value: '0042' }] },
      { digits: '0042' },
      { to: '+4915112345678' },
    ]);
  });

  it('trims element text and attribute values', () => {
    expect(first('<Response><Say voice=" woman ">\n   Hello   there \n</Say></Response>')).toMatchObject({
      text: 'Hello   there',
      voice: 'woman',
    });
  });

  it('keeps loop="0" as 0 and caps a loop over the limit with a warning', () => {
    expect(first('<Response><Say loop="0">x</Say></Response>')).toMatchObject({ loop: 0 });
    const { document, codes } = ok('<Response><Play loop="5000">u</Play></Response>');
    expect(document.verbs[0]).toMatchObject({ loop: 1000 });
    expect(codes).toEqual([13401]);
    const capped = parseDocument('<Response><Say loop="20">x</Say></Response>', { maxLoop: 10 });
    expect(capped.ok && capped.document.verbs[0]).toMatchObject({ loop: 10 });
  });

  it('accepts methods case-insensitively and normalises them', () => {
    expect(first('<Response><Redirect method="get">/x</Redirect></Response>')).toMatchObject({
      method: 'GET',
    });
  });

  it('reads statusCallbackEvent separated by commas and spaces, in canonical order', () => {
    const verb = first(
      '<Response><Dial><Sip statusCallbackEvent="completed, ringing,initiated">sip:a@b</Sip></Dial></Response>',
    );
    expect(verb).toMatchObject({ nouns: [{ statusCallbackEvent: ['initiated', 'ringing', 'completed'] }] });
  });

  it('uses the default statusCallbackEvent when one name is invalid (13201), not the valid rest', () => {
    const withCallback = ok(
      '<Response><Dial><Number statusCallback="/leg" statusCallbackEvent="ringing bogus">1</Number></Dial></Response>',
    );
    expect(withCallback.codes).toEqual([13201]);
    expect(withCallback.document.verbs[0]).toMatchObject({ nouns: [{ statusCallbackEvent: ['completed'] }] });
    const without = ok(
      '<Response><Dial><Client statusCallbackEvent="answered, nope">a</Client></Dial></Response>',
    );
    expect(without.codes).toEqual([13201]);
    expect(without.document.verbs[0]).toMatchObject({ nouns: [{ statusCallbackEvent: [] }] });
  });

  it('turns plain Dial text into a Number, a Sip or a Client', () => {
    expect(
      ok('<Response><Dial> +1 555 0100 </Dial><Dial>a@b.c</Dial><Dial>client: bob</Dial></Response>').document
        .verbs,
    ).toMatchObject([
      { nouns: [{ kind: 'Number', value: '+1 555 0100' }] },
      { nouns: [{ kind: 'Sip', value: 'a@b.c' }] },
      { nouns: [{ kind: 'Client', value: 'bob' }] },
    ]);
  });

  it('accepts language tags and refuses other values', () => {
    for (const tag of ['en', 'en-GB', 'de-DE', 'cmn-Hans-CN']) {
      expect(first(`<Response><Say language="${tag}">x</Say></Response>`)).toMatchObject({ language: tag });
    }
    for (const bad of ['', 'e', 'english', 'en_US', 'en--GB', '12']) {
      const { document, codes } = ok(`<Response><Say language="${bad}">x</Say></Response>`);
      expect(document.verbs[0]).toMatchObject({ language: 'en-US' });
      expect(codes).toEqual([13501]);
    }
  });
});

describe('warnings', () => {
  it('name the attribute, the element path and the line', () => {
    const result = parseDocument(
      '<Response>\n  <Gather>\n    <Say loop="x">a</Say>\n  </Gather>\n</Response>',
    );
    expect(result.warnings).toEqual([
      {
        code: 13501,
        message: expect.stringContaining('loop'),
        path: 'Response/Gather[1]/Say[1]',
        line: 3,
        attribute: 'loop',
      },
    ]);
  });

  it('cut Say text over 4096 characters (13521) and speak the cut text', () => {
    const { document, codes } = ok(`<Response><Say>${'a'.repeat(5000)}</Say></Response>`);
    expect(codes).toEqual([13521]);
    expect(document.verbs[0]).toMatchObject({ text: 'a'.repeat(4096) });
  });

  it('counts Say characters as code points: 2100 emoji are not cut, 4100 are cut to 4096', () => {
    const short = ok(`<Response><Say>${'🎉'.repeat(2100)}</Say></Response>`);
    expect(short.codes).toEqual([]);
    expect(short.document.verbs[0]).toMatchObject({ text: '🎉'.repeat(2100) });
    const long = ok(`<Response><Say>${'🎉'.repeat(4100)}</Say></Response>`);
    expect(long.codes).toEqual([13521]);
    expect(long.document.verbs[0]).toMatchObject({ text: '🎉'.repeat(4096) });
  });

  it('keeps exactly 4096 characters after the cut, a trailing space included', () => {
    const { document, codes } = ok(`<Response><Say>${'abc '.repeat(1100)}x</Say></Response>`);
    expect(codes).toEqual([13521]);
    expect(document.verbs[0]).toMatchObject({ text: 'abc '.repeat(1024) });
  });

  it('drops the SSML of a cut Say so the driver speaks exactly the cut text', () => {
    const { document } = ok(`<Response><Say>${'a'.repeat(4000)}<break/>${'b'.repeat(200)}</Say></Response>`);
    expect(document.verbs[0]).toMatchObject({ text: `${'a'.repeat(4000)}${'b'.repeat(96)}` });
    expect(document.verbs[0]).not.toHaveProperty('ssml');
  });

  it('reports attributes this engine does not implement (13910) naming element, attribute and line', () => {
    const result = ok(
      '<Response>\n<Dial answerOnBridge="true" ringTone="us" timeout="20">1</Dial>\n</Response>',
    );
    expect(result.codes).toEqual([13910, 13910]);
    expect(result.document.verbs[0]).toMatchObject({ kind: 'Dial', timeout: 20 });
    const parsed = parseDocument('<Response>\n<Gather numDigit="1" transcribeCallback="/t"/>\n</Response>');
    if (!parsed.ok) expect.fail('did not parse');
    expect(parsed.warnings).toEqual([
      expect.objectContaining({ code: 13910, path: 'Response/Gather[1]', line: 2, attribute: 'numDigit' }),
      expect.objectContaining({
        code: 13910,
        path: 'Response/Gather[1]',
        line: 2,
        attribute: 'transcribeCallback',
      }),
    ]);
    expect(parsed.warnings[0]!.message).toContain('<Gather> attribute numDigit (line 2)');
  });

  it('does not report namespace declarations, or attributes the parser read', () => {
    expect(ok('<Response xmlns="urn:x"><Say xmlns:x="urn:y" loop="2">Hi</Say></Response>').codes).toEqual([]);
    expect(ok('<Response><Play digits="1">ignored.wav</Play></Response>').codes).toEqual([]);
  });
});

describe('SSML inside Say', () => {
  it('keeps the markup and gives the plain text with tags removed, trimmed at the ends only', () => {
    const say = first(
      '<Response><Say>\n  Hello <break time="1s"/>\n  <prosody rate=\'slow\'>dear   &amp; "friend"</prosody>\n</Say></Response>',
    );
    expect(say).toMatchObject({
      text: 'Hello \n  dear   & "friend"',
      ssml: 'Hello <break time="1s"/>\n  <prosody rate="slow">dear   &amp; "friend"</prosody>',
    });
  });

  it('inserts nothing for a tag: Hello<break/>world is Helloworld', () => {
    expect(first('<Response><Say>Hello<break time="500ms"/>world</Say></Response>')).toMatchObject({
      text: 'Helloworld',
      ssml: 'Hello<break time="500ms"/>world',
    });
    expect(first('<Response><Say><s>One</s><s>two</s></Say></Response>')).toMatchObject({ text: 'Onetwo' });
  });

  it('refuses an element that is not SSML, with its path', () => {
    expect(failure('<Response><Say><p><Gather/></p></Say></Response>')).toMatchObject({
      code: 12200,
      path: 'Response/Say[1]/p[1]/Gather[1]',
      message: '<Gather> may not stand inside <p> (at Response/Say[1]/p[1]/Gather[1])',
    });
  });

  it('refuses a verb standing in the text of a Say, naming the Say as its parent', () => {
    expect(failure('<Response>\n<Say>Hi <Pause/></Say></Response>')).toEqual({
      code: 12200,
      path: 'Response/Say[1]/Pause[1]',
      line: 2,
      message: '<Pause> may not stand inside <Say> (at Response/Say[1]/Pause[1])',
    });
  });

  it('reads a CDATA section among SSML as text: literal in the plain text, escaped in the markup', () => {
    expect(
      first('<Response><Say>a <![CDATA[b & <c>]]><break time="1s"/> <s><![CDATA[d]]></s></Say></Response>'),
    ).toMatchObject({
      text: 'a b & <c> d',
      ssml: 'a b &amp; &lt;c&gt;<break time="1s"/> <s>d</s>',
    });
  });
});

describe('failures', () => {
  it('report the line of the problem, counting lines trimmed before the document', () => {
    expect(failure('\n\n<Response>\n<Foo/>\n</Response>')).toMatchObject({
      code: 12200,
      line: 4,
      path: 'Response/Foo[1]',
    });
    expect(failure('\n<Response>\n<Say>\n</Response>')).toMatchObject({ code: 12100, line: 4 });
  });

  it('name the first unsupported element in document order', () => {
    expect(failure('<Response><Dial><Number>1</Number><Queue>q</Queue></Dial><Pay/></Response>').path).toBe(
      'Response/Dial[1]/Queue[1]',
    );
  });

  it('never throw, whatever the input', () => {
    for (const input of [
      '',
      ' ',
      '<',
      '<>',
      '</>',
      '<Response',
      '<?xml?>',
      '&',
      '<Response>&#x110000;</Response>',
      '\u0000',
    ]) {
      const result = parseDocument(input);
      expect(result.ok).toBe(false);
    }
    expect(parseDocument(undefined as unknown as string)).toMatchObject({
      ok: false,
      error: { code: 12100 },
    });
  });

  it('honour configured limits', () => {
    expect(failure('<Response><Pause/><Pause/></Response>', { maxVerbs: 1 }).code).toBe(12400);
    expect(failure('<Response><Say><p>x</p></Say></Response>', { maxDepth: 2 }).code).toBe(12400);
    expect(failure('<Response/>', { maxBytes: 5 }).code).toBe(12400);
  });

  it('count nested verbs toward the verb limit', () => {
    expect(
      failure('<Response><Gather><Say>a</Say><Say>b</Say></Gather></Response>', { maxVerbs: 2 }).path,
    ).toBe('Response/Gather[1]/Say[2]');
  });
});
