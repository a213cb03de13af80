/** classifyContent: what the engine does with a fetched body (spec section 2). */
import { classifyContent } from '@rcml/core';
import { describe, expect, it } from 'vitest';

const RCML = '<?xml version="1.0"?><Response><Say>Hi</Say></Response>';

describe('classifyContent', () => {
  it.each([
    'text/xml',
    'application/xml',
    'application/rcml+xml',
    'TEXT/XML; charset=utf-8',
    'text/html; charset=utf-8',
    'Text/HTML',
    ' application/xml ;q=1',
  ])('%s is RCML', (type) => {
    const decision = classifyContent(type, RCML);
    expect(decision).toMatchObject({ kind: 'rcml', result: { ok: true } });
  });

  it('keeps a failed parse of an XML type as RCML (the failure is the document)', () => {
    expect(classifyContent('text/xml', '<Response><Connect/></Response>')).toMatchObject({
      kind: 'rcml',
      result: { ok: false, error: { code: 12200 } },
    });
    expect(classifyContent('application/xml', 'hello')).toMatchObject({
      kind: 'rcml',
      result: { ok: false, error: { code: 12100 } },
    });
  });

  it('treats text/plain holding a Response document as RCML', () => {
    expect(classifyContent('text/plain; charset=UTF-8', `  ${RCML}  `)).toMatchObject({
      kind: 'rcml',
      result: { ok: true },
    });
    expect(classifyContent('text/plain', '<Response><Connect/></Response>')).toMatchObject({
      kind: 'rcml',
      result: { ok: false, error: { code: 12200 } },
    });
  });

  it('keeps a text/plain Response document over a limit as RCML (12400), not as text', () => {
    const deep = `<?xml version="1.0"?><Response>${'<Say>'.repeat(20)}`;
    expect(classifyContent('text/plain', deep)).toMatchObject({
      kind: 'rcml',
      result: { error: { code: 12400 } },
    });
    expect(classifyContent('text/plain', `<html>${'<div>'.repeat(20)}`)).toMatchObject({ kind: 'say' });
  });

  it('speaks other text/plain bodies, trimmed', () => {
    expect(classifyContent('text/plain', '\n  Hello, caller!  \n')).toEqual({
      kind: 'say',
      text: 'Hello, caller!',
    });
    expect(classifyContent('text/plain', '<b>bold</b> claims')).toEqual({
      kind: 'say',
      text: '<b>bold</b> claims',
    });
    expect(classifyContent('Text/Plain', '<html><body>x</body></html>')).toEqual({
      kind: 'say',
      text: '<html><body>x</body></html>',
    });
  });

  it.each(['audio/mpeg', 'audio/wav', 'AUDIO/X-WAV; rate=8000'])('%s is played', (type) => {
    expect(classifyContent(type, 'binary')).toEqual({ kind: 'play' });
  });

  it('treats a missing Content-Type like text/plain: RCML when a Response document, else spoken', () => {
    for (const type of [null, '', ' ; charset=utf-8']) {
      expect(classifyContent(type, RCML)).toMatchObject({ kind: 'rcml', result: { ok: true } });
      expect(classifyContent(type, '<Response><Connect/></Response>')).toMatchObject({
        kind: 'rcml',
        result: { ok: false, error: { code: 12200 } },
      });
      expect(classifyContent(type, ' Thanks for calling. ')).toEqual({
        kind: 'say',
        text: 'Thanks for calling.',
      });
    }
  });

  it('keeps a failed parse of text/html as RCML (an HTML page is not spoken)', () => {
    expect(classifyContent('text/html', '<html><body>Oops</body></html>')).toMatchObject({
      kind: 'rcml',
      result: { ok: false, error: { code: 12102 } },
    });
  });

  it.each(['application/json', 'audio', 'audio/', 'rcml+xml', 'video/mp4', 'application/octet-stream'])(
    '%s is a 12300 failure naming the type',
    (type) => {
      const decision = classifyContent(type, RCML);
      expect(decision).toMatchObject({ kind: 'failure', code: 12300 });
      if (decision.kind === 'failure' && type) expect(decision.message).toContain(type);
    },
  );
});
