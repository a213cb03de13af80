/**
 * The call machine inside the engine (issue 14): `createEngine({ inspect })` sees every call's
 * actor, `engine.snapshot` tells a live call's state, an exception in verb code is an engine
 * error (14120) that ends the call, and a failing driver hang-up is reported (14103).
 */
import {
  type Channel,
  createEngine,
  type EngineMachine,
  type EngineOptions,
  type MediaDriver,
  type OriginateRequest,
} from '@rcml/core';
import { type RunOptions, runScenario, type Scenario } from '@rcml/replay';
import { describe, expect, it } from 'vitest';

const call = {
  From: '+15550001111',
  To: '+15550002222',
  Url: 'http://app.test/voice',
  StatusCallback: 'http://app.test/status',
  StatusCallbackEvent: 'initiated ringing answered completed',
};

const scenario = (body: string): Scenario =>
  ({
    name: 'call machine',
    call,
    party: [{ at: 1, do: 'answer' }],
    app: { 'POST http://app.test/voice': { body } },
    expect: {},
  }) as unknown as Scenario;

/** An engine whose outbound channels are changed by `patch` (a driver with a bug, or failing). */
function patchedChannels(
  patch: (channel: Channel) => Partial<Channel>,
): NonNullable<RunOptions['createEngine']> {
  return (options: EngineOptions) => {
    const driver = options.driver;
    const patched: MediaDriver = Object.assign(Object.create(driver) as MediaDriver, {
      originate(request: OriginateRequest) {
        const channel = driver.originate(request);
        return Object.assign(Object.create(channel) as Channel, patch(channel));
      },
    });
    return createEngine({ ...options, driver: patched });
  };
}

describe('the call machine in the engine', () => {
  it('inspect sees the call go through the machine; snapshot tells the live state', async () => {
    const states: string[] = [];
    const seen: unknown[] = [];
    let after: () => unknown = () => 'not started';
    const result = await runScenario(
      scenario('<Response><Say>Hello there</Say><Pause length="3"/></Response>'),
      {
        engineOptions: {
          inspect: (event) => {
            if (event.type !== '@xstate.snapshot') return;
            const value = JSON.stringify((event.snapshot as unknown as { value: unknown }).value);
            if (states.at(-1) !== value) states.push(value);
          },
        },
        onStart({ engine, world, callSid }) {
          const machine = engine as typeof engine & EngineMachine;
          for (const at of [0.5, 2]) {
            world.clock.setTimeout(() => seen.push(machine.snapshot(callSid)), at * 1000);
          }
          after = () => machine.snapshot(callSid);
        },
      },
    );
    expect(result.outcome.final?.status).toBe('completed');
    expect(states).toEqual([
      '"queued"',
      '{"dialing":"initiated"}',
      '{"session":"fetching"}',
      '{"session":"verb"}',
      '"completed"',
    ]);
    expect(seen).toEqual([{ dialing: 'initiated' }, { session: 'verb' }]);
    expect(after()).toBeUndefined();
  });

  it('an exception in verb code is 14120 and ends the call with a hang-up, the next verb not run', async () => {
    // A driver bug makes `say` return nothing: the verb's own code throws a TypeError.
    const result = await runScenario(
      scenario('<Response><Say>Hello</Say><Play>http://app.test/a.mp3</Play></Response>'),
      {
        createEngine: patchedChannels(() => ({ say: (() => undefined) as never })),
      },
    );
    const notices = result.events.filter((e) => e.type === 'notice');
    expect(notices.map((n) => n.type === 'notice' && n.code)).toEqual([14120]);
    const media = result.outcome.timeline.filter((e) => e.kind === 'media').map((e) => e.op);
    expect(media).toEqual(['hangup']);
    expect(result.outcome.final?.status).toBe('completed');
    expect(result.violations).toEqual([]);
  });

  it('a driver failure in a verb is still 14103 and the next verb runs', async () => {
    const result = await runScenario(scenario('<Response><Say>Hello</Say><Pause length="1"/></Response>'), {
      createEngine: patchedChannels(() => ({ say: () => Promise.reject(new Error('tts down')) })),
    });
    const codes = result.events.flatMap((e) => (e.type === 'notice' ? [e.code] : []));
    expect(codes).toEqual([14103]);
    const media = result.outcome.timeline.filter((e) => e.kind === 'media').map((e) => e.op);
    expect(media).toEqual(['pause', 'hangup']);
  });

  it('a failing driver hang-up is reported (14103); the call still ends completed', async () => {
    const result = await runScenario(scenario('<Response><Say>Bye</Say></Response>'), {
      createEngine: patchedChannels((channel) => ({
        hangup: () => {
          void channel.hangup();
          return Promise.reject(new Error('channel gone'));
        },
      })),
    });
    const notices = result.events.flatMap((e) => (e.type === 'notice' ? [`${e.code} ${e.message}`] : []));
    expect(notices).toEqual(['14103 the media driver could not hang up: channel gone']);
    expect(result.outcome.final?.status).toBe('completed');
  });
});
