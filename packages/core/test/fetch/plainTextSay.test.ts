/** A `text/plain` body spoken as `<Say>` (spec 2, 4.1): trimmed first, then cut like any Say. */
import type { HttpResponse } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { type FetchResult, fetchDocument } from '../../src/fetch/fetchDocument.js';
import { fetchContext } from './fetchContext.js';

const REQUEST = {
  url: 'http://app.test/v',
  method: 'POST',
  params: {},
  callSid: 'CA1',
  accountSid: 'AC1',
} as const;

function fetchPlain(body: string): Promise<FetchResult> {
  const response: HttpResponse = { status: 200, contentType: 'text/plain', location: null, body };
  const { ctx } = fetchContext(async () => response);
  return fetchDocument(ctx, REQUEST, new AbortController());
}

describe('text/plain spoken as Say', () => {
  it('is trimmed, then cut to 4096 code points (13521), a trailing space kept', async () => {
    const result = await fetchPlain(`  ${'🎉 '.repeat(2100)}  `);
    if (!result.ok) throw new Error(result.message);
    expect(result.document.verbs).toMatchObject([{ kind: 'Say', text: '🎉 '.repeat(2048) }]);
    expect(result.warnings.map((w) => w.code)).toEqual([13521]);
  });

  it('is not cut at 4096 code points, even though that is more UTF-16 units', async () => {
    const body = '🎉'.repeat(4096);
    const result = await fetchPlain(body);
    if (!result.ok) throw new Error(result.message);
    expect(result.document.verbs).toMatchObject([{ kind: 'Say', text: body }]);
    expect(result.warnings).toEqual([]);
  });
});
