import { describe, expect, it } from 'vitest';
import { buildTarget } from '../src/target.js';
import { req } from './support/request.js';

describe('buildTarget', () => {
  it('splits origin and path, and signs the full GET URL with no parameters', () => {
    const target = buildTarget(
      req('http://app.test:8080/a/b?x=1', { method: 'GET', params: { Digits: '1 2' } }),
    );
    expect(target).toEqual({
      origin: 'http://app.test:8080',
      hostname: 'app.test',
      path: '/a/b?x=1&Digits=1+2',
      url: 'http://app.test:8080/a/b?x=1&Digits=1+2',
      body: null,
      signedParams: {},
      authorization: null,
    });
  });

  it('POST keeps the URL as is and signs the form parameters', () => {
    const target = buildTarget(req('https://app.test/voice?x=%20', { params: { A: 'é' } }));
    expect(target).toMatchObject({
      origin: 'https://app.test',
      path: '/voice?x=%20',
      url: 'https://app.test/voice?x=%20',
      body: 'A=%C3%A9',
      signedParams: { A: 'é' },
    });
  });

  it('handles a bare origin, a trailing "?", and an IPv6 host', () => {
    expect(buildTarget(req('http://app.test', { method: 'GET', params: {} })).path).toBe('/');
    expect(buildTarget(req('http://app.test/p?', { method: 'GET', params: { A: '1' } })).url).toBe(
      'http://app.test/p?A=1',
    );
    expect(buildTarget(req('http://[::1]:81/p')).hostname).toBe('::1');
  });

  it('turns credentials in the URL into basic authentication, out of the URL', () => {
    const target = buildTarget(req('https://ann:p%40ss@app.test/voice'));
    expect(target).toMatchObject({
      origin: 'https://app.test',
      path: '/voice',
      url: 'https://app.test/voice',
      authorization: `Basic ${Buffer.from('ann:p@ss').toString('base64')}`,
    });
  });

  it('refuses what is not an absolute http(s) URL with 11210 naming the field', () => {
    for (const url of ['app.test/voice', 'mailto:a@b.test', 'file:///etc/passwd']) {
      expect(() => buildTarget(req(url))).toThrow(expect.objectContaining({ code: 11210, field: 'url' }));
    }
  });
});
