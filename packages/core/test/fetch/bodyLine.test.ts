/** A failed answer's body as one line (what 11200 notices quote). */
import { describe, expect, it } from 'vitest';
import { BODY_LINE_CHARS, bodyLine } from '../../src/fetch/bodyLine.js';

describe('bodyLine', () => {
  it('keeps the first non-empty line, spaces collapsed', () => {
    expect(bodyLine('Twilio Request Validation Failed.')).toBe('Twilio Request Validation Failed.');
    expect(bodyLine('\r\n  first\t line \r\nsecond')).toBe('first line');
    expect(bodyLine('')).toBe('');
  });

  it('reads markup as text: head, script and style dropped, entities decoded', () => {
    const page =
      '<!DOCTYPE html><html><head><title>Error</title><style>p{}</style></head>' +
      '<body><pre>Cannot POST /voice &amp; more</pre></body></html>';
    expect(bodyLine(page)).toBe('Cannot POST /voice & more');
  });

  it(`cuts at ${BODY_LINE_CHARS} characters, counting code points`, () => {
    const cut = bodyLine('é'.repeat(500));
    expect([...cut]).toHaveLength(BODY_LINE_CHARS);
    expect(cut.endsWith('…')).toBe(true);
  });
});
