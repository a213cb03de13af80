/**
 * `<Gather>` speech input (spec 4.4 "Speech"): voice holds the Gather until the utterance
 * ends (`speechTimeout` seconds after the last voice, or the recogniser's result with
 * `auto`), results of one utterance are joined, voice barges in on the prompts, and keys
 * that completed first win over speech.
 */
import { describe, expect, it } from 'vitest';
import { inbound, lines, noticeCodes, paramsOf, runWorld } from '../engine/harness.js';

const DONE = { 'POST http://app.test/g': { body: '<Response/>' } };
const speak = (at: number, seconds: number) => ({ at, do: 'speak', for: seconds });
const speech = (at: number, text: string) => ({ at, do: 'speech', text });
const dtmf = (at: number, digits: string, gap = 0) => ({ at, do: 'dtmf', digits, gap });
const fetches = (run: Awaited<ReturnType<typeof runWorld>>) =>
  lines(run.timeline).filter((l) => l.includes(' fetch '));

describe('<Gather input="speech">: the end of an utterance', () => {
  it('ends speechTimeout seconds after the voice stops, with what was recognised by then', async () => {
    const run = await runWorld(
      inbound('<Response><Gather input="speech" action="/g" speechTimeout="2"/></Response>', {
        party: [speak(1, 2), speech(2.5, 'hello')],
        app: DONE,
      }),
    );
    // Voice 1 → 3; the utterance ends 2 s later.
    expect(fetches(run)[1]).toBe('5 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ SpeechResult: 'hello', Confidence: '0.9' });
  });

  it('without speechTimeout, the utterance ends timeout seconds after the voice stops', async () => {
    const run = await runWorld(
      inbound('<Response><Gather input="speech" action="/g" timeout="3"/></Response>', {
        party: [speak(1, 1), speech(1.5, 'sales')],
        app: DONE,
      }),
    );
    expect(fetches(run)[1]).toBe('5 fetch POST http://app.test/g');
  });

  it('voice that starts before the no-input timeout holds the Gather past it', async () => {
    const run = await runWorld(
      inbound('<Response><Gather input="speech" action="/g" timeout="3" speechTimeout="1"/></Response>', {
        party: [speak(2, 4), speech(5, 'a long sentence')],
        app: DONE,
      }),
    );
    // Not at 3 (the no-input timeout): voice from 2 to 6, then 1 s.
    expect(fetches(run)[1]).toBe('7 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1).SpeechResult).toBe('a long sentence');
  });

  it('voice that comes back before speechTimeout passes continues the same utterance', async () => {
    const run = await runWorld(
      inbound('<Response><Gather input="speech" action="/g" speechTimeout="2"/></Response>', {
        party: [speak(1, 1), speech(1.5, 'sales'), speak(3, 1), speech(3.5, 'please')],
        app: DONE,
      }),
    );
    // Voice 1 → 2, silence 2 → 3 (under 2 s), voice 3 → 4, then 2 s.
    expect(fetches(run)[1]).toBe('6 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1).SpeechResult).toBe('sales please');
  });

  it('speechTimeout="auto": the recogniser’s result ends the utterance at once', async () => {
    const run = await runWorld(
      inbound('<Response><Gather input="speech" action="/g" speechTimeout="auto"/></Response>', {
        party: [speak(1, 3), speech(2, 'billing')],
        app: DONE,
      }),
    );
    expect(fetches(run)[1]).toBe('2 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1).SpeechResult).toBe('billing');
  });

  it('an utterance with no words is an empty result: no action, the next verb runs', async () => {
    const run = await runWorld(
      inbound('<Response><Gather input="speech" action="/g" speechTimeout="1"/><Say>Bye</Say></Response>', {
        party: [speak(1, 1)],
        app: DONE,
      }),
    );
    expect(fetches(run)).toHaveLength(1);
    expect(lines(run.timeline)).toContain('3 say text=Bye voice=man language=en-US loop=1');
  });

  it('an empty result with actionOnEmptyResult sends empty Digits, not SpeechResult', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather input="speech" action="/g" speechTimeout="1" actionOnEmptyResult="true"/></Response>',
        { party: [speak(1, 1), speech(1.5, '')], app: DONE },
      ),
    );
    expect(fetches(run)[1]).toBe('3 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ Digits: '' });
    expect(paramsOf(run, 'fetch', 1)).not.toHaveProperty('SpeechResult');
  });

  it('a result reported without voice activity is the utterance', async () => {
    const run = await runWorld(
      inbound('<Response><Gather input="speech" action="/g" speechTimeout="4"/></Response>', {
        party: [speech(1.5, 'operator')],
        app: DONE,
      }),
    );
    expect(fetches(run)[1]).toBe('1.5 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1).SpeechResult).toBe('operator');
  });
});

describe('<Gather input="speech">: results and silence', () => {
  it('speechTimeout="auto": the end of the voice alone does not end the utterance, the result does', async () => {
    const run = await runWorld(
      inbound('<Response><Gather input="speech" action="/g" speechTimeout="auto"/></Response>', {
        party: [speak(1, 1), speech(2.5, 'sales')],
        app: DONE,
      }),
    );
    expect(fetches(run)[1]).toBe('2.5 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1).SpeechResult).toBe('sales');
  });

  it('a result during the silence after the voice waits for speechTimeout', async () => {
    const run = await runWorld(
      inbound('<Response><Gather input="speech" action="/g" speechTimeout="2"/></Response>', {
        party: [speak(1, 1), speech(2.5, 'sales')],
        app: DONE,
      }),
    );
    expect(fetches(run)[1]).toBe('4 fetch POST http://app.test/g');
  });

  it('an empty result without voice does not end the Gather', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather input="speech" action="/g" timeout="3" actionOnEmptyResult="true"/></Response>',
        {
          party: [speech(1, '')],
          app: DONE,
        },
      ),
    );
    expect(fetches(run)[1]).toBe('3 fetch POST http://app.test/g');
  });

  it('a caller already talking as the Gather starts holds it until that utterance ends', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Say>Hi</Say><Gather input="speech" action="/g" timeout="2" speechTimeout="1" actionOnEmptyResult="true"/></Response>',
        { party: [speak(0.05, 3)], app: DONE },
      ),
    );
    // The Say ends at 0.1; the voice (0.05 → 3.05) then 1 s of silence: 4.05, not 0.1 + 2.
    expect(fetches(run)[1]).toBe('4.05 fetch POST http://app.test/g');
  });

  it('with bargeIn, a caller already talking as the Gather starts skips every prompt (a bad media URL among them is not reported)', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Say>Hi</Say><Gather input="speech" action="/g" speechTimeout="1" actionOnEmptyResult="true"><Play>ftp://m.test/menu.mp3</Play><Say>Say a department</Say></Gather></Response>',
        { party: [speak(0.05, 1)], app: DONE },
      ),
    );
    expect(lines(run.timeline).filter((l) => /play|say|fetch/.test(l))).toEqual([
      '0 fetch POST http://app.test/voice',
      '0 say text=Hi voice=man language=en-US loop=1',
      '2.05 fetch POST http://app.test/g',
    ]);
    expect(noticeCodes(run)).toEqual([]);
  });

  it('an utterance that outlasts the prompts it stopped is not cut by the no-input timeout', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather input="speech" action="/g" timeout="2" speechTimeout="1"><Pause length="1"/></Gather></Response>',
        { party: [speak(0.5, 5), speech(4, 'a long request')], app: DONE },
      ),
    );
    expect(fetches(run)[1]).toBe('6.5 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1).SpeechResult).toBe('a long request');
  });

  it('without bargeIn, an utterance ending during the prompts is not cut by the no-input timeout after them', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather input="speech" action="/g" bargeIn="false" timeout="1" speechTimeout="3"><Pause length="3"/></Gather></Response>',
        { party: [speak(0.5, 1), speech(1, 'agent')], app: DONE },
      ),
    );
    // Voice ends at 1.5; the utterance at 4.5. The prompts end at 3: no 1 s timer from there.
    expect(fetches(run)[1]).toBe('4.5 fetch POST http://app.test/g');
  });

  it('without bargeIn, words recognised after the utterance ended (prompts still playing) are not added', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather input="speech" action="/g" speechTimeout="auto" bargeIn="false"><Pause length="3"/></Gather></Response>',
        { party: [speak(0.5, 0.5), speech(0.8, 'one'), speech(1.5, 'two')], app: DONE },
      ),
    );
    expect(fetches(run)[1]).toBe('3 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1).SpeechResult).toBe('one');
  });

  it('without bargeIn, speech after keys completed input (prompts still playing) is not sent', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather input="dtmf speech" action="/g" numDigits="1" bargeIn="false"><Pause length="3"/></Gather></Response>',
        { party: [dtmf(0.5, '4'), speak(1, 0.5), speech(1.2, 'late')], app: DONE },
      ),
    );
    expect(fetches(run)[1]).toBe('3 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ Digits: '4' });
    expect(paramsOf(run, 'fetch', 1)).not.toHaveProperty('SpeechResult');
  });
});

