/**
 * Numeric character references as parseDocument reads them: only digits of the reference's base
 * are allowed (as in XML), and a reference up to the scan's length limit decodes, in text and in
 * attribute values.
 */
import { parseDocument } from '@rcml/core';
import { describe, expect, it } from 'vitest';

const REASON =
  "not well-formed XML: '&' must start a reference such as &amp; (only the five XML entities and numeric references)";

describe('numeric character references', () => {
  it.each([
    ['a letter after decimal digits', '&#65a;'],
    ['a sign before decimal digits', '&#+65;'],
    ['a space before decimal digits', '&# 65;'],
    ['no decimal digits', '&#;'],
    ['a non-hexadecimal letter after hexadecimal digits', '&#x41g;'],
    ['a sign before hexadecimal digits', '&#x+41;'],
    ['a space before hexadecimal digits', '&#x 41;'],
    ['no hexadecimal digits', '&#x;'],
    ['an upper-case X', '&#X41;'],
  ])('are refused with %s (%s)', (_, reference) => {
    for (const xml of [
      `<Response><Say>${reference}</Say></Response>`,
      `<Response><Say voice="${reference}">a</Say></Response>`,
    ]) {
      const result = parseDocument(xml);
      if (result.ok) throw new Error(`accepted ${xml}`);
      expect(result.error).toMatchObject({ code: 12100, message: REASON, line: 1 });
    }
  });

  it('decode with leading zeros up to the longest reference allowed, in text and attributes', () => {
    // '&' to ';' spans 12 characters: the longest reference the scan accepts.
    const result = parseDocument(
      '<Response><Say>&#0000000065;&#x00000042;</Say><Play digits="&#0000000049;"/></Response>',
    );
    if (!result.ok) throw new Error(`${result.error.code} ${result.error.message}`);
    expect(result.document.verbs[0]).toMatchObject({ kind: 'Say', text: 'AB' });
    expect(result.document.verbs[1]).toMatchObject({ kind: 'Play', digits: '1' });
  });

  it('are refused when longer than that', () => {
    const result = parseDocument('<Response><Say>&#00000000065;</Say></Response>');
    if (result.ok) throw new Error('accepted');
    expect(result.error).toMatchObject({ code: 12100, message: REASON });
  });
});
