/**
 * The replay additions for geographic parameters (rcml.md 9.1; docs/replay-format.md):
 * geographic fields in `inbound`, and the top-level `numbers` object behind the number look-up.
 */
import { isRcmlError } from '@rcml/core';
import { runScenario, validateScenario } from '@rcml/replay';
import { describe, expect, it } from 'vitest';

const call = { From: '+15550002222', To: '+15550001111', Url: 'http://app.test/voice' };

function problem(json: unknown): string | null {
  const warnings: string[] = [];
  try {
    validateScenario(json, 'case.json', warnings);
    return warnings.length === 0 ? null : `warning: ${warnings.join('; ')}`;
  } catch (error) {
    expect(isRcmlError(error)).toBe(true);
    return (error as Error).message;
  }
}

describe('numbers and inbound geography in scenarios', () => {
  it('accepts numbers with city, state, zip and country, and geographic inbound fields', () => {
    expect(
      problem({ name: 'x', call, numbers: { '+15550002222': { city: 'BOSTON', country: 'US' } } }),
    ).toBeNull();
    expect(
      problem({
        name: 'x',
        inbound: { From: '+1', To: '+2', Url: 'http://a.test/', FromCity: 'X', ToZip: '1' },
      }),
    ).toBeNull();
  });

  it.each([
    [{ '+1': 'BOSTON' }, 'numbers.+1: must be an object'],
    [{ '+1': { city: 7 } }, 'numbers.+1.city: must be a string'],
    [{ '+1': { town: 'BOSTON' } }, 'numbers.+1'],
  ])('refuses numbers %j naming the field', (numbers, message) => {
    const got = problem({ name: 'x', call, numbers });
    expect(got).toMatch(/^case\.json: /);
    expect(got).toContain(message);
  });

  it('sends what numbers knows on the call requests, and nothing for an unlisted number', async () => {
    const result = await runScenario(
      validateScenario(
        {
          name: 'x',
          call,
          numbers: { '+15550001111': { state: 'TX' } },
          party: [{ at: 1, do: 'answer' }],
          app: { 'POST http://app.test/voice': { body: '<Response/>' } },
        },
        'case.json',
      ),
    );
    const fetches = result.events.flatMap((e) => (e.type === 'request' && e.kind === 'fetch' ? [e] : []));
    expect(fetches).toHaveLength(1);
    const params = fetches[0]!.params;
    expect(params).toMatchObject({
      ToState: 'TX',
      CalledState: 'TX',
      Caller: '+15550002222',
      Called: '+15550001111',
    });
    expect(Object.keys(params).filter((k) => k.startsWith('From') || k.startsWith('Caller'))).toEqual([
      'From',
      'Caller',
    ]);
  });
});
