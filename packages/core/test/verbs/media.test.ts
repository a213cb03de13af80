import { describe, expect, it } from 'vitest';
import { inbound, lines, noticeCodes, paramsOf, runWorld } from '../engine/harness.js';

describe('<Say>, <Play>, <Pause>, <Sms> (spec 4.1 to 4.3, 4.10)', () => {
  it('Say passes voice, language and loop; loop="0" asks the driver for the cap (1000); empty text is skipped', async () => {
    const run = await runWorld(
      inbound('<Response><Say></Say><Say voice="woman" language="de-DE" loop="0">Hallo</Say></Response>', {
        party: [{ at: 1, do: 'hangup' }],
      }),
    );
    expect(lines(run.timeline).slice(1)).toEqual([
      '0 answer',
      '0 say text=Hallo voice=woman language=de-DE loop=1000',
    ]);
  });

  it('Play resolves its URL against the document; a media URL that cannot be fetched is 13227 and execution goes on', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Play loop="2">a.mp3</Play><Play>http://m.test/missing.mp3</Play><Pause/></Response>',
        {
          media: { failUrls: ['http://m.test/missing.mp3'], playSeconds: { 'http://app.test/a.mp3': 1.5 } },
        },
      ),
    );
    expect(lines(run.timeline).slice(1)).toEqual([
      '0 answer',
      '0 play url=http://app.test/a.mp3 loop=2',
      '3 play url=http://m.test/missing.mp3 loop=1',
      '3 pause length=1',
      '4 hangup',
    ]);
    expect(noticeCodes(run)).toEqual([13227]);
  });

  it('Play digits sends DTMF', async () => {
    const run = await runWorld(inbound('<Response><Play digits="12w#"/></Response>'));
    expect(lines(run.timeline).slice(1)).toEqual(['0 answer', '0 digits digits=12w#', '0.8 hangup']);
  });

  it('Sms goes through the messaging port; with action the action gets SmsSid and SmsStatus', async () => {
    const sent: unknown[] = [];
    const run = await runWorld(
      inbound('<Response><Sms action="/sms">Your code is 42</Sms></Response>', {
        app: { 'POST http://app.test/sms': { body: '<Response/>' } },
      }),
      {
        messaging: {
          send: async (request) => {
            sent.push(request);
            return { status: 'sent' };
          },
        },
      },
    );
    expect(sent).toEqual([
      {
        to: '+15550001111',
        from: '+15550002222',
        body: 'Your code is 42',
        statusCallback: null,
        callSid: 'CA00000000000000000000000000000001',
        smsSid: 'SM00000000000000000000000000000001',
      },
    ]);
    expect(lines(run.timeline)).toEqual([
      '0 fetch POST http://app.test/voice',
      '0 answer',
      '0 fetch POST http://app.test/sms',
      '0 hangup',
    ]);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({
      SmsSid: 'SM00000000000000000000000000000001',
      SmsStatus: 'sent',
    });
  });

  it('Sms without a messaging port reports failed', async () => {
    const run = await runWorld(
      inbound('<Response><Sms action="/sms">x</Sms></Response>', {
        app: { 'POST http://app.test/sms': { body: '<Response/>' } },
      }),
    );
    expect(paramsOf(run, 'fetch', 1).SmsStatus).toBe('failed');
  });

  it('reports an invalid attribute as a warning notice and uses the default', async () => {
    const run = await runWorld(inbound('<Response><Pause length="abc"/></Response>'));
    expect(lines(run.timeline)[1]).toBe('0 pause length=1');
    const warnings = run.events.filter((e) => e.type === 'notice' && e.level === 'warning');
    expect(warnings.length).toBe(1);
  });
});
