/** The document cache: calls fetching the same body share one classified document. */
import { describe, expect, it } from 'vitest';
import { DocumentCache } from '../../src/fetch/documentCache.js';

const XML = (n: number) => `<Response><Say>${n}</Say></Response>`;

describe('DocumentCache', () => {
  it('shares one decision for the same body and content type, not across content types', () => {
    const cache = new DocumentCache(4);
    const first = cache.classify('text/xml', XML(1), {});
    expect(cache.classify('text/xml', XML(1), {})).toBe(first);
    const plain = cache.classify('text/plain', 'hello', {});
    expect(plain).toEqual({ kind: 'say', text: 'hello' });
    expect(cache.classify('audio/mpeg', 'hello', {})).toEqual({ kind: 'play' });
  });

  it('a missing and an empty content type are the same document', () => {
    const cache = new DocumentCache(4);
    const first = cache.classify(null, 'hello', {});
    expect(cache.classify('', 'hello', {})).toBe(first);
  });

  it('caches bodies up to 16 KiB, not larger ones', () => {
    const cache = new DocumentCache(4);
    const limit = 'a'.repeat(16 * 1024);
    expect(cache.classify('text/plain', limit, {})).toBe(cache.classify('text/plain', limit, {}));
    const over = 'a'.repeat(16 * 1024 + 1);
    const first = cache.classify('text/plain', over, {});
    const second = cache.classify('text/plain', over, {});
    expect(second).toEqual(first);
    expect(second).not.toBe(first);
  });

  it('keeps the capacity most recently used bodies', () => {
    const cache = new DocumentCache(2);
    const one = cache.classify('text/xml', XML(1), {});
    const two = cache.classify('text/xml', XML(2), {});
    expect(cache.classify('text/xml', XML(1), {})).toBe(one); // 1 is now the most recent
    cache.classify('text/xml', XML(3), {}); // evicts 2
    expect(cache.classify('text/xml', XML(1), {})).toBe(one);
    expect(cache.classify('text/xml', XML(2), {})).not.toBe(two);
  });

  it('with capacity 0 shares nothing', () => {
    const cache = new DocumentCache(0);
    const first = cache.classify('text/xml', XML(1), {});
    expect(cache.classify('text/xml', XML(1), {})).not.toBe(first);
  });
});
