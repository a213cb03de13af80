/**
 * The Calls API parameters (spec 1.2) and an inbound call's application (spec 1.3) as the
 * engine reads them: explicit and lower-case methods (the official REST client sends
 * `Method=POST`), trimmed values, the edges of `To`, `Timeout` and `DetectVoicemail`, and the
 * refusals that name the parameter.
 */
import {
  type CreateCallParams,
  createEngine,
  createSequentialIds,
  createSimulatedClock,
  isRcmlError,
} from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { outbound, paramsOf, runWorld } from './harness.js';
import { stubChannel } from './stubChannel.js';

const CALL = { To: '+15550001111', From: '+15550002222', Url: 'https://app.test/voice' };

function engineOnly() {
  return createEngine({
    driver: {
      capabilities: { ssml: false, speech: false, voicemailDetection: false },
      originate: () => stubChannel({}),
    },
    http: { send: () => new Promise(() => {}) },
    clock: createSimulatedClock(),
    ids: createSequentialIds(),
  });
}

/** The code, field and message of a refusal, or 'accepted'. */
function refusal(
  fn: () => unknown,
): { code: number; field: string | undefined; message: string } | 'accepted' {
  try {
    fn();
    return 'accepted';
  } catch (error) {
    if (!isRcmlError(error)) throw error;
    return { code: error.code, field: error.field, message: error.message };
  }
}
const create = (params: Record<string, string | undefined>) =>
  refusal(() => engineOnly().create(params as unknown as CreateCallParams));

describe('To (spec 1.2)', () => {
  it.each(['15550001111', '+15550001111', '+1 (555) 000-1111', '555.000.1111', '*67#', '0'])(
    'accepts the number %j, with or without +',
    (to) => {
      expect(create({ ...CALL, To: to })).toBe('accepted');
    },
  );

  it.each(['abc123', '123abc', '+', '1+2', '++1555', '+1555x', 'client:'])('refuses %j naming To', (to) => {
    expect(create({ ...CALL, To: to })).toMatchObject({ code: 20001, field: 'To' });
  });

  it('says why a To is refused', () => {
    expect(create({ ...CALL, To: 'abc123' })).toMatchObject({
      message: 'To: "abc123" is not a phone number, client:<name> or SIP URI',
    });
    expect(create({ ...CALL, To: 'client:' })).toMatchObject({ message: 'To: client name is empty' });
    expect(create({ ...CALL, To: '   ' })).toMatchObject({ field: 'To', message: 'To: required' });
  });

  it('accepts clients and SIP addresses as they are', () => {
    expect(create({ ...CALL, To: 'client:a' })).toBe('accepted');
    expect(create({ ...CALL, To: 'sip:alice' })).toBe('accepted');
    expect(create({ ...CALL, To: 'alice@pbx' })).toBe('accepted');
  });

  it('keeps To and From trimmed', () => {
    const record = engineOnly().create({ ...CALL, To: '  +15550001111 ', From: ' +15550002222\t' });
    expect(record).toMatchObject({ to: '+15550001111', from: '+15550002222' });
  });
});

describe('methods (spec 1.2)', () => {
  it('an explicit Method=POST, FallbackMethod=POST and StatusCallbackMethod=POST are accepted and used', async () => {
    const run = await runWorld(
      outbound('<Response><Hangup/></Response>', {
        call: {
          Method: 'POST',
          FallbackUrl: 'http://app.test/fallback',
          FallbackMethod: 'POST',
          StatusCallback: 'http://app.test/status',
          StatusCallbackMethod: 'POST',
          StatusCallbackEvent: 'completed',
        },
        app: {
          'POST http://app.test/voice': { status: 500 },
          'POST http://app.test/fallback': { body: '<Response><Hangup/></Response>' },
          'POST http://app.test/status': { status: 204 },
        },
      }),
    );
    expect(run.error).toBeNull();
    expect(
      run.timeline
        .filter((e) => e.kind === 'fetch' || e.kind === 'callback')
        .map((e) => `${e.kind} ${e.method} ${e.url}`),
    ).toEqual([
      'fetch POST http://app.test/voice',
      'fetch POST http://app.test/fallback',
      'callback POST http://app.test/status',
    ]);
  });

  it('lower-case and mixed-case methods are read as GET and POST', async () => {
    const run = await runWorld(
      outbound('<Response><Hangup/></Response>', {
        call: {
          Method: 'get',
          FallbackUrl: 'http://app.test/fallback',
          FallbackMethod: 'Get',
          StatusCallback: 'http://app.test/status',
          StatusCallbackMethod: ' gEt ',
          StatusCallbackEvent: 'completed',
        },
        app: {
          'GET http://app.test/voice': { status: 500 },
          'GET http://app.test/fallback': { body: '<Response><Hangup/></Response>' },
          'GET http://app.test/status': { status: 204 },
        },
      }),
    );
    expect(
      run.timeline
        .filter((e) => e.kind === 'fetch' || e.kind === 'callback')
        .map((e) => `${e.kind} ${e.method} ${e.url}`),
    ).toEqual([
      'fetch GET http://app.test/voice',
      'fetch GET http://app.test/fallback',
      'callback GET http://app.test/status',
    ]);
  });

  it.each(['Method', 'FallbackMethod', 'StatusCallbackMethod'])(
    'refuses %s=PUT with the reason, and accepts it empty (POST)',
    (field) => {
      expect(create({ ...CALL, [field]: 'PUT' })).toEqual({
        code: 20001,
        field,
        message: `${field}: "PUT" is not GET or POST`,
      });
      expect(create({ ...CALL, [field]: '  ' })).toBe('accepted');
    },
  );
});

