/**
 * The well-formedness scan that runs before parsing: what a user sees for each kind of malformed
 * document (code 12100, the reason, the line), and the well-formed edge cases it must accept.
 */
import { parseDocument } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { scanMarkup } from '../../src/document/wellFormed.js';

/** The failure a user sees, as { code, message, line }. */
function refused(xml: string, options?: Parameters<typeof parseDocument>[1]) {
  const result = parseDocument(xml, options);
  if (result.ok) throw new Error('parsed without error');
  const { code, message, line } = result.error;
  return { code, message, line };
}
function notWellFormed(reason: string, line: number) {
  return { code: 12100, message: `not well-formed XML: ${reason}`, line };
}
/** The scan alone accepts the text (later checks may still refuse unknown elements). */
function scanAccepts(xml: string): void {
  expect(scanMarkup(xml, 16)).toBeNull();
}
function accepted(xml: string): void {
  const result = parseDocument(xml);
  if (!result.ok) throw new Error(`${result.error.code} ${result.error.message}`);
}

describe('malformed documents are refused with the reason and the line', () => {
  it('an element never closed names the innermost open one at its start tag', () => {
    expect(refused('<Response>\n<Say>hello')).toEqual(notWellFormed('<Say> is not closed', 2));
    expect(refused('<Response>\n<Gather>\n<Say>hi</Say>')).toEqual(
      notWellFormed('<Gather> is not closed', 2),
    );
  });

  it('an end tag that does not match the open element names both', () => {
    expect(refused('<Response>\n<Say>a</Sa></Response>')).toEqual(
      notWellFormed('expected </Say> but found </Sa>', 2),
    );
    expect(refused('<Response>\n<Say>a</Sab></Response>')).toEqual(
      notWellFormed('expected </Say> but found </Sab>', 2),
    );
    expect(refused('<Response>\n<Say>a</Says></Response>')).toEqual(
      notWellFormed('expected </Say> but found </Says>', 2),
    );
  });

  it('an end tag without a start tag, or not closed by >', () => {
    expect(refused('<Response/>\n</Response>')).toEqual(
      notWellFormed('end tag </Response> without a start tag', 2),
    );
    expect(refused('<Response>\n</Response x>')).toEqual(
      notWellFormed("end tag </Response> is not closed with '>'", 2),
    );
    expect(refused('<Response>\n</Response')).toEqual(
      notWellFormed("end tag </Response> is not closed with '>'", 2),
    );
  });

  it('a second root element, or text outside the root', () => {
    expect(refused('<Response/>\n<Response/>')).toEqual(notWellFormed('more than one root element', 2));
    expect(refused('<Response></Response>\n<Response/>')).toEqual(
      notWellFormed('more than one root element', 2),
    );
    expect(refused('<Response/>\n\n x')).toEqual(notWellFormed('text outside the root element', 3));
    expect(refused('hello\n<Response/>')).toEqual(notWellFormed('text outside the root element', 1));
  });

  it('a document with no element at all', () => {
    expect(refused('<!-- nothing -->')).toEqual(notWellFormed('no root element', 1));
    expect(refused('<?xml version="1.0"?>\n<!-- c -->')).toEqual(notWellFormed('no root element', 1));
  });

  it('a bad element name', () => {
    expect(refused('<Response>\n< Say/></Response>')).toEqual(
      notWellFormed("invalid element name after '<'", 2),
    );
    expect(refused('<Response>\n<1a/></Response>')).toEqual(
      notWellFormed("invalid element name after '<'", 2),
    );
    expect(refused('<Response>\n<-a/></Response>')).toEqual(
      notWellFormed("invalid element name after '<'", 2),
    );
    expect(refused('<Response>\n<.a/></Response>')).toEqual(
      notWellFormed("invalid element name after '<'", 2),
    );
    expect(refused('<')).toEqual(notWellFormed("invalid element name after '<'", 1));
    // the ASCII characters just outside the letters A-Z and a-z start no name
    for (const c of ['@', '[', '`', '{', '~']) {
      expect(refused(`<Response>\n<${c}a/></Response>`)).toEqual(
        notWellFormed("invalid element name after '<'", 2),
      );
    }
  });

  it("a start tag not ended by '>' or a '/' not followed by '>'", () => {
    expect(refused('<Response>\n<Say\nvoice="man"')).toEqual(
      notWellFormed("<Say> is not closed with '>'", 2),
    );
    expect(refused('<Response><Say\n/ >hi</Say></Response>')).toEqual(
      notWellFormed("<Say>: '/' must be followed by '>'", 2),
    );
  });

  it('attribute syntax: separation, names, values, quotes', () => {
    expect(refused('<Response><Say\nvoice="man"loop="2">a</Say></Response>')).toEqual(
      notWellFormed('<Say>: attributes must be separated by white space', 2),
    );
    expect(refused('<Response><Say\n @>a</Say></Response>')).toEqual(
      notWellFormed("<Say>: unexpected character '@'", 2),
    );
    expect(refused('<Response><Say\nloop>a</Say></Response>')).toEqual(
      notWellFormed('<Say> attribute loop has no value', 2),
    );
    expect(refused('<Response><Say\nloop >a</Say></Response>')).toEqual(
      notWellFormed('<Say> attribute loop has no value', 2),
    );
    expect(refused('<Response><Say loop=\n2>a</Say></Response>')).toEqual(
      notWellFormed('<Say> attribute loop: value is not quoted', 2),
    );
    expect(refused('<Response><Say loop=\n"2>a</Say></Response>')).toEqual(
      notWellFormed('<Say> attribute loop: value is not closed', 2),
    );
    expect(refused("<Response><Say loop=\n'2>a</Say></Response>")).toEqual(
      notWellFormed('<Say> attribute loop: value is not closed', 2),
    );
  });

  it("a '<' inside an attribute value, in the first or a later attribute", () => {
    expect(refused('<Response><Say loop="2\n<">a</Say></Response>')).toEqual(
      notWellFormed("<Say> attribute loop: '<' in a value", 2),
    );
    expect(refused('<Response><Say voice="man" loop="2\n<">a</Say></Response>')).toEqual(
      notWellFormed("<Say> attribute loop: '<' in a value", 2),
    );
  });

  it('a repeated attribute, named at its second occurrence', () => {
    expect(refused('<Response><Say loop="1"\nloop="2">a</Say></Response>')).toEqual(
      notWellFormed('<Say> attribute loop is repeated', 2),
    );
    expect(refused('<Response><Say loop="1" voice="man"\nlanguage="en" loop="2">a</Say></Response>')).toEqual(
      notWellFormed('<Say> attribute loop is repeated', 2),
    );
  });

  it("an '&' that does not start one of the five entities or a numeric reference", () => {
    const reason =
      "'&' must start a reference such as &amp; (only the five XML entities and numeric references)";
    expect(refused('<Response><Say>a &amp; b\n& c</Say></Response>')).toEqual(notWellFormed(reason, 2));
    expect(refused('<Response><Say>&lt; &gt;\n&nbsp;</Say></Response>')).toEqual(notWellFormed(reason, 2));
    expect(refused('<Response><Say voice="a\n&x;">b</Say></Response>')).toEqual(notWellFormed(reason, 2));
    expect(refused('<Response><Say voice="&amp;">a</Say>\n<Say>&</Say></Response>')).toEqual(
      notWellFormed(reason, 2),
    );
  });

  it('comments, CDATA sections and processing instructions that are not terminated or misplaced', () => {
    expect(refused('<Response>\n<!-- never closed')).toEqual(notWellFormed('unterminated comment', 2));
    expect(refused('<Response><Say>\n<![CDATA[a</Say></Response>')).toEqual(
      notWellFormed('unterminated CDATA section', 2),
    );
    expect(refused('<Response/>\n<![CDATA[a]]>')).toEqual(notWellFormed('CDATA outside the root element', 2));
    expect(refused('<Response>\n<?pi never closed')).toEqual(
      notWellFormed('unterminated processing instruction', 2),
    );
    expect(refused('<Response><Say>]]>\n<![CDATA[a</Say></Response>')).toEqual(
      notWellFormed('unterminated CDATA section', 2),
    );
    expect(refused('<Response><?a?>\n<?b never closed')).toEqual(
      notWellFormed('unterminated processing instruction', 2),
    );
    expect(refused('<Response>\n<!ELEMENT x></Response>')).toEqual(notWellFormed("unexpected '<!'", 2));
  });

  it('an XML declaration anywhere but at the very start', () => {
    for (const declaration of [
      '<?xml version="1.0"?>',
      '<?xml\tversion="1.0"?>',
      '<?xml\nversion="1.0"?>',
      '<?xml\rversion="1.0"?>',
      '<?xml?>',
    ]) {
      expect(refused(`<!-- c -->\n${declaration}<Response/>`)).toEqual(
        notWellFormed('the XML declaration must come first', 2),
      );
    }
  });

  it('a DOCTYPE in either case, at its line', () => {
    const doctype = { code: 12100, message: 'a DOCTYPE is not allowed in RCML documents' };
    expect(refused('<!-- c -->\n<!DOCTYPE Response>\n<Response/>')).toEqual({ ...doctype, line: 2 });
    expect(refused('<!-- c -->\n<!doctype Response>\n<Response/>')).toEqual({ ...doctype, line: 2 });
  });

  it('nesting deeper than the limit, at the first element too deep', () => {
    const xml = '<Response>\n<Gather>\n<Say>hi</Say></Gather></Response>';
    expect(refused(xml, { maxDepth: 2 })).toEqual({
      code: 12400,
      message: 'elements are nested deeper than 2',
      line: 3,
    });
    expect(parseDocument(xml, { maxDepth: 3 }).ok).toBe(true);
  });
});

