import { parseDocument } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { fetchDocument } from '../../src/fetch/fetchDocument.js';
import { fetchContext } from './fetchContext.js';

const REQUEST = {
  url: 'http://app.test/v',
  method: 'POST',
  params: { A: '1' },
  callSid: 'CA1',
  accountSid: 'AC1',
} as const;

describe('fetchDocument', () => {
  it('aborts the request signal when the fetch timeout passes, and fails with 11205', async () => {
    const seen: AbortSignal[] = [];
    const { ctx, clock } = fetchContext((request) => {
      seen.push(request.signal);
      return new Promise(() => {});
    });
    const result = fetchDocument(ctx, REQUEST, new AbortController());
    expect(clock.fireNext()).toBe(true);
    await expect(result).resolves.toMatchObject({ ok: false, code: 11205 });
    expect(seen[0]?.aborted).toBe(true);
    expect(clock.pending).toBe(0);
  });

  it('rejects with the abandonment marker when the caller aborts, clearing its timer', async () => {
    const { ctx, clock } = fetchContext(() => new Promise(() => {}));
    const controller = new AbortController();
    const result = fetchDocument(ctx, REQUEST, controller);
    controller.abort();
    await expect(result).rejects.toMatchObject({ name: 'Aborted' });
    expect(clock.pending).toBe(0);
  });

  it('passes transport error codes through (11210 bad host)', async () => {
    const { ctx } = fetchContext(() =>
      Promise.reject(Object.assign(new Error('no such host'), { name: 'RcmlError', code: 11210 })),
    );
    await expect(fetchDocument(ctx, REQUEST, new AbortController())).resolves.toMatchObject({
      ok: false,
      code: 11210,
    });
  });

  it('shares one parsed document between calls fetching the same body', async () => {
    const body = '<Response><Say>Hi</Say></Response>';
    const { ctx } = fetchContext(async () => ({
      status: 200,
      contentType: 'text/xml',
      location: null,
      body,
    }));
    const a = await fetchDocument(ctx, REQUEST, new AbortController());
    const b = await fetchDocument(ctx, REQUEST, new AbortController());
    expect(a.ok && b.ok && a.document === b.document).toBe(true);
    expect(a.ok && a.document).toEqual((parseDocument(body) as { document: unknown }).document);
  });
});
