/** parseDocument at its edges: what each failure names, and how character references decode. */
import { parseDocument, type Verb } from '@rcml/core';
import { describe, expect, it } from 'vitest';

function first(xml: string): Verb {
  const result = parseDocument(xml);
  if (!result.ok) throw new Error(`${result.error.code} ${result.error.message}`);
  return result.document.verbs[0] as Verb;
}
function failure(xml: string) {
  const result = parseDocument(xml);
  if (result.ok) throw new Error('parsed without error');
  return result.error;
}

describe('what a failure names', () => {
  it('a value that is not a string is "not text", an empty or blank document is "empty"', () => {
    expect(parseDocument(42 as unknown as string)).toEqual({
      ok: false,
      error: { code: 12100, message: 'the document is not text' },
      warnings: [],
    });
    for (const blank of ['', ' \n\t\r\n ', '\uFEFF\n']) {
      expect(parseDocument(blank)).toEqual({
        ok: false,
        error: { code: 12100, message: 'the document is empty' },
        warnings: [],
      });
    }
  });

  it('an element or attribute name the XML parser refuses fails as not well-formed XML (12100)', () => {
    for (const xml of [
      '<Response><__proto__/></Response>',
      '<Response><Say __proto__="x">a</Say></Response>',
    ]) {
      const result = parseDocument(xml);
      expect(result.ok).toBe(false);
      if (result.ok) continue;
      expect(result.warnings).toEqual([]);
      expect(result.error.code).toBe(12100);
      expect(result.error.message).toMatch(/^not well-formed XML: .*__proto__/);
    }
  });

  it('holds only the fields that apply: no attribute key on an element failure, no path on a document one', () => {
    expect(failure('<Play>x</Play>')).toStrictEqual({
      code: 12102,
      message: 'the root element is <Play>, not <Response>',
      path: 'Play',
      line: 1,
    });
    expect(failure('<Response><Gather><Sms>x</Sms></Gather></Response>')).toStrictEqual({
      code: 12200,
      message: '<Sms> may not stand inside <Gather> (at Response/Gather[1]/Sms[1])',
      path: 'Response/Gather[1]/Sms[1]',
      line: 1,
    });
  });

  it('points a problem at the end of the document at its last line, not past the blank lines after it', () => {
    // The quote is missing where the text ends: the blank lines after it are not part of the document.
    for (const tail of ['', '\n\t\n \n\r\n', '\r\n \n\t\n\n']) {
      expect(failure(`\n<Response a=${tail}`)).toMatchObject({
        code: 12100,
        message: 'not well-formed XML: <Response> attribute a: value is not quoted',
        line: 2,
      });
    }
  });

  it('calls every RCML verb, noun and SSML element out of place misplaced, not unknown', () => {
    const verbs = ['Say', 'Play', 'Pause', 'Gather', 'Record', 'Dial', 'Hangup', 'Redirect', 'Reject', 'Sms'];
    for (const verb of [...verbs, 'Enqueue', 'Leave', 'Connect', 'Start', 'Stop']) {
      expect(failure(`<Response><Dial><${verb}/></Dial></Response>`).message, verb).toBe(
        `<${verb}> may not stand inside <Dial> (at Response/Dial[1]/${verb}[1])`,
      );
    }
    const ssml = ['break', 'emphasis', 'lang', 'p', 'phoneme', 'prosody', 's', 'say-as', 'sub', 'w'];
    for (const name of [...ssml, 'Number', 'Client', 'Sip', 'Conference', 'Queue', 'Stream', 'Parameter']) {
      expect(failure(`<Response><${name}/></Response>`).message, name).toBe(
        `<${name}> may not stand inside <Response> (at Response/${name}[1])`,
      );
    }
    expect(failure('<Response><Dial><Pay/></Dial></Response>').message).toMatch(/^unknown element <Pay>/);
  });
});

describe('character references', () => {
  it('decode the five XML entities and numeric references to XML characters', () => {
    expect(first('<Response><Say>it&apos;s &quot;a&quot; &lt;b&gt; &amp; c</Say></Response>')).toMatchObject({
      text: 'it\'s "a" <b> & c',
    });
    expect(
      first(
        '<Response><Say>a&#9;b&#10;c&#13;d&#32;e&#x20;f&#xD7FF;g&#xE000;h&#xFFFD;i&#x10000;j&#x10FFFF;</Say></Response>',
      ),
    ).toMatchObject({
      text: 'a\tb\nc\rd e f\uD7FFg\uE000h\uFFFDi\u{10000}j\u{10FFFF}',
    });
    expect(first('<Response><Sms to="it&apos;s&#10;x">b</Sms></Response>')).toMatchObject({ to: "it's\nx" });
  });

  it('refuse references to what is not an XML character (12100)', () => {
    for (const reference of [
      '&#0;',
      '&#x8;',
      '&#x1F;',
      '&#31;',
      '&#xD800;',
      '&#xDFFF;',
      '&#xFFFE;',
      '&#x110000;',
    ]) {
      expect(failure(`<Response><Say>a${reference}b</Say></Response>`), reference).toMatchObject({
        code: 12100,
        message: expect.stringMatching(/^not well-formed XML: '&' must start a reference/),
      });
    }
  });
});