describe('URLs (spec 1.2)', () => {
  it('trims Url before using it', async () => {
    const run = await runWorld(
      outbound('<Response><Hangup/></Response>', { call: { Url: '  http://app.test/voice ' } }),
    );
    expect(run.timeline.find((e) => e.kind === 'fetch')).toMatchObject({ url: 'http://app.test/voice' });
  });

  it('says which URL is wrong and why', () => {
    expect(create({ ...CALL, Url: undefined })).toEqual({
      code: 20001,
      field: 'Url',
      message: 'Url: required',
    });
    expect(create({ ...CALL, StatusCallback: 'ftp://x' })).toEqual({
      code: 20001,
      field: 'StatusCallback',
      message: 'StatusCallback: "ftp://x" is not an absolute http or https URL',
    });
    expect(create({ ...CALL, FallbackUrl: '' })).toBe('accepted');
  });

  it('Twiml replaces Url; both together are refused naming Twiml', () => {
    expect(create({ To: CALL.To, From: CALL.From, Twiml: '<Response/>' })).toBe('accepted');
    expect(create({ ...CALL, Twiml: '<Response/>' })).toEqual({
      code: 20001,
      field: 'Twiml',
      message: 'Twiml: cannot be given together with Url: give one of them',
    });
    // An empty Twiml is absent: Url is then required as usual.
    expect(create({ To: CALL.To, From: CALL.From, Twiml: ' ' })).toMatchObject({ field: 'Url' });
  });
});

describe('Timeout (spec 1.2)', () => {
  it.each(['1', '600', ' 30 ', '007'])('accepts %j', (timeout) => {
    expect(create({ ...CALL, Timeout: timeout })).toBe('accepted');
  });

  it.each([
    ['0', 'Timeout: 0 is outside 1 to 600'],
    ['601', 'Timeout: 601 is outside 1 to 600'],
    ['-5', 'Timeout: "-5" is not a whole number of seconds'],
    ['1.5', 'Timeout: "1.5" is not a whole number of seconds'],
    ['30s', 'Timeout: "30s" is not a whole number of seconds'],
  ])('refuses %j: %s', (timeout, message) => {
    expect(create({ ...CALL, Timeout: timeout })).toEqual({ code: 20001, field: 'Timeout', message });
  });

  it('an unanswered call ends no-answer at its Timeout, 60 s when absent', async () => {
    const short = await runWorld(outbound('<Response/>', { party: [], call: { Timeout: '7' } }));
    expect(short.final).toEqual({ status: 'no-answer', duration: 0 });
    expect(short.clock.now() - Date.parse('2026-01-01T00:00:00Z')).toBe(7000);
    const absent = await runWorld(outbound('<Response/>', { party: [] }));
    expect(absent.final).toEqual({ status: 'no-answer', duration: 0 });
    expect(absent.clock.now() - Date.parse('2026-01-01T00:00:00Z')).toBe(60_000);
  });
});

describe('DetectVoicemail (spec 1.2)', () => {
  it.each(['false', 'no', 'FALSE', 'No', ' false '])(
    'DetectVoicemail=%j is off: no AnsweredBy',
    async (value) => {
      const run = await runWorld(
        outbound('<Response><Hangup/></Response>', { call: { DetectVoicemail: value } }),
      );
      expect(run.error).toBeNull();
      expect(paramsOf(run, 'fetch')).not.toHaveProperty('AnsweredBy');
    },
  );

  it.each(['true', 'yes', 'TRUE', 'Yes'])(
    'DetectVoicemail=%j is on: requests carry AnsweredBy',
    async (value) => {
      const run = await runWorld(
        outbound('<Response><Hangup/></Response>', { call: { DetectVoicemail: value } }),
      );
      expect(run.error).toBeNull();
      expect(paramsOf(run, 'fetch')).toHaveProperty('AnsweredBy');
    },
  );

  it('refuses anything else, listing the accepted values', () => {
    expect(create({ ...CALL, DetectVoicemail: '1' })).toEqual({
      code: 20001,
      field: 'DetectVoicemail',
      message: 'DetectVoicemail: "1" is not yes, true, no or false',
    });
  });
});

describe('From (spec 1.2)', () => {
  it('is required on an outbound call', () => {
    expect(create({ ...CALL, From: undefined })).toEqual({
      code: 20001,
      field: 'From',
      message: 'From: required',
    });
    expect(create({ ...CALL, From: ' ' })).toMatchObject({ field: 'From' });
  });
});

describe('inbound calls (spec 1.3)', () => {
  const inbound = (params: Record<string, string | undefined>) =>
    refusal(() => engineOnly().inbound(params as never, stubChannel({})));

  it('refuses a call without From or To, naming the missing one', () => {
    expect(inbound({ To: '+2', Url: 'http://app.test/v' })).toEqual({
      code: 20001,
      field: 'From',
      message: 'From: required',
    });
    expect(inbound({ From: '+1', Url: 'http://app.test/v' })).toEqual({
      code: 20001,
      field: 'To',
      message: 'To: required',
    });
    expect(inbound({ From: ' ', To: '+2', Url: 'http://app.test/v' })).toMatchObject({ field: 'From' });
  });

  it('accepts any From and To (they come from the network), trimmed', () => {
    const record = engineOnly().inbound(
      { From: ' anonymous ', To: ' 1000 ', Url: 'http://app.test/v' },
      stubChannel({}),
    );
    expect(record).toMatchObject({ from: 'anonymous', to: '1000', direction: 'inbound' });
  });

  it('validates the application like an outbound call', () => {
    expect(inbound({ From: '+1', To: '+2' })).toMatchObject({ field: 'Url' });
    expect(inbound({ From: '+1', To: '+2', Url: 'http://app.test/v', Method: 'PATCH' })).toMatchObject({
      field: 'Method',
    });
  });
});
