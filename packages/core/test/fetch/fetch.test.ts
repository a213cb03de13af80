import { describe, expect, it } from 'vitest';
import { inbound, lines, noticeCodes, outbound, paramsOf, runWorld, type World } from '../engine/harness.js';

const OK = { body: '<Response><Say>Fallback</Say></Response>' };

function withFallback(voice: unknown): World {
  return outbound('', {
    call: { FallbackUrl: 'http://app.test/fb' },
    app: { 'POST http://app.test/voice': voice as never, 'POST http://app.test/fb': OK },
  });
}

describe('fetching documents (spec 2)', () => {
  it.each([
    ['a non-2xx status', { status: 404 }, 11200, 1],
    ['a refused connection', { error: 'connect' }, 11205, 1],
    ['no response within the fetch timeout', { error: 'hang' }, 11205, 16],
    ['an unknown content type', { type: 'application/json', body: '{}' }, 12300, 1],
    ['a document that is not well-formed', { body: '<Response><Say>' }, 12100, 1],
    ['a root that is not Response', { body: '<Reply/>' }, 12102, 1],
    ['an unknown verb', { body: '<Response><Connect/></Response>' }, 12200, 1],
    ['a body over 64 KiB', { body: `<Response><Say>${'a'.repeat(70_000)}</Say></Response>` }, 11750, 1],
  ])('falls back on %s with ErrorCode and ErrorUrl', async (_name, voice, code, at) => {
    const run = await runWorld(withFallback(voice));
    expect(lines(run.timeline).slice(0, 3)).toEqual([
      '1 fetch POST http://app.test/voice',
      `${at} fetch POST http://app.test/fb`,
      `${at} say text=Fallback voice=man language=en-US loop=1`,
    ]);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({
      ErrorCode: String(code),
      ErrorUrl: 'http://app.test/voice',
    });
    expect(noticeCodes(run)).toEqual([code]);
  });

  it('without a fallback, an answered call hangs up completed', async () => {
    const run = await runWorld(outbound('', { app: { 'POST http://app.test/voice': { status: 503 } } }));
    expect(lines(run.timeline)).toEqual(['1 fetch POST http://app.test/voice', '1 hangup']);
    expect(run.final).toEqual({ status: 'completed', duration: 0 });
  });

  it('a failing fallback, action or Redirect target has no further fallback', async () => {
    const run = await runWorld(
      outbound('<Response><Redirect>/gone</Redirect></Response>', {
        call: { FallbackUrl: 'http://app.test/fb' },
      }),
    );
    expect(lines(run.timeline)).toEqual([
      '1 fetch POST http://app.test/voice',
      '1 fetch POST http://app.test/gone',
      '1 hangup',
    ]);
    expect(noticeCodes(run)).toEqual([11200]);
  });

  it('follows redirects one request per hop; 307 repeats the request, 303 fetches with GET and no parameters', async () => {
    const run = await runWorld(
      outbound('', {
        app: {
          'POST http://app.test/voice': { status: 307, headers: { Location: '/moved' } },
          'POST http://app.test/moved': { status: 303, headers: { Location: 'http://other.test/doc/x.xml' } },
          'GET http://other.test/doc/x.xml': { body: '<Response><Redirect>next.xml</Redirect></Response>' },
          'POST http://other.test/doc/next.xml': { body: '<Response/>' },
        },
      }),
    );
    expect(lines(run.timeline)).toEqual([
      '1 fetch POST http://app.test/voice',
      '1 fetch POST http://app.test/moved',
      '1 fetch GET http://other.test/doc/x.xml',
      '1 fetch POST http://other.test/doc/next.xml',
      '1 hangup',
    ]);
    expect(paramsOf(run, 'fetch', 1).CallSid).toBe('CA00000000000000000000000000000001');
    expect(paramsOf(run, 'fetch', 2)).toEqual({});
  });

  it('stops after 10 redirects with 11215', async () => {
    const run = await runWorld(
      outbound('', {
        app: { 'POST http://app.test/voice': { status: 302, headers: { Location: '/voice' } } },
      }),
    );
    expect(run.timeline.filter((e) => e.kind === 'fetch')).toHaveLength(11);
    expect(noticeCodes(run)).toEqual([11215]);
  });

  it('GET keeps the query the URL already has and appends the parameters', async () => {
    const run = await runWorld(
      outbound('', {
        call: { Url: 'http://app.test/voice?tenant=7', Method: 'GET' },
        app: { 'GET http://app.test/voice': { body: '<Response/>' } },
      }),
    );
    expect(paramsOf(run, 'fetch')).toMatchObject({ tenant: '7', CallStatus: 'in-progress' });
  });

  it('sends the parameters of section 2 in order, without empty optional ones', async () => {
    const run = await runWorld(inbound('<Response/>', { inbound: { CallerName: 'Alice' } as never }));
    expect(Object.keys(paramsOf(run, 'fetch'))).toEqual([
      'CallSid',
      'AccountSid',
      'From',
      'To',
      'CallStatus',
      'ApiVersion',
      'Direction',
      'Caller',
      'Called',
      'CallerName',
    ]);
  });

  it('text/plain that is not RCML is spoken; audio is played', async () => {
    const run = await runWorld(
      outbound('', {
        app: {
          'POST http://app.test/voice': { type: 'text/plain', body: '  Hello there  ' },
        },
      }),
    );
    expect(lines(run.timeline)[1]).toBe('1 say text=Hello there voice=man language=en-US loop=1');
    const audio = await runWorld(
      outbound('', { app: { 'POST http://app.test/voice': { type: 'audio/mpeg', body: '' } } }),
    );
    expect(lines(audio.timeline)[1]).toBe('1 play url=http://app.test/voice loop=1');
  });

  it('stops a Redirect loop after the per-minute fetch limit with 14100', async () => {
    const run = await runWorld(outbound('<Response><Redirect>/voice</Redirect></Response>'), {
      limits: { maxFetchesPerMinute: 5 },
    });
    expect(run.timeline.filter((e) => e.kind === 'fetch')).toHaveLength(5);
    expect(noticeCodes(run)).toEqual([14100]);
    expect(run.final?.status).toBe('completed');
  });

  it('the fetch timeout is configurable and runs on the clock', async () => {
    const run = await runWorld({
      ...withFallback({ error: 'hang' }),
      options: { fetchTimeout: 3 },
    });
    expect(lines(run.timeline)[1]).toBe('4 fetch POST http://app.test/fb');
  });
});
