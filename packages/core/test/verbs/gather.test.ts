import { describe, expect, it } from 'vitest';
import { inbound, lines, paramsOf, runWorld } from '../engine/harness.js';

const DONE = { 'POST http://app.test/g': { body: '<Response/>' } };
const dtmf = (at: number, digits: string, gap = 0) => ({ at, do: 'dtmf', digits, gap });

describe('<Gather> (spec 4.4)', () => {
  it('finishOnKey ends input; the key is not in Digits and FinishedOnKey names it', async () => {
    const run = await runWorld(
      inbound('<Response><Gather action="/g"/></Response>', { party: [dtmf(1, '12#', 0.5)], app: DONE }),
    );
    expect(lines(run.timeline)[3]).toBe('2 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ Digits: '12', FinishedOnKey: '#' });
  });

  it('the timeout runs after the prompts end and restarts on each key; a timeout submits without FinishedOnKey', async () => {
    const run = await runWorld(
      inbound('<Response><Gather action="/g" timeout="3"><Say>Hello</Say></Gather></Response>', {
        party: [dtmf(2, '4'), dtmf(4, '5')],
        app: DONE,
      }),
    );
    expect(lines(run.timeline).slice(4)).toEqual(['7 fetch POST http://app.test/g', '7 hangup']);
    expect(paramsOf(run, 'fetch', 1).Digits).toBe('45');
    expect('FinishedOnKey' in paramsOf(run, 'fetch', 1)).toBe(false);
  });

  it('no input: the next verb runs after the timeout', async () => {
    const run = await runWorld(inbound('<Response><Gather action="/g"/><Say>Bye</Say></Response>'));
    expect(lines(run.timeline).slice(2)).toEqual([
      '0 gather input=dtmf timeout=5 finishOnKey=# numDigits=null',
      '5 say text=Bye voice=man language=en-US loop=1',
      '5.15 hangup',
    ]);
  });

  it('actionOnEmptyResult requests the action with empty Digits (and FinishedOnKey for the finish key alone)', async () => {
    const run = await runWorld(
      inbound('<Response><Gather action="/g" actionOnEmptyResult="true"/></Response>', {
        party: [dtmf(1, '#')],
        app: DONE,
      }),
    );
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ Digits: '', FinishedOnKey: '#' });
    const timeout = await runWorld(
      inbound('<Response><Gather action="/g" actionOnEmptyResult="true" timeout="2"/></Response>', {
        app: DONE,
      }),
    );
    expect(lines(timeout.timeline)[3]).toBe('2 fetch POST http://app.test/g');
    expect(paramsOf(timeout, 'fetch', 1).FinishedOnKey).toBeUndefined();
  });

  it('finishOnKey="" makes # an ordinary digit', async () => {
    const run = await runWorld(
      inbound('<Response><Gather action="/g" finishOnKey="" numDigits="3"/></Response>', {
        party: [dtmf(1, '1#2')],
        app: DONE,
      }),
    );
    expect(paramsOf(run, 'fetch', 1).Digits).toBe('1#2');
  });

  it('the action defaults to the current document URL', async () => {
    const run = await runWorld(
      inbound('<Response><Gather numDigits="1"/></Response>', {
        party: [dtmf(1, '9')],
        app: {
          'POST http://app.test/voice': [
            { body: '<Response><Gather numDigits="1"/></Response>' },
            { body: '<Response/>' },
          ],
        },
      }),
    );
    expect(lines(run.timeline)[3]).toBe('1 fetch POST http://app.test/voice');
  });

  it('bargeIn="false": keys count but the prompts play to their end, then complete input is submitted', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather action="/g" bargeIn="false" numDigits="1"><Say>Hello there</Say><Pause length="2"/></Gather></Response>',
        { party: [dtmf(0.2, '7')], app: DONE },
      ),
    );
    expect(lines(run.timeline).slice(3, 6)).toEqual([
      '0 say text=Hello there voice=man language=en-US loop=1',
      '0.55 pause length=2',
      '2.55 fetch POST http://app.test/g',
    ]);
    expect(paramsOf(run, 'fetch', 1).Digits).toBe('7');
  });

  it('a key during a prompt with bargeIn stops it and skips the remaining prompts', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather action="/g" timeout="2"><Say>One two three</Say><Play>http://m.test/a.mp3</Play></Gather></Response>',
        { party: [dtmf(0.3, '5')], app: DONE },
      ),
    );
    expect(lines(run.timeline).slice(3)).toEqual([
      '0 say text=One two three voice=man language=en-US loop=1',
      '2.3 fetch POST http://app.test/g',
      '2.3 hangup',
    ]);
  });

  it('a caller hang-up during Gather ends the call with no action request', async () => {
    const run = await runWorld(
      inbound('<Response><Gather action="/g"/></Response>', {
        party: [dtmf(1, '1'), { at: 2, do: 'hangup' }],
        app: DONE,
      }),
    );
    expect(run.timeline.filter((e) => e.kind === 'fetch')).toHaveLength(1);
    expect(run.final).toEqual({ status: 'completed', duration: 2 });
  });

  it('speech input goes through the driver recogniser and sends SpeechResult and Confidence', async () => {
    const run = await runWorld(
      inbound('<Response><Gather input="dtmf speech" action="/g"/></Response>', {
        party: [{ at: 1.5, do: 'speech', text: 'sales please' }],
        app: DONE,
      }),
    );
    expect(lines(run.timeline).slice(2, 4)).toEqual([
      '0 gather input=dtmf speech timeout=5 finishOnKey=# numDigits=null',
      '1.5 fetch POST http://app.test/g',
    ]);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ SpeechResult: 'sales please', Confidence: '0.9' });
  });
});
