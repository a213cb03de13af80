/**
 * `<Gather>` input (spec 4.4) beyond the basics: which input each `input` accepts, input that
 * comes after the Gather ended, the finishing key and barge-in, when the no-input timer starts
 * once keys came during the prompts, and how a recogniser's confidence is written.
 */
import { describe, expect, it } from 'vitest';
import { formatConfidence } from '../../src/verbs/gather.js';
import { inbound, lines, paramsOf, runWorld } from '../engine/harness.js';

const DONE = { 'POST http://app.test/g': { body: '<Response/>' } };
const dtmf = (at: number, digits: string, gap = 0) => ({ at, do: 'dtmf', digits, gap });
const speech = (at: number, text: string) => ({ at, do: 'speech', text });
const fetches = (run: Awaited<ReturnType<typeof runWorld>>) =>
  lines(run.timeline).filter((l) => l.includes(' fetch '));

describe('<Gather input>', () => {
  it('input="speech" ignores keys: the finishing key does not end it and no Digits are sent', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather input="speech" action="/g" timeout="3" actionOnEmptyResult="true"/></Response>',
        {
          party: [dtmf(1, '12#')],
          app: DONE,
        },
      ),
    );
    // Keys at 1 neither end the Gather nor restart its timer: it ends at 3, empty.
    expect(fetches(run)).toEqual(['0 fetch POST http://app.test/voice', '3 fetch POST http://app.test/g']);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ Digits: '' });
    expect(paramsOf(run, 'fetch', 1)).not.toHaveProperty('FinishedOnKey');
  });

  it('input="speech" still hears speech', async () => {
    const run = await runWorld(
      inbound('<Response><Gather input="speech" action="/g"/></Response>', {
        party: [dtmf(0.5, '1'), speech(1, 'billing')],
        app: DONE,
      }),
    );
    expect(fetches(run)[1]).toBe('1 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1)).toEqual(
      expect.objectContaining({ SpeechResult: 'billing', Confidence: '0.9' }),
    );
    expect(paramsOf(run, 'fetch', 1)).not.toHaveProperty('Digits');
  });

  it('input="dtmf" ignores speech: what the caller says is not a result', async () => {
    const run = await runWorld(
      inbound('<Response><Gather action="/g" timeout="3"/><Say>Bye</Say></Response>', {
        party: [speech(1, 'operator')],
        app: DONE,
      }),
    );
    // No action: the Gather times out at 3 with nothing, and the next verb runs.
    expect(fetches(run)).toEqual(['0 fetch POST http://app.test/voice']);
    expect(lines(run.timeline)).toContain('3 say text=Bye voice=man language=en-US loop=1');
  });

  it('input="dtmf" collects keys while the caller talks', async () => {
    const run = await runWorld(
      inbound('<Response><Gather action="/g"/></Response>', {
        party: [speech(0.5, 'hello'), dtmf(1, '42#')],
        app: DONE,
      }),
    );
    expect(paramsOf(run, 'fetch', 1)).toEqual(expect.objectContaining({ Digits: '42', FinishedOnKey: '#' }));
    expect(paramsOf(run, 'fetch', 1)).not.toHaveProperty('SpeechResult');
  });
});

describe('input after the Gather ended', () => {
  it('keys after numDigits was reached are not added', async () => {
    const run = await runWorld(
      inbound('<Response><Gather action="/g" numDigits="2"/></Response>', {
        party: [dtmf(1, '1234', 0.1)],
        app: { 'POST http://app.test/g': { body: '<Response/>', delay: 1 } },
      }),
    );
    expect(paramsOf(run, 'fetch', 1).Digits).toBe('12');
    expect(fetches(run)).toHaveLength(2);
  });

  it('without bargeIn, keys after numDigits was reached, while the prompts still play, are not added', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather action="/g" numDigits="1" bargeIn="false"><Pause length="3"/></Gather></Response>',
        {
          party: [dtmf(1, '12#', 0.5)],
          app: DONE,
        },
      ),
    );
    expect(fetches(run)[1]).toBe('3 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1)).toEqual(expect.objectContaining({ Digits: '1' }));
    expect(paramsOf(run, 'fetch', 1)).not.toHaveProperty('FinishedOnKey');
  });

  it('a key after a Gather timed out starts nothing: the next verb runs undisturbed', async () => {
    const run = await runWorld(
      inbound('<Response><Gather action="/g" timeout="1"/><Pause length="3"/><Say>Bye</Say></Response>', {
        party: [dtmf(2, '5#')],
        app: DONE,
      }),
    );
    expect(fetches(run)).toEqual(['0 fetch POST http://app.test/voice']);
    expect(lines(run.timeline).slice(3)).toEqual([
      '1 pause length=3',
      '4 say text=Bye voice=man language=en-US loop=1',
      '4.15 hangup',
    ]);
  });

  it('speech after a Gather ended on its finishing key is not sent', async () => {
    const run = await runWorld(
      inbound('<Response><Gather input="dtmf speech" action="/g"/></Response>', {
        party: [dtmf(1, '7#'), speech(1.5, 'too late')],
        app: { 'POST http://app.test/g': { body: '<Response/>', delay: 1 } },
      }),
    );
    expect(paramsOf(run, 'fetch', 1)).toEqual(expect.objectContaining({ Digits: '7', FinishedOnKey: '#' }));
    expect(paramsOf(run, 'fetch', 1)).not.toHaveProperty('SpeechResult');
  });
});

