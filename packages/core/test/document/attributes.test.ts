/**
 * How attribute values are read (spec 3, 4): case-insensitive booleans and methods, trimmed
 * values, whole numbers and their ranges, the loop cap, entity references in values, and the
 * warnings that name the attribute and the default used instead. Through `parseDocument`.
 */
import { parseDocument, type RcmlDocument, type Verb } from '@rcml/core';
import { describe, expect, it } from 'vitest';

function parse(xml: string, options?: Parameters<typeof parseDocument>[1]) {
  const result = parseDocument(xml, options);
  if (!result.ok) throw new Error(`${result.error.code} ${result.error.message}`);
  return { document: result.document as RcmlDocument, warnings: result.warnings };
}
function verb(xml: string): Verb {
  return parse(`<Response>${xml}</Response>`).document.verbs[0] as Verb;
}
function warnings(xml: string) {
  return parse(`<Response>${xml}</Response>`).warnings.map((w) => ({ code: w.code, message: w.message }));
}

describe('boolean attributes', () => {
  it.each([
    ['true', true],
    ['false', false],
    ['True', true],
    ['TRUE', true],
    ['False', false],
    ['fALSE', false],
    [' true ', true],
  ])('bargeIn="%s" is %s, without a warning', (value, expected) => {
    const xml = `<Gather bargeIn="${value}" actionOnEmptyResult="${value}"/>`;
    expect(verb(xml)).toMatchObject({ bargeIn: expected, actionOnEmptyResult: expected });
    expect(warnings(xml)).toEqual([]);
  });

  it('a value that is not true or false keeps the default and names the attribute', () => {
    expect(verb('<Gather bargeIn="yes"/>')).toMatchObject({ bargeIn: true });
    expect(verb('<Gather actionOnEmptyResult="1"/>')).toMatchObject({ actionOnEmptyResult: false });
    expect(parse('<Response><Gather bargeIn="yes"/></Response>').warnings).toEqual([
      {
        code: 13301,
        message: '<Gather> bargeIn: "yes" is not true or false; using true',
        path: expect.stringContaining('Gather'),
        line: 1,
        attribute: 'bargeIn',
      },
    ]);
  });
});

describe('method attributes', () => {
  it.each([
    ['GET', 'GET'],
    ['get', 'GET'],
    ['Get', 'GET'],
    ['POST', 'POST'],
    ['post', 'POST'],
    ['pOsT', 'POST'],
    [' GET', 'GET'],
  ])('method="%s" is %s, without a warning', (value, expected) => {
    const xml = `<Gather method="${value}"/>`;
    expect(verb(xml)).toMatchObject({ method: expected });
    expect(warnings(xml)).toEqual([]);
  });

  it('an unknown method falls back to POST (not GET) with a warning naming it', () => {
    expect(verb('<Gather method="PUT"/>')).toMatchObject({ method: 'POST' });
    expect(verb('<Redirect method="DELETE">/x</Redirect>')).toMatchObject({ method: 'POST' });
    expect(warnings('<Gather method="PUT"/>')).toEqual([
      { code: 13301, message: '<Gather> method: "PUT" is not GET or POST; using POST' },
    ]);
  });

  it('an absent method is POST', () => {
    expect(verb('<Gather/>')).toMatchObject({ method: 'POST' });
  });
});

