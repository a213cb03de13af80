/**
 * `<Dial><Conference waitUrl>` (TwiML, decisions "Conferences"): the documents a participant
 * hears while the room has not started, and the dial ending while they play.
 */
import { describe, expect, it } from 'vitest';
import { inbound, lines, paramsOf, runWorld } from '../engine/harness.js';

describe('<Dial><Conference> wait documents', () => {
  it('a waitUrl document may Play and Redirect; the caller hanging up during one ends the dial at once', async () => {
    const run = await runWorld(
      inbound(
        '<Response><Dial action="/d"><Conference startConferenceOnEnter="false" waitUrl="/wait">Room</Conference></Dial></Response>',
        {
          dialed: { Room: [{ after: 0, do: 'answer' }] },
          party: [{ at: 10, do: 'hangup' }],
          media: { playSeconds: { 'http://media.test/music.mp3': 4 } },
          app: {
            'POST http://app.test/d': { body: '<Response/>' },
            'POST http://app.test/wait': {
              body: '<Response><Play>http://media.test/music.mp3</Play><Redirect>/wait2</Redirect></Response>',
            },
            'POST http://app.test/wait2': { body: '<Response><Pause length="20"/></Response>' },
          },
        },
      ),
    );
    expect(lines(run.timeline).slice(3)).toEqual([
      '0 fetch POST http://app.test/wait',
      '0 play url=http://media.test/music.mp3 loop=1',
      '4 fetch POST http://app.test/wait2',
      '4 pause length=20',
      '10 fetch POST http://app.test/d',
    ]);
    expect(run.events.filter((e) => e.type === 'notice')).toEqual([]);
    expect(paramsOf(run, 'fetch', 3)).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '10' });
  });
});

describe('<Dial><Conference> taken out of the room', () => {
  it("a room ended while the participant still rings ends the dial at once: the leg canceled, the dial failed, the action's document run", async () => {
    const endRoom = {
      at: 3,
      fn: (engine: Awaited<ReturnType<typeof runWorld>>['engine'], sid: string) => {
        const room = engine.conferences.findActive(engine.get(sid)!.accountSid, 'Room')!;
        engine.conferences.end(room.sid);
      },
    };
    const run = await runWorld(
      inbound(
        '<Response><Dial action="/d"><Conference statusCallback="/room">Room</Conference></Dial><Say>After</Say></Response>',
        {
          dialed: { Room: [{ after: 10, do: 'answer' }] },
          app: { 'POST http://app.test/d': { body: '<Response><Say>Gone</Say></Response>' } },
        },
      ),
      {},
      [endRoom],
    );
    expect(lines(run.timeline).slice(3)).toEqual([
      '3 callback POST http://app.test/room',
      '3 fetch POST http://app.test/d',
      '3 say text=Gone voice=man language=en-US loop=1',
      '3.2 hangup',
    ]);
    expect(paramsOf(run, 'fetch', 1)).toMatchObject({
      DialCallStatus: 'failed',
      DialCallSid: 'CA00000000000000000000000000000002',
      DialCallDuration: '0',
    });
    expect(run.engine.get('CA00000000000000000000000000000002')?.status).toBe('canceled');
  });
});
