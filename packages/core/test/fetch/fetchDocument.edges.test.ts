/**
 * `fetchDocument` at its edges (spec 2, 7): the body cap counted in UTF-8 bytes, redirects
 * (every status, a missing or unusable `Location`, the redirect limit), transport failures
 * that are not `RcmlError`s, statuses around 2xx, and the documents made from plain text and
 * audio.
 */
import { type HttpRequest, type HttpResponse, RcmlError } from '@rcml/core';
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

function answer(partial: Partial<HttpResponse>): HttpResponse {
  return { status: 200, contentType: 'text/xml', location: null, body: '<Response/>', ...partial };
}

/** Fetch through a port answering from `responses` in turn; the requests it saw. */
async function fetchWith(
  responses: (HttpResponse | Error | string)[],
  options: { maxBytes?: number; maxRedirects?: number } = {},
) {
  const requests: HttpRequest[] = [];
  const { ctx } = fetchContext((request) => {
    requests.push(request);
    const next = responses[Math.min(requests.length - 1, responses.length - 1)]!;
    return typeof next === 'string' || next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
  });
  const result = await fetchDocument(
    {
      ...ctx,
      maxDocumentBytes: options.maxBytes ?? ctx.maxDocumentBytes,
      maxRedirects: options.maxRedirects ?? ctx.maxRedirects,
    },
    REQUEST,
    new AbortController(),
  );
  return { result, requests };
}

describe('the document size cap counts UTF-8 bytes (11750)', () => {
  // A cap of 12 bytes: a body of 12 bytes is accepted, one more byte is refused.
  it.each([
    ['ASCII up to U+007F', '\u007f', 1],
    ['two bytes from U+0080', '\u0080', 2],
    ['two bytes up to U+07FF', '\u07ff', 2],
    ['three bytes from U+0800', '\u0800', 3],
    ['three bytes up to U+D7FF', '\ud7ff', 3],
    ['four bytes for a surrogate pair (U+10000)', '\ud800\udc00', 4],
    ['four bytes for a surrogate pair (U+10FFFF)', '\udbff\udfff', 4],
    ['three bytes above the surrogates (U+E000)', '\ue000', 3],
    ['three bytes up to U+FFFF', '\uffff', 3],
  ])('%s', async (_what, char, bytes) => {
    const fits = char.repeat(12 / bytes);
    const accepted = await fetchWith([answer({ contentType: 'text/plain', body: fits })], { maxBytes: 12 });
    expect(accepted.result).toMatchObject({ ok: true });
    const over = await fetchWith([answer({ contentType: 'text/plain', body: `${fits}a` })], { maxBytes: 12 });
    expect(over.result).toEqual({
      ok: false,
      code: 11750,
      message: 'response from http://app.test/v is over 12 bytes',
    });
  });

  it('a lone low surrogate counts three bytes, and the character after a pair is counted', async () => {
    const lone = await fetchWith([answer({ contentType: 'text/plain', body: '\udc00'.repeat(4) })], {
      maxBytes: 12,
    });
    expect(lone.result).toMatchObject({ ok: true });
    const loneOver = await fetchWith(
      [answer({ contentType: 'text/plain', body: `${'\udc00'.repeat(4)}a` })],
      {
        maxBytes: 12,
      },
    );
    expect(loneOver.result).toMatchObject({ ok: false, code: 11750 });
    // A pair then eight ASCII characters: 4 + 8 = 12 bytes; a ninth is over.
    const pair = await fetchWith([answer({ contentType: 'text/plain', body: '\ud83d\ude00abcdefgh' })], {
      maxBytes: 12,
    });
    expect(pair.result).toMatchObject({ ok: true });
    const more = await fetchWith([answer({ contentType: 'text/plain', body: '\ud83d\ude00abcdefghi' })], {
      maxBytes: 12,
    });
    expect(more.result).toMatchObject({ ok: false, code: 11750 });
  });

  it('a 64 KiB document of accented text is refused when its bytes, not its characters, exceed the cap', async () => {
    const say = (text: string) => `<Response><Say>${text}</Say></Response>`;
    const overhead = say('').length;
    const half = (65_536 - overhead) / 2; // characters of two bytes each
    const fits = await fetchWith([answer({ body: say('é'.repeat(half)) })]);
    expect(fits.result).toMatchObject({ ok: true });
    const over = await fetchWith([answer({ body: say('é'.repeat(half + 1)) })]);
    expect(over.result).toMatchObject({ ok: false, code: 11750 });
  });
});