describe('whole-number attributes', () => {
  it('trims whitespace around a value before reading it', () => {
    expect(verb('<Gather numDigits=" 4" timeout="7 "/>')).toMatchObject({ numDigits: 4, timeout: 7 });
    expect(verb('<Pause length="\t3\n"/>')).toMatchObject({ length: 3 });
    expect(warnings('<Gather numDigits=" 4" timeout="7 "/>')).toEqual([]);
  });

  it('keeps inner whitespace: "1 0" is not a number', () => {
    expect(verb('<Gather timeout="1 0"/>')).toMatchObject({ timeout: 5 });
    expect(warnings('<Gather timeout="1 0"/>')).toEqual([
      { code: 13301, message: '<Gather> timeout: "1 0" is not a whole number; using 5' },
    ]);
  });

  it.each(['', '-1', '+3', '1.5', '1e3', 'ten', '٣', '1234567890'])(
    'timeout="%s" is not a whole number: the default with a warning',
    (value) => {
      expect(verb(`<Gather timeout="${value}"/>`)).toMatchObject({ timeout: 5 });
      expect(warnings(`<Gather timeout="${value}"/>`).map((w) => w.code)).toEqual([13301]);
    },
  );

  it('says an empty or ten-digit value is not a whole number (rather than out of range)', () => {
    expect(warnings('<Gather timeout=""/>')).toEqual([
      { code: 13301, message: '<Gather> timeout: "" is not a whole number; using 5' },
    ]);
    expect(warnings('<Gather timeout="1000000000"/>')).toEqual([
      { code: 13301, message: '<Gather> timeout: "1000000000" is not a whole number; using 5' },
    ]);
  });

  it('accepts nine digits, leading zeros included', () => {
    expect(verb('<Pause length="000000007"/>')).toMatchObject({ length: 7 });
    expect(verb('<Gather timeout="0009"/>')).toMatchObject({ timeout: 9 });
  });

  it('checks the range inclusively at both ends, with the range in the warning', () => {
    expect(verb('<Gather timeout="1"/>')).toMatchObject({ timeout: 1 });
    expect(verb('<Gather timeout="0"/>')).toMatchObject({ timeout: 5 });
    expect(warnings('<Gather timeout="0"/>')).toEqual([
      { code: 13301, message: '<Gather> timeout: 0 is outside 1 to 2147483; using 5' },
    ]);
    expect(verb('<Gather timeout="2147483"/>')).toMatchObject({ timeout: 2_147_483 });
    expect(verb('<Gather timeout="2147484"/>')).toMatchObject({ timeout: 5 });
  });
});

describe('loop', () => {
  it('0 means until hang-up; absent is 1; the cap is the limit, with a warning above it', () => {
    expect(verb('<Say loop="0">a</Say>')).toMatchObject({ loop: 0 });
    expect(verb('<Say>a</Say>')).toMatchObject({ loop: 1 });
    expect(verb('<Say loop="1000">a</Say>')).toMatchObject({ loop: 1000 });
    expect(verb('<Say loop="1001">a</Say>')).toMatchObject({ loop: 1000 });
    expect(warnings('<Say loop="1001">a</Say>')).toEqual([
      { code: 13501, message: '<Say> loop: 1001 is over the cap of 1000; using 1000' },
    ]);
    expect(warnings('<Say loop="1000">a</Say>')).toEqual([]);
  });

  it('the cap follows the maxLoop option', () => {
    const { document, warnings: found } = parse('<Response><Play loop="6">u</Play></Response>', {
      maxLoop: 5,
    });
    expect(document.verbs[0]).toMatchObject({ loop: 5 });
    expect(found.map((w) => w.message)).toEqual(['<Play> loop: 6 is over the cap of 5; using 5']);
  });

  it('an empty or over-long loop is 1, not 0 (forever) and not the cap', () => {
    expect(verb('<Say loop="">a</Say>')).toMatchObject({ loop: 1 });
    expect(warnings('<Say loop="">a</Say>')).toEqual([
      { code: 13501, message: '<Say> loop: "" is not a whole number; using 1' },
    ]);
    expect(verb('<Say loop="1234567890">a</Say>')).toMatchObject({ loop: 1 });
    expect(verb('<Say loop="000001000">a</Say>')).toMatchObject({ loop: 1000 });
  });

  it('a loop that is not a whole number is 1, with a warning', () => {
    expect(verb('<Say loop="two">a</Say>')).toMatchObject({ loop: 1 });
    expect(warnings('<Say loop="two">a</Say>')).toEqual([
      { code: 13501, message: '<Say> loop: "two" is not a whole number; using 1' },
    ]);
  });
});

