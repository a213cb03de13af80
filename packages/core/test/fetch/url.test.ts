/** Which document URLs are fetched, and how references resolve (spec section 2). */
import { describe, expect, it } from 'vitest';
import { isHttpUrl, resolveUrl } from '../../src/fetch/url.js';

describe('document URLs', () => {
  it('only absolute http(s) URLs are fetched', () => {
    expect(isHttpUrl('HTTPS://app.test/voice')).toBe(true);
    expect(isHttpUrl('ftp://files.test/?next=http://app.test/')).toBe(false);
  });

  it('resolves references against the document, keeping https', () => {
    expect(resolveUrl('next', 'https://app.test/voice/start')).toBe('https://app.test/voice/next');
    expect(resolveUrl('https://other.test/x', 'http://app.test/')).toBe('https://other.test/x');
    expect(resolveUrl('ftp://files.test/x', 'http://app.test/')).toBeNull();
  });
});