describe('well-formed edge cases are accepted', () => {
  it('white space of every kind around and between the markup', () => {
    accepted(
      '<?xml version="1.0"?>\n\t\r <!-- c -->\r\n\t <Response>\t\r\n<Say\tvoice="man"\r\nloop = "2"\n/>\t</Response \n>\n\t\r <!-- end -->',
    );
  });

  it('an XML declaration first and other processing instructions anywhere', () => {
    accepted('<?xml version="1.0" encoding="UTF-8"?><Response/>');
    accepted('<!-- c --><?xml-stylesheet href="a"?><Response><?pi data?></Response><?after?>');
  });

  it('comments, CDATA and references whose content would otherwise be refused', () => {
    accepted(
      '<Response><Say>a<!-- & < --> &amp; <![CDATA[ & < ]]> &lt;&gt;&quot;&apos;&#65;&#x41;</Say></Response>',
    );
    accepted('<Response><Say voice=\'man\' language="en-US">a</Say><!-- & --><Say>&amp;</Say></Response>');
  });

  it("quotes of the other kind and '>' inside attribute values", () => {
    accepted(
      "<Response><Say>it's \"a\" > b</Say><Redirect method='POST'>/a?x=1&amp;y=2</Redirect></Response>",
    );
    scanAccepts('<a b="it\'s >" c=\'say "hi"\'/>');
  });

  it('attributes with names that share a prefix or a length are not repeats', () => {
    scanAccepts('<a ab="1" ac="2" b="3" ba="4" abc="5" a="6"/>');
  });

  it('names with letters, digits, _, :, -, . and non-ASCII characters', () => {
    scanAccepts('<a:b_c-d.e9 x.y-z:w_1="1"><_x/><:y/><é1é/></a:b_c-d.e9>');
    scanAccepts('<\u0080\u0080 \u0080="1"/>');
    // the first and last letters of both cases, at the start of a name
    scanAccepts('<A><Z/><a/><z/><Az zA="1" Za="2" aZ="3"/></A>');
  });
});

describe('the scan reports the exact place of the problem', () => {
  it('points at the character at fault', () => {
    expect(scanMarkup('<a b="1"c="2"/>', 16)).toEqual({
      kind: 'malformed',
      index: 8,
      message: '<a>: attributes must be separated by white space',
    });
    expect(scanMarkup('<a b="1" c="x<"/>', 16)).toMatchObject({ index: 13 });
    expect(scanMarkup('<a>x &y; </a>', 16)).toMatchObject({ index: 5 });
    expect(scanMarkup('<a b = x/>', 16)).toMatchObject({ index: 7 });
    expect(scanMarkup('<a/> x', 16)).toMatchObject({ index: 5 });
    expect(scanMarkup('<a><b></a>', 16)).toMatchObject({ index: 6 });
    expect(scanMarkup('<a><b>', 16)).toMatchObject({ index: 3 });
    expect(scanMarkup('<a><b></b>', 16)).toMatchObject({ index: 0 });
    expect(scanMarkup('<a><b/></a>', 1)).toBeNull();
    expect(scanMarkup('<a><b></b></a>', 1)).toEqual({ kind: 'depth', index: 3 });
  });
});
