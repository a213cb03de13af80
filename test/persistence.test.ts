/**
 * Persistence (issue 14): a call saved mid-`<Gather>` with `engine.persist`, restored in a new
 * engine with `engine.restore` on the same simulated driver, finishes exactly as if it had
 * never stopped: the same timeline (requests and media operations, at the same instants), the
 * same final state, every replay invariant kept.
 */
import {
  type CallMachineState,
  type Channel,
  createEngine,
  type Engine,
  type EngineEvent,
  type EngineMachine,
  type EngineOptions,
  type PersistedCall,
} from '@rcml/core';
import { type RunOptions, runScenario, type Scenario } from '@rcml/replay';
import { describe, expect, it } from 'vitest';

type FullEngine = Engine & EngineMachine;

interface Handover {
  readonly at: number;
  state?: CallMachineState | undefined;
  saved?: PersistedCall;
  engines: number;
}

/**
 * An engine for `runScenario` that, at `handover.at` seconds, saves the call (releasing it),
 * round-trips the saved call through JSON, and restores it in a brand-new engine.
 */
function handingOver(handover: Handover): Pick<RunOptions, 'createEngine' | 'onStart'> {
  let current: FullEngine;
  let options: EngineOptions;
  let channel: Channel | null = null;
  const listeners: ((event: EngineEvent) => void)[] = [];
  const make = (): FullEngine => {
    handover.engines++;
    const engine = createEngine(options);
    for (const listener of listeners) engine.subscribe(listener);
    return engine;
  };
  const proxy: Engine = {
    create: (params, owner) => current.create(params, owner),
    inbound: (params, ch, owner) => {
      channel = ch;
      return current.inbound(params, ch, owner);
    },
    get: (sid) => current.get(sid),
    list: (filter) => current.list(filter),
    modify: (sid, params) => current.modify(sid, params),
    get recordings() {
      return current.recordings;
    },
    get queues() {
      return current.queues;
    },
    get conferences() {
      return current.conferences;
    },
    subscribe(listener) {
      listeners.push(listener);
      return current.subscribe(listener);
    },
    get activeCalls() {
      return current.activeCalls;
    },
    shutdown: (o) => current.shutdown(o),
  };
  return {
    createEngine(o) {
      options = o;
      current = make();
      return proxy;
    },
    onStart({ world, callSid }) {
      world.clock.setTimeout(() => {
        handover.state = current.snapshot(callSid);
        const saved = current.persist(callSid, { release: true });
        handover.saved = JSON.parse(JSON.stringify(saved)) as PersistedCall;
        current = make();
        current.restore(handover.saved, channel!);
      }, handover.at * 1000);
    },
  };
}

const scenario = (party: Scenario['party']): Scenario =>
  ({
    name: 'persist mid-Gather',
    inbound: {
      From: '+15550001111',
      To: '+15550002222',
      Url: 'http://app.test/voice',
      StatusCallback: 'http://app.test/status',
      StatusCallbackEvent: 'initiated ringing answered completed',
    },
    party,
    app: {
      'POST http://app.test/voice': {
        body: '<Response><Gather action="/code" numDigits="3" timeout="5"><Say>Your code please</Say></Gather><Say>Nothing heard</Say></Response>',
      },
      'POST http://app.test/code': { body: '<Response><Say>Thank you</Say><Hangup/></Response>' },
    },
    expect: {},
  }) as unknown as Scenario;

describe('persist and restore a call (engine.persist / engine.restore)', () => {
  const cases: { name: string; party: Scenario['party']; at: number }[] = [
    {
      name: 'saved after the first key: the keys and the restarted timer carry over',
      party: [
        { at: 3, do: 'dtmf', digits: '1' },
        { at: 6, do: 'dtmf', digits: '23' },
      ] as Scenario['party'],
      at: 4.5,
    },
    {
      name: 'saved while waiting: the no-input timeout fires at the same instant',
      party: [] as unknown as Scenario['party'],
      at: 3.25,
    },
  ];
  for (const { name, party, at } of cases) {
    it(name, async () => {
      const baseline = await runScenario(scenario(party));
      const handover: Handover = { at, engines: 0 };
      const restored = await runScenario(scenario(party), handingOver(handover));
      expect(handover.engines).toBe(2);
      expect(handover.state).toEqual({ session: 'verb' });
      expect(handover.saved?.verb).toMatchObject({ kind: 'gather' });
      expect(restored.violations).toEqual([]);
      expect(baseline.violations).toEqual([]);
      expect(restored.outcome).toEqual(baseline.outcome);
      expect(restored.outcome.final?.status).toBe('completed');
    });
  }

  it('refuses to save a call it does not have (20404)', () => {
    const engine = createEngine({
      driver: { capabilities: {} } as never,
      http: { send: () => new Promise(() => {}) },
    });
    expect(() => engine.persist('CA404')).toThrow(/not a live call/);
  });
});
