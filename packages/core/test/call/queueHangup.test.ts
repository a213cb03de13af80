/**
 * A caller who hangs up at the very moment an agent takes them off the queue (the hang-up
 * arrives as the hold music stops, before the caller's side is connected): the call is over,
 * so it is not connected to the agent.
 */
import { type Channel, type ChannelHandler, createSimulatedClock } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { appEngine } from '../engine/appEngine.js';
import { flush } from '../engine/harness.js';
import { stubChannel } from '../engine/stubChannel.js';

const APP: Record<string, string> = {
  'http://app.test/caller':
    '<Response><Enqueue waitUrl="/wait" action="/caller-done">support</Enqueue></Response>',
  'http://app.test/wait': '<Response><Play>http://media.test/hold.wav</Play></Response>',
  'http://app.test/agent': '<Response><Dial action="/agent-done"><Queue>support</Queue></Dial></Response>',
  'http://app.test/caller-done': '<Response/>',
  'http://app.test/agent-done': '<Response/>',
};

describe('a caller hanging up as an agent takes the call', () => {
  it('is not connected: the caller’s Enqueue ends bridging-in-process, the agent’s Dial no-answer', async () => {
    const clock = createSimulatedClock();
    const log: string[] = [];
    let caller: ChannelHandler | undefined;
    const engine = appEngine(clock, (request) => {
      const { QueueResult, DialCallStatus } = request.params;
      log.push([request.url, QueueResult, DialCallStatus].filter(Boolean).join(' '));
      return APP[request.url] ?? '<Response/>';
    });
    const callerChannel = stubChannel({
      id: 'caller',
      listen: (h) => {
        caller = h;
      },
      // The hold music stops because the caller hung up: the driver reports it as it stops.
      play: (_request, signal) =>
        new Promise((resolve) => {
          signal.addEventListener('abort', () => {
            caller?.hangup();
            resolve({ ok: true });
          });
        }),
    });
    const agentChannel: Channel = stubChannel({
      id: 'agent',
      connect: (_other, signal) =>
        new Promise((resolve) => {
          log.push('connected');
          signal.addEventListener('abort', () => resolve());
        }),
    });
    const from = { From: '+15550001111', To: '+15550002222' };
    const callerSid = engine.inbound({ ...from, Url: 'http://app.test/caller' }, callerChannel).sid;
    await flush();
    const agentSid = engine.inbound({ ...from, Url: 'http://app.test/agent' }, agentChannel).sid;
    await flush();
    while (clock.fireNext()) await flush();
    expect(log).toEqual([
      'http://app.test/caller',
      'http://app.test/wait',
      'http://app.test/agent',
      'http://app.test/caller-done bridging-in-process',
      'http://app.test/agent-done no-answer',
    ]);
    expect([engine.get(callerSid)?.status, engine.get(agentSid)?.status]).toEqual(['completed', 'completed']);
  });
});
