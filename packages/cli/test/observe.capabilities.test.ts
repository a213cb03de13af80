/**
 * The CLI observes every channel to draw its timeline; the observing wrapper must keep the
 * driver's optional capabilities. Without `connect` the engine believed the simulated driver
 * could not connect a queued caller to its agent, and `<Dial><Queue>` failed with 14103 under
 * `rcml serve` and `rcml call` (found while trying TwiML applications there).
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Channel, type CreateCallParams, createSimulatedClock } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { startServe } from '../src/serve/startServe.js';
import { createCallLog } from '../src/timeline/callLog.js';
import { formatLine } from '../src/timeline/format.js';
import { type ObservedOperation, observeChannel } from '../src/timeline/observe.js';

const ACCOUNT = `AC${'c'.repeat(32)}`;
const TOKEN = 'observe-token';

describe('observed channels keep optional capabilities', () => {
  it('pass connect (with the driver channel of the other side), mute and hold through', async () => {
    const seen: unknown[] = [];
    const inner = (id: string) =>
      ({
        id,
        connect: async (other: Channel) => void seen.push(['connect', id, other]),
        mute: async (muted: boolean) => void seen.push(['mute', id, muted]),
        hold: async (held: boolean) => void seen.push(['hold', id, held]),
      }) as unknown as Channel;
    const clock = createSimulatedClock();
    const ops: unknown[] = [];
    const agentInner = inner('agent');
    const callerInner = inner('caller');
    const agent = observeChannel(agentInner, clock, (op) => ops.push(op));
    const caller = observeChannel(callerInner, clock, (op) => ops.push(op));
    await agent.connect!(caller, new AbortController().signal);
    await agent.mute!(true);
    await caller.hold!(false);
    expect(seen).toEqual([
      ['connect', 'agent', callerInner],
      ['mute', 'agent', true],
      ['hold', 'caller', false],
    ]);
    expect(ops).toEqual([]);
  });

  it('leaves them out when the driver has none', () => {
    const observed = observeChannel({ id: 'x' } as unknown as Channel, createSimulatedClock(), () => {});
    expect(observed.connect).toBeUndefined();
    expect(observed.mute).toBeUndefined();
    expect(observed.hold).toBeUndefined();
  });

  it('lets rcml serve connect a queued caller with its agent (<Enqueue> then <Dial><Queue>)', async () => {
    // The agent's Dial action says how the dial ended: completed once connected (timeLimit 1 s),
    // failed when the driver was believed unable to connect.
    const actions: URLSearchParams[] = [];
    let reached: () => void = () => {};
    const acted = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const app = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      req.on('end', () => {
        actions.push(new URLSearchParams(body));
        res.setHeader('content-type', 'text/xml');
        res.end('<Response><Hangup/></Response>');
        reached();
      });
    });
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    const action = `http://127.0.0.1:${(app.address() as AddressInfo).port}/after-queue`;
    const server = await startServe({ accountSid: ACCOUNT, authToken: TOKEN, answerAfter: 0 });
    const notices: number[] = [];
    const stop = server.runtime.engine.subscribe((e) => {
      if (e.type === 'notice') notices.push(e.code);
    });
    try {
      const create = (to: string, twiml: string) =>
        server.runtime.engine.create(
          { To: to, From: '+15550009999', Twiml: twiml } as unknown as CreateCallParams,
          { accountSid: ACCOUNT },
        );
      create('+15550001000', '<Response><Enqueue>support</Enqueue></Response>');
      create(
        '+15550001001',
        `<Response><Pause length="1"/><Dial action="${action}" timeLimit="1"><Queue>support</Queue></Dial></Response>`,
      );
      await acted;
      expect(actions[0]?.get('DialCallStatus')).toBe('completed');
      expect(notices).not.toContain(14103);
    } finally {
      stop();
      await server.stop(500);
      await new Promise<void>((resolve) => app.close(() => resolve()));
    }
  });
});

describe('observed <Dial> legs', () => {
  it("report a whisper document's operations tagged with the leg's CallSid, shown as the leg's", async () => {
    const leg = { id: 'leg-1', say: async () => {} } as unknown as Channel;
    const caller = {
      id: 'caller',
      dial: () => ({ legs: [leg], bridge: async () => {} }),
    } as unknown as Channel;
    const clock = createSimulatedClock();
    const ops: ObservedOperation[] = [];
    const observed = observeChannel(caller, clock, (op) => ops.push(op));
    const session = observed.dial(
      {
        targets: [{ type: 'number', to: '+15550007777', callSid: 'CA0000000000000000000000000000002' }],
      } as never,
      new AbortController().signal,
    );
    await session.legs[0]!.say({ text: 'Press 1 to accept' } as never, new AbortController().signal);
    expect(ops.map((op) => [op.op, op.channelId, op.legSid])).toEqual([
      ['dial', 'caller', undefined],
      ['say', 'leg-1', 'CA0000000000000000000000000000002'],
    ]);
    const log = createCallLog(clock);
    for (const op of ops) log.onOperation(op);
    const line = formatLine(log.entries[1]!, { t0: 0, showCall: true });
    expect(line).toContain('000002  say');
    expect(line).toContain('"Press 1 to accept"  (leg CA…0002)');
  });
});
