/**
 * Whatever the document, the far end and live changes do, a call ends in exactly one final
 * state, `completed` is its last request, nothing is left on the clock, and no media
 * operation follows the end of the call.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inbound, outbound, runWorld, type World } from '../engine/harness.js';

const DOCUMENTS = [
  '<Response><Say loop="3">Hello there</Say><Gather action="/g" timeout="2"><Say>Press</Say></Gather><Say>Bye</Say></Response>',
  '<Response><Record action="/g" timeout="2" recordingStatusCallback="/rs"/><Say>After</Say></Response>',
  '<Response><Dial action="/g" timeout="5"><Number>+15550003333</Number><Client>bob</Client></Dial></Response>',
  '<Response><Pause length="3"/><Redirect>/g</Redirect></Response>',
  '<Response><Play loop="2">http://m.test/a.mp3</Play><Hangup/></Response>',
  '<Response><Gather numDigits="2" action="/g"><Play>http://m.test/a.mp3</Play></Gather></Response>',
];
const NEXT = '<Response><Say>Next</Say><Redirect>/g2</Redirect></Response>';

const world = fc.record({
  direction: fc.constantFrom('inbound', 'outbound'),
  doc: fc.constantFrom(...DOCUMENTS),
  hangupAt: fc.option(fc.double({ min: 0, max: 12, noNaN: true }), { nil: undefined }),
  dtmfAt: fc.option(fc.double({ min: 0, max: 12, noNaN: true }), { nil: undefined }),
  speakAt: fc.option(fc.double({ min: 0, max: 6, noNaN: true }), { nil: undefined }),
  modify: fc.option(
    fc.record({
      at: fc.double({ min: 0, max: 12, noNaN: true }),
      change: fc.constantFrom<Record<string, string>>(
        { Status: 'completed' },
        { Status: 'canceled' },
        { Url: 'http://app.test/g' },
      ),
    }),
    { nil: undefined },
  ),
  legAnswerAt: fc.option(fc.integer({ min: 0, max: 7 }), { nil: undefined }),
  callbackStatus: fc.constantFrom(200, 500),
});

type Params = typeof world extends fc.Arbitrary<infer T> ? T : never;

function build(p: Params): World {
  const party: NonNullable<World['party']> = [];
  if (p.direction === 'outbound') party.push({ at: 0.5, do: 'answer' });
  if (p.speakAt !== undefined) party.push({ at: p.speakAt + 0.5, do: 'speak', for: 1 });
  if (p.dtmfAt !== undefined) party.push({ at: p.dtmfAt + 0.5, do: 'dtmf', digits: '12' });
  if (p.hangupAt !== undefined) party.push({ at: p.hangupAt + 0.5, do: 'hangup' });
  party.sort((a, b) => a.at - b.at);
  const common: Partial<World> = {
    party,
    dialed:
      p.legAnswerAt === undefined
        ? {}
        : {
            bob: [
              { after: p.legAnswerAt, do: 'answer' },
              { after: p.legAnswerAt + 3, do: 'hangup' },
            ],
          },
    modify: p.modify === undefined ? [] : [{ at: p.modify.at, ...p.modify.change }],
    app: {
      'POST http://app.test/g': { body: NEXT },
      'POST http://app.test/g2': { body: '<Response><Hangup/></Response>' },
      'POST http://app.test/s': { status: p.callbackStatus },
      'POST http://app.test/rs': { status: 200 },
    },
  };
  const app = {
    StatusCallback: 'http://app.test/s',
    StatusCallbackEvent: 'initiated ringing answered completed',
  };
  return p.direction === 'inbound'
    ? inbound(p.doc, { ...common, inbound: app } as Partial<World>)
    : outbound(p.doc, { ...common, call: app });
}

describe('call invariants (property)', () => {
  it('one final state, completed last, no timers left, no media after the end', async () => {
    await fc.assert(
      fc.asyncProperty(world, async (p) => {
        const run = await runWorld(build(p));
        expect(run.final).not.toBeNull();
        expect(['completed', 'busy', 'failed', 'no-answer', 'canceled']).toContain(run.final!.status);
        expect(run.clock.pending).toBe(0);
        expect(run.engine.activeCalls).toBe(0);
        const finals = run.events.filter(
          (e) =>
            e.type === 'status' &&
            e.callSid.endsWith('1') &&
            ['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(e.status),
        );
        expect(finals).toHaveLength(1);
        const mine = run.timeline.filter(
          (e) =>
            e.kind === 'media' ||
            (e.params as Record<string, string>).CallSid === 'CA00000000000000000000000000000001',
        );
        const completedAt = mine.findIndex(
          (e) =>
            e.kind === 'callback' &&
            (e.params as Record<string, string>).CallbackSource !== undefined &&
            ['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(
              (e.params as Record<string, string>).CallStatus ?? '',
            ),
        );
        expect(completedAt).not.toBe(-1);
        // After the first completed attempt only its retries may follow.
        for (const e of mine.slice(completedAt + 1)) {
          expect(e.kind).toBe('callback');
          expect((e.params as Record<string, string>).CallStatus).toBe(run.final!.status);
        }
        const hangups = run.timeline.filter((e) => e.kind === 'media' && e.op === 'hangup');
        expect(hangups.length).toBeLessThanOrEqual(1);
        const sequence = mine
          .filter(
            (e) => e.kind === 'callback' && (e.params as Record<string, string>).SequenceNumber !== undefined,
          )
          .map((e) => Number((e.params as Record<string, string>).SequenceNumber));
        const distinct = [...new Set(sequence)];
        expect(distinct).toEqual(distinct.map((_, i) => i));
      }),
      { numRuns: Number(process.env.PROP_RUNS ?? 300), seed: Number(process.env.PROP_SEED ?? 20260101) },
    );
  });
});
