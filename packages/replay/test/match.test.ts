import { firstDifference, type TimelineEntry } from '@rcml/replay';
import { describe, expect, it } from 'vitest';

const fetch: TimelineEntry = {
  kind: 'fetch',
  at: 2,
  method: 'POST',
  url: 'http://a.test/v',
  params: { CallSid: 'CA1', Digits: '12' },
};
const say: TimelineEntry = {
  kind: 'media',
  at: 2.0004,
  op: 'say',
  text: 'hi',
  voice: 'man',
  language: 'en-US',
  loop: 1,
};

describe('timeline matching', () => {
  it('checks only the fields written; params keys exact, null meaning absent; at within 0.001 s', () => {
    expect(
      firstDifference(
        [
          { kind: 'fetch', params: { Digits: '12', FinishedOnKey: null } },
          { kind: 'media', op: 'say', at: 2 },
        ],
        [fetch, say],
      ),
    ).toBeUndefined();
  });

  it.each([
    [{ kind: 'fetch', params: { Digits: '1' } }, 'params.Digits'],
    [{ kind: 'fetch', params: { CallSid: null } }, 'params.CallSid'],
    [{ kind: 'fetch', params: { Missing: '' } }, 'params.Missing'],
    [{ kind: 'callback' }, 'kind'],
    [{ kind: 'fetch', at: 2.002 }, 'at'],
    [{ kind: 'fetch', method: 'GET' }, 'method'],
  ])('names the first differing field (%#)', (expected, field) => {
    expect(firstDifference([expected], [fetch])).toMatchObject({ index: 0, field });
  });

  it('requires the same number of entries in the same order', () => {
    expect(firstDifference([{ kind: 'fetch' }], [fetch, say])).toEqual({
      index: 1,
      expected: undefined,
      actual: say,
    });
    expect(firstDifference([{ kind: 'fetch' }, { kind: 'media' }, { kind: 'media' }], [fetch, say])).toEqual({
      index: 2,
      expected: { kind: 'media' },
      actual: undefined,
    });
    expect(firstDifference([{ kind: 'media' }, { kind: 'fetch' }], [fetch, say])).toMatchObject({ index: 0 });
  });

  it('compares lists like dial targets exactly', () => {
    const dial: TimelineEntry = { kind: 'media', at: 0, op: 'dial', targets: [{ type: 'number', to: '+1' }] };
    expect(
      firstDifference([{ kind: 'media', targets: [{ type: 'number', to: '+1' }] }], [dial]),
    ).toBeUndefined();
    expect(
      firstDifference([{ kind: 'media', targets: [{ type: 'number', to: '+2' }] }], [dial]),
    ).toMatchObject({
      field: 'targets',
    });
  });
});