describe('string attributes', () => {
  it('decodes entity references in values and trims them', () => {
    expect(verb('<Gather action=" /next?a=1&amp;b=2 "/>')).toMatchObject({ action: '/next?a=1&b=2' });
    expect(verb('<Redirect method="&#71;ET">/x</Redirect>')).toMatchObject({ method: 'GET' });
  });

  it('trims Unicode spaces such as a no-break space written &#160; as element text is trimmed, with or without other spaces beside it', () => {
    expect(verb('<Gather action="/next&#160;"/>')).toMatchObject({ action: '/next' });
    expect(verb('<Gather action=" /next&#160;"/>')).toMatchObject({ action: '/next' });
    expect(verb('<Gather action="&#8195;/next"/>')).toMatchObject({ action: '/next' });
    expect(verb('<Redirect>/next&#160;</Redirect>')).toMatchObject({ url: '/next' });
  });

  it('an empty action counts as absent', () => {
    expect(verb('<Gather action=""/>')).toMatchObject({ action: null });
    expect(verb('<Gather action="  "/>')).toMatchObject({ action: null });
    expect(verb('<Gather action=" "/>')).toMatchObject({ action: null });
    expect(verb('<Gather finishOnKey=" "/>')).toMatchObject({ finishOnKey: '' });
  });

  it('a stream Parameter without value has the empty value', () => {
    expect(
      verb(
        '<Start><Stream url="wss://s.test/a"><Parameter name="a"/><Parameter name="b" value=" x "/></Stream></Start>',
      ),
    ).toMatchObject({
      stream: {
        parameters: [
          { name: 'a', value: '' },
          { name: 'b', value: 'x' },
        ],
      },
    });
  });

  it('keeps an empty finishOnKey (no finishing key)', () => {
    expect(verb('<Gather finishOnKey=""/>')).toMatchObject({ finishOnKey: '' });
    expect(verb('<Gather/>')).toMatchObject({ finishOnKey: '#' });
  });

  it('a one-of value must match exactly', () => {
    expect(verb('<Reject reason="busy"/>')).toMatchObject({ reason: 'busy' });
    expect(verb('<Reject reason="Busy"/>')).toMatchObject({ reason: 'rejected' });
    expect(warnings('<Reject reason="Busy"/>')).toEqual([
      { code: 13801, message: '<Reject> reason: "Busy" is not one of rejected, busy; using rejected' },
    ]);
  });
});

describe('attributes this engine does not implement', () => {
  it('are reported once each with 13910, the element, the attribute and the line', () => {
    const { warnings: found } = parse('<Response>\n<Say colour="red" voice="man">a</Say>\n</Response>');
    expect(found).toEqual([
      {
        code: 13910,
        message: '<Say> attribute colour (line 2) is not implemented by this engine; ignored',
        path: expect.stringContaining('Say'),
        line: 2,
        attribute: 'colour',
      },
    ]);
  });

  it('a default namespace declaration on a verb is not an attribute of the verb', () => {
    expect(parse('<Response><Say xmlns="urn:x">a</Say><Hangup xmlns="urn:y"/></Response>').warnings).toEqual(
      [],
    );
    expect(parse('<Response><Say xml:space="preserve">a</Say></Response>').warnings).toEqual([]);
  });

  it('namespace declarations are not attributes of the verb', () => {
    const { warnings: found } = parse(
      '<Response xmlns="urn:x"><Say xmlns:x="urn:y" xml:lang="en">a</Say><Hangup/></Response>',
    );
    expect(found.map((w) => w.code)).toEqual([]);
  });
});

describe('character references in attribute values', () => {
  it('an invalid one fails the document with 12100', () => {
    const result = parseDocument('<Response><Gather action="/a&#0;b"/></Response>');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(12100);
  });
});
