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

describe('bodyLine: plain text and markup', () => {
  it('keeps a plain-text body that mentions a tag as it is', () => {
    expect(bodyLine('Expected a <Response> root element')).toBe('Expected a <Response> root element');
  });

  it('reads a body as markup even after leading blank lines', () => {
    expect(bodyLine('\n  <p>Not Found</p>')).toBe('Not Found');
  });

  it('drops a script whose code has spaces, and one closed with a space before >', () => {
    expect(bodyLine('<html><script>var a = 1;</script><p>Hi</p></html>')).toBe('Hi');
    expect(bodyLine('<html><script>boom()</script ><p>Hi</p></html>')).toBe('Hi');
  });

  it('a dropped script separates the words around it, and tags end lines', () => {
    expect(bodyLine('<p>Bad<script>x()</script>Gateway</p>')).toBe('Bad Gateway');
    expect(bodyLine('<p>first</p><p>second</p>')).toBe('first');
  });

  it('decodes the markup entities', () => {
    expect(bodyLine('<p>&lt;Response&gt; &quot;x&quot; &#39;y&#39; &amp;</p>')).toBe(`<Response> "x" 'y' &`);
  });

  it(`keeps a line of exactly ${BODY_LINE_CHARS} characters whole`, () => {
    const line = 'a'.repeat(BODY_LINE_CHARS);
    expect(bodyLine(line)).toBe(line);
  });
});
