/** serializeDocument escapes what XML would otherwise change: white space in attribute values, CR in text. */
import { parseDocument, type RcmlDocument, serializeDocument } from '@rcml/core';
import { expect, it } from 'vitest';
import { stripPositions } from '../../../testing/src/arbitraries/documents.js';

function parsed(xml: string): RcmlDocument {
  const result = parseDocument(xml);
  if (!result.ok) throw new Error(`${result.error.code} ${result.error.message}`);
  return result.document;
}

it('keeps tabs, line feeds and carriage returns of attribute values and text through a round trip', () => {
  const document = parsed('<Response><Sms to="a&#9;b&#10;c&#13;d">x&#13;y</Sms></Response>');
  const xml = serializeDocument(document);
  expect(xml).toContain('<Sms to="a&#9;b&#10;c&#13;d">x&#13;y</Sms>');
  expect(stripPositions(parsed(xml))).toEqual(stripPositions(document));
});