describe('redirects', () => {
  it.each([301, 302, 307, 308])('%i repeats the request with its method and parameters', async (status) => {
    const { result, requests } = await fetchWith([answer({ status, location: '/next' }), answer({})]);
    expect(requests.map((r) => [r.method, r.url, r.params])).toEqual([
      ['POST', 'http://app.test/v', { A: '1' }],
      ['POST', 'http://app.test/next', { A: '1' }],
    ]);
    expect(result).toMatchObject({ ok: true, url: 'http://app.test/next' });
  });

  it('303 fetches the new location with GET and no parameters', async () => {
    const { requests } = await fetchWith([
      answer({ status: 303, location: 'http://other.test/x?b=2' }),
      answer({}),
    ]);
    expect(requests.map((r) => [r.method, r.url, r.params])).toEqual([
      ['POST', 'http://app.test/v', { A: '1' }],
      ['GET', 'http://other.test/x?b=2', {}],
    ]);
  });

  it('resolves a relative Location against the URL of the hop that answered it', async () => {
    const { requests, result } = await fetchWith([
      answer({ status: 302, location: 'http://other.test/a/b' }),
      answer({ status: 302, location: 'c' }),
      answer({}),
    ]);
    expect(requests.map((r) => r.url)).toEqual([
      'http://app.test/v',
      'http://other.test/a/b',
      'http://other.test/a/c',
    ]);
    expect(result).toMatchObject({ ok: true, url: 'http://other.test/a/c' });
  });

  it.each([
    ['without Location', null],
    ['with a Location that is not http(s)', 'ftp://app.test/x'],
    ['with a Location that is not a URL', 'http://[bad'],
  ])('a redirect %s fails with 11200', async (_what, location) => {
    const { result, requests } = await fetchWith([answer({ status: 302, location })]);
    expect(result).toEqual({
      ok: false,
      code: 11200,
      message: 'HTTP 302 from http://app.test/v without a usable http(s) Location',
    });
    expect(requests).toHaveLength(1);
  });

  it('follows exactly maxRedirects redirects, and fails on one more with 11215', async () => {
    const hop = answer({ status: 301, location: '/again' });
    const two = await fetchWith([hop, hop, answer({})], { maxRedirects: 2 });
    expect(two.result).toMatchObject({ ok: true });
    expect(two.requests).toHaveLength(3);
    const three = await fetchWith([hop, hop, hop, answer({})], { maxRedirects: 2 });
    expect(three.result).toEqual({
      ok: false,
      code: 11215,
      message: 'more than 2 HTTP redirects fetching http://app.test/v',
    });
    expect(three.requests).toHaveLength(3);
  });

  it('a 300 or 304 is not a redirect: an HTTP failure (11200)', async () => {
    for (const status of [300, 304]) {
      const { result, requests } = await fetchWith([answer({ status, location: '/next' })]);
      expect(result).toMatchObject({ ok: false, code: 11200 });
      expect(requests).toHaveLength(1);
    }
  });
});