describe('the finishing key and barge-in', () => {
  it('with bargeIn, the finishing key alone stops the prompt at once', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather action="/g" actionOnEmptyResult="true"><Say>Please enter your account number now</Say><Play>http://m.test/a.mp3</Play></Gather></Response>',
        { party: [dtmf(0.4, '#')], app: DONE },
      ),
    );
    expect(lines(run.timeline).slice(3)).toEqual([
      '0 say text=Please enter your account number now voice=man language=en-US loop=1',
      '0.4 fetch POST http://app.test/g',
      '0.4 hangup',
    ]);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ Digits: '', FinishedOnKey: '#' });
  });

  it('without bargeIn, the finishing key ends input but the prompts play to their end', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather action="/g" bargeIn="false"><Say>Hello there</Say><Pause length="1"/></Gather></Response>',
        { party: [dtmf(0.2, '3#')], app: DONE },
      ),
    );
    expect(lines(run.timeline).slice(3, 6)).toEqual([
      '0 say text=Hello there voice=man language=en-US loop=1',
      '0.55 pause length=1',
      '1.55 fetch POST http://app.test/g',
    ]);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ Digits: '3', FinishedOnKey: '#' });
  });

  it('without bargeIn, a key during the prompts starts the timeout from the key, not from the prompts’ end', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather action="/g" bargeIn="false" timeout="2"><Say>Hello there</Say><Pause length="3"/></Gather></Response>',
        { party: [dtmf(0.2, '9')], app: DONE },
      ),
    );
    // The key at 0.2 arms the 2 s timer: it fires at 2.2, during the pause, and the
    // action comes when the prompts end (3.55), not at 3.55 + 2.
    expect(fetches(run)[1]).toBe('3.55 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1).Digits).toBe('9');
  });

  it('without bargeIn, keys during the prompts are not timed again when the prompts end', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather action="/g" bargeIn="false" timeout="5"><Say>Hello there</Say><Pause length="3"/></Gather></Response>',
        { party: [dtmf(0.2, '9')], app: DONE },
      ),
    );
    // The key at 0.2 arms the 5 s timer; the prompts ending at 3.55 do not restart it.
    expect(fetches(run)[1]).toBe('5.2 fetch POST http://app.test/g');
  });

  it('talking does not stop the prompts of a keys-only Gather', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather action="/g" timeout="1"><Say>Hello there</Say><Pause length="2"/></Gather></Response>',
        {
          party: [{ at: 0.1, do: 'speak', for: 1 }],
          app: DONE,
        },
      ),
    );
    expect(lines(run.timeline).slice(3, 5)).toEqual([
      '0 say text=Hello there voice=man language=en-US loop=1',
      '0.55 pause length=2',
    ]);
  });

  it('with bargeIn, a key stops the prompts and the timeout runs from that key', async () => {
    const run = await runWorld(
      inbound('<Response><Gather action="/g" timeout="2"><Pause length="10"/></Gather></Response>', {
        party: [dtmf(1, '8')],
        app: DONE,
      }),
    );
    expect(fetches(run)[1]).toBe('3 fetch POST http://app.test/g');
  });
});

describe('<Gather> without bargeIn, ended by the finishing key alone', () => {
  it('speech during the prompts that still play is not a result: empty Digits and FinishedOnKey are sent', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather input="dtmf speech" action="/g" bargeIn="false" actionOnEmptyResult="true"><Pause length="3"/></Gather></Response>',
        {
          party: [dtmf(0.5, '#'), { at: 1, do: 'speak', for: 0.5 }, speech(1.2, 'operator')],
          app: DONE,
        },
      ),
    );
    expect(fetches(run)[1]).toBe('3 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ Digits: '', FinishedOnKey: '#' });
    expect(paramsOf(run, 'fetch', 1)).not.toHaveProperty('SpeechResult');
  });
});

describe('formatConfidence', () => {
  it.each([
    [0.9, '0.9'],
    [0.75, '0.75'],
    [0.1234567, '0.123457'],
    [1e-7, '0'],
    [0.0000015, '0.000002'],
    [1, '1'],
    [1.5, '1'],
    [0, '0'],
    [-0.2, '0'],
    [Number.NaN, '0'],
    [Number.POSITIVE_INFINITY, '0'],
  ])('%d is written %s', (confidence, text) => {
    expect(formatConfidence(confidence)).toBe(text);
  });
});