describe('<Gather input="speech">: interim results', () => {
  const partial = (at: number, text: string) => ({ at, do: 'partial', text });

  it('go to partialResultCallback, numbered from 0', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather input="speech" action="/g" speechTimeout="auto" partialResultCallback="/partial"/></Response>',
        { party: [speak(0.5, 2), partial(1, 'hel'), partial(1.5, 'hello'), speech(2, 'hello')], app: DONE },
      ),
    );
    const sent = run.timeline.filter((e) => e.kind === 'callback');
    expect(
      sent.map((e) => `${e.at} ${e.url} ${(e.params as Record<string, string>).SequenceNumber}`),
    ).toEqual(['1 http://app.test/partial 0', '1.5 http://app.test/partial 1']);
  });

  it('without partialResultCallback, are not sent anywhere', async () => {
    const run = await runWorld(
      inbound('<Response><Gather input="speech" action="/g" speechTimeout="auto"/></Response>', {
        party: [speak(0.5, 2), partial(1, 'hel'), speech(2, 'hello')],
        app: DONE,
      }),
    );
    expect(run.timeline.filter((e) => e.kind === 'callback')).toEqual([]);
    expect(noticeCodes(run)).toEqual([]);
    expect(paramsOf(run, 'fetch', 1).SpeechResult).toBe('hello');
  });
});