describe('statuses and transport failures', () => {
  it('accepts every 2xx status and refuses 199 and 300 with 11200', async () => {
    for (const status of [200, 201, 299]) {
      expect((await fetchWith([answer({ status })])).result).toMatchObject({ ok: true });
    }
    for (const status of [199, 300]) {
      expect((await fetchWith([answer({ status })])).result).toMatchObject({ ok: false, code: 11200 });
    }
  });

  it('names the status and the first line of the body of a refusal', async () => {
    const { result } = await fetchWith([answer({ status: 403, body: 'Invalid signature\nmore' })]);
    expect(result).toEqual({
      ok: false,
      code: 11200,
      message: 'HTTP 403 from http://app.test/v: Invalid signature',
    });
    const empty = await fetchWith([answer({ status: 500, body: '' })]);
    expect(empty.result).toEqual({ ok: false, code: 11200, message: 'HTTP 500 from http://app.test/v' });
  });

  it('a transport failure with its own code keeps the code, and its message after the URL', async () => {
    const { result } = await fetchWith([
      new RcmlError(11210, 'bad host name in http://app.test/v (ENOTFOUND)'),
    ]);
    expect(result).toEqual({
      ok: false,
      code: 11210,
      message: 'http://app.test/v: bad host name in http://app.test/v (ENOTFOUND)',
    });
  });

  it('a transport rejecting with a plain Error fails with 11205 and its message', async () => {
    const { result } = await fetchWith([new Error('socket hang up')]);
    expect(result).toEqual({ ok: false, code: 11205, message: 'http://app.test/v: socket hang up' });
  });

  it('a transport rejecting with something that is not an Error fails with 11205', async () => {
    const { result } = await fetchWith(['ECONNRESET']);
    expect(result).toEqual({ ok: false, code: 11205, message: 'http://app.test/v: ECONNRESET' });
  });

  it('says how long it waited when the fetch timeout passes', async () => {
    const { ctx, clock } = fetchContext(() => new Promise(() => {}));
    const pending = fetchDocument(ctx, REQUEST, new AbortController());
    clock.fireNext();
    await expect(pending).resolves.toEqual({
      ok: false,
      code: 11205,
      message: 'no complete response from http://app.test/v within 15 s',
    });
  });

  it('an already abandoned fetch sends nothing', async () => {
    const requests: HttpRequest[] = [];
    const { ctx, clock } = fetchContext(async (request) => {
      requests.push(request);
      return answer({});
    });
    const controller = new AbortController();
    controller.abort();
    await expect(fetchDocument(ctx, REQUEST, controller)).rejects.toMatchObject({ name: 'Aborted' });
    expect(requests).toEqual([]);
    expect(clock.pending).toBe(0);
  });

  it('clears its timer after a successful fetch', async () => {
    const { ctx, clock } = fetchContext(async () => answer({}));
    await fetchDocument(ctx, REQUEST, new AbortController());
    expect(clock.pending).toBe(0);
  });

  it('sends each hop as a document fetch of the call and account', async () => {
    const { requests } = await fetchWith([answer({})]);
    expect(requests[0]).toMatchObject({ kind: 'fetch', callSid: 'CA1', accountSid: 'AC1', method: 'POST' });
  });
});

describe('documents made from the body', () => {
  it('text/plain is spoken trimmed, as one Say with the defaults', async () => {
    const { result } = await fetchWith([answer({ contentType: 'text/plain', body: '  Hello there \n' })]);
    expect(result).toEqual({
      ok: true,
      url: 'http://app.test/v',
      warnings: [],
      document: {
        verbs: [
          {
            kind: 'Say',
            text: 'Hello there',
            voice: 'man',
            language: 'en-US',
            loop: 1,
            position: { path: 'Response/Say[1]' },
          },
        ],
      },
    });
  });

  it('blank text/plain is an empty document', async () => {
    const { result } = await fetchWith([answer({ contentType: 'text/plain', body: ' \n ' })]);
    expect(result).toMatchObject({ ok: true, document: { verbs: [] }, warnings: [] });
  });

  it('text/plain over 4096 characters is cut, with 13521', async () => {
    const { result } = await fetchWith([answer({ contentType: 'text/plain', body: 'a'.repeat(5000) })]);
    expect(result).toMatchObject({
      ok: true,
      warnings: [
        {
          code: 13521,
          message: 'text/plain body over 4096 characters; cut to 4096',
          path: 'Response/Say[1]',
        },
      ],
    });
    if (result.ok) expect((result.document.verbs[0] as { text: string }).text).toHaveLength(4096);
  });

  it('audio is played from the URL it finally came from', async () => {
    const { result } = await fetchWith([
      answer({ status: 302, location: '/a.mp3' }),
      answer({ contentType: 'audio/mpeg', body: 'ID3' }),
    ]);
    expect(result).toEqual({
      ok: true,
      url: 'http://app.test/a.mp3',
      warnings: [],
      document: {
        verbs: [
          {
            kind: 'Play',
            url: 'http://app.test/a.mp3',
            digits: null,
            loop: 1,
            position: { path: 'Response/Play[1]' },
          },
        ],
      },
    });
  });

  it('a document that does not parse fails with the parser’s code, prefixed by the URL', async () => {
    const { result } = await fetchWith([answer({ body: '<Response><Say>' })]);
    expect(result).toMatchObject({ ok: false, code: 12100 });
    if (!result.ok) expect(result.message.startsWith('http://app.test/v: ')).toBe(true);
  });

  it('a body of another type fails with 12300, prefixed by the URL', async () => {
    const { result } = await fetchWith([answer({ contentType: 'image/png', body: 'x' })]);
    expect(result).toMatchObject({ ok: false, code: 12300 });
    if (!result.ok)
      expect(result.message.startsWith('http://app.test/v: Content-Type "image/png"')).toBe(true);
  });
});
