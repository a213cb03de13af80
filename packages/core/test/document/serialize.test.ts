/** serializeDocument: typed documents to RCML text that parses back to the same document. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument, type RcmlDocument, serializeDocument } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { stripPositions } from '../../../testing/src/arbitraries/documents.js';
import { FIXTURES } from './paths.js';

function parsed(xml: string): RcmlDocument {
  const result = parseDocument(xml);
  if (!result.ok) throw new Error(`${result.error.code} ${result.error.message}`);
  return result.document;
}

describe('serializeDocument', () => {
  it('writes readable RCML, leaving defaults out and escaping values', () => {
    const document = parsed(
      '<Response><Say voice="woman">Fish &amp; chips &lt;3</Say><Gather numDigits="1" finishOnKey=""><Pause/></Gather><Redirect method="GET">/next?a=1&amp;b="2"</Redirect></Response>',
    );
    expect(serializeDocument(document)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<Response>',
        '  <Say voice="woman">Fish &amp; chips &lt;3</Say>',
        '  <Gather finishOnKey="" numDigits="1">',
        '    <Pause/>',
        '  </Gather>',
        '  <Redirect method="GET">/next?a=1&amp;b="2"</Redirect>',
        '</Response>',
        '',
      ].join('\n'),
    );
  });

  it('escapes attribute values', () => {
    const document = parsed('<Response><Sms to="a&quot;b&lt;c&amp;d">x</Sms></Response>');
    expect(serializeDocument(document)).toContain('<Sms to="a&quot;b&lt;c&amp;d">x</Sms>');
  });

  it('writes an empty document as <Response/>', () => {
    expect(serializeDocument({ verbs: [] })).toBe('<?xml version="1.0" encoding="UTF-8"?>\n<Response/>\n');
  });

  it('round-trips every valid fixture', () => {
    const dir = join(FIXTURES, 'valid');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.xml'))) {
      const document = parsed(readFileSync(join(dir, file), 'utf8'));
      const again = parsed(serializeDocument(document));
      expect(stripPositions(again), file).toEqual(stripPositions(document));
    }
  });
});