describe('<Gather input="speech">: prompts', () => {
  it('voice stops the prompts with bargeIn', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather input="speech" action="/g" speechTimeout="auto"><Say>Tell me what you need today please</Say><Pause length="5"/></Gather></Response>',
        { party: [speak(0.5, 2), speech(2, 'help')], app: DONE },
      ),
    );
    expect(lines(run.timeline).filter((l) => /pause|fetch/.test(l))).toEqual([
      '0 fetch POST http://app.test/voice',
      '2 fetch POST http://app.test/g',
    ]);
  });

  it('without bargeIn, voice does not stop the prompts and the result waits for them', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather input="speech" action="/g" speechTimeout="auto" bargeIn="false"><Pause length="4"/></Gather></Response>',
        { party: [speak(0.5, 1), speech(1, 'help')], app: DONE },
      ),
    );
    expect(fetches(run)[1]).toBe('4 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1).SpeechResult).toBe('help');
  });
});

describe('<Gather input="dtmf speech">: keys and speech', () => {
  it('keys that completed first win over words heard during them', async () => {
    const run = await runWorld(
      inbound('<Response><Gather input="dtmf speech" action="/g" numDigits="2"/></Response>', {
        party: [speak(0.5, 3), speech(0.8, 'two'), dtmf(1, '12')],
        app: DONE,
      }),
    );
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ Digits: '12' });
    expect(paramsOf(run, 'fetch', 1)).not.toHaveProperty('SpeechResult');
  });

  it('an utterance that ends first wins over keys pressed during it', async () => {
    const run = await runWorld(
      inbound('<Response><Gather input="dtmf speech" action="/g" speechTimeout="auto"/></Response>', {
        party: [speak(0.5, 3), dtmf(1, '1'), speech(1.5, 'sales')],
        app: DONE,
      }),
    );
    expect(fetches(run)[1]).toBe('1.5 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ SpeechResult: 'sales' });
    expect(paramsOf(run, 'fetch', 1)).not.toHaveProperty('Digits');
  });

  it('words recognised, then the finishing key alone during the utterance: the words are the result', async () => {
    const run = await runWorld(
      inbound('<Response><Gather input="dtmf speech" action="/g" speechTimeout="2"/></Response>', {
        party: [speak(0.5, 3), speech(1, 'sales'), dtmf(1.5, '#')],
        app: DONE,
      }),
    );
    expect(fetches(run)[1]).toBe('1.5 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ SpeechResult: 'sales', Confidence: '0.9' });
    expect(paramsOf(run, 'fetch', 1)).not.toHaveProperty('Digits');
  });

  it('voice that starts after a key does not hold the Gather: the timer runs from the key', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather input="dtmf speech" action="/g" timeout="2" speechTimeout="5"/></Response>',
        {
          party: [dtmf(0.5, '7'), speak(1, 6)],
          app: DONE,
        },
      ),
    );
    expect(fetches(run)[1]).toBe('2.5 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ Digits: '7' });
  });

  it('a key during an utterance keeps the no-input timer running from that key', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Gather input="dtmf speech" action="/g" timeout="2" speechTimeout="5"/></Response>',
        {
          party: [speak(0.5, 6), dtmf(1, '7')],
          app: DONE,
        },
      ),
    );
    // The key at 1 arms the 2 s timer: the Gather ends at 3 with the key, voice or not.
    expect(fetches(run)[1]).toBe('3 fetch POST http://app.test/g');
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({ Digits: '7' });
  });
});
