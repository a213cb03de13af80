/**
 * The conformance-suite harness for the Asterisk driver: the driver under test talks to the
 * fake Asterisk (`modelAri.ts`) over real loopback sockets, both on one simulated clock. Far-end
 * actions are the fake's; `advance` fires due timers and lets socket I/O settle in between.
 */
import { createSimulatedClock, type SimulatedClock } from '@rcml/core';
import type { DriverHarness, FarEnd } from '@rcml/driver/conformance';
import { afterEach } from 'vitest';
import { recorder, startDriver, type TestDriver, turn, until } from '../helpers.js';
import { ModelAri } from './modelAri.js';
import type { ModelChannel } from './modelState.js';

/**
 * Yield until neither side has done anything for a while (20 quiet event-loop turns). Then the
 * fake's timers that are already due (a created leg's `StasisStart`, "a moment" after the 200)
 * fire, one at a time, each followed by settling again: what a client does at once after an
 * answer always comes before them, as on an idle real Asterisk.
 */
export async function settle(fake: ModelAri): Promise<void> {
  const clock = fake.options.clock;
  for (;;) {
    let quiet = 0;
    let last = fake.activity;
    while (quiet < 20) {
      await turn();
      if (fake.activity === last) quiet += 1;
      else {
        quiet = 0;
        last = fake.activity;
      }
    }
    const due = clock.nextDue();
    if (due === undefined || due > clock.now()) return;
    clock.fireNext();
  }
}

/**
 * An inbound call from `from` to `to` on the fake Asterisk, handed to the driver, listened to
 * (a {@link recorder}) and answered; with the fake's model of it.
 */
export async function answeredInbound(
  s: ModelSetup,
  { from = '+15551230001', to = '+15550001000' }: { readonly from?: string; readonly to?: string } = {},
) {
  const before = s.t.inbound.length;
  const model = s.fake.state.inbound(from, to);
  await until(() => s.t.inbound.length > before, 'the inbound call');
  const call = s.t.inbound[before]!;
  const rec = recorder();
  call.channel.listen(rec);
  await call.channel.answer(new AbortController().signal);
  await settle(s.fake);
  return { call, rec, model };
}

/** Fire the clock's timers up to `ms` from now, settling I/O after each. */
export async function advance(fake: ModelAri, clock: SimulatedClock, ms: number): Promise<void> {
  await settle(fake);
  const target = clock.now() + ms;
  for (;;) {
    const due = clock.nextDue();
    if (due === undefined || due > target) break;
    clock.fireNext();
    await settle(fake);
  }
  clock.schedule(target, () => undefined);
  clock.fireNext();
  await settle(fake);
}

export interface ModelSetup {
  readonly fake: ModelAri;
  readonly clock: SimulatedClock;
  readonly t: TestDriver;
}

/**
 * One fake Asterisk per test: `start` makes it (driver started, settled), and it is stopped
 * after the test unless the test `release`s it (a test that stops the driver itself). Call at
 * the top of a test file: it registers the `afterEach`.
 */
export function useModel(): {
  start: (overrides?: Parameters<typeof startDriver>[1]) => Promise<ModelSetup>;
  release: () => void;
} {
  let setup: ModelSetup | null = null;
  afterEach(async () => {
    await setup?.t.driver.stop().catch(() => undefined);
    await setup?.fake.close();
    setup = null;
  });
  return {
    start: async (overrides = {}) => {
      setup = await startModel(overrides);
      return setup;
    },
    release: () => {
      setup = null;
    },
  };
}

/** Requests the driver sent, without the one it makes at start (listing leftovers). */
export const driverRequests = (s: ModelSetup): string[] =>
  s.fake.log.filter((l) => l.startsWith('REQ ') && l !== 'REQ GET /ari/applications/rcml');

export async function startModel(overrides: Parameters<typeof startDriver>[1] = {}): Promise<ModelSetup> {
  const clock = createSimulatedClock();
  const fake = await ModelAri.start({ clock });
  const t = await startDriver(fake.url, {
    clock,
    // Downloads touch the file system, whose completion `settle` cannot see: use a cache
    // that answers at once (the real cache is tested on its own).
    mediaCache: {
      resolve: async (url) => (url === 'http://media.test/long.wav' ? 'sound:/cache/long' : null),
    },
    recordingStore: {
      save: async (name, audio) => `http://rcml.test/recordings/${name}.wav?bytes=${audio.length}`,
    },
    ...overrides,
  });
  await settle(fake);
  return { fake, clock, t };
}

export function farEnd(setup: ModelSetup, find: () => ModelChannel | undefined): FarEnd {
  const { fake } = setup;
  // The channel once found stays this far end's (a dial target is found while it is dialling).
  let found: ModelChannel | undefined;
  const channel = async () => {
    await until(() => {
      found = found ?? find();
      return found !== undefined;
    }, 'the far end channel');
    return found!;
  };
  const act = async (fn: (c: ModelChannel) => void) => {
    await settle(fake);
    fn(await channel());
    await settle(fake);
  };
  return {
    ring: () => act((c) => fake.state.far(c, 'ring')),
    answer: () => act((c) => fake.state.far(c, 'answer')),
    busy: () => act((c) => fake.state.far(c, 'busy')),
    fail: () => act((c) => fake.state.far(c, 'fail')),
    dtmf: (digits) => act((c) => fake.state.farDtmf(c, digits)),
    speak: (seconds) => act((c) => fake.state.farSpeak(c, seconds)),
    hangup: () => act((c) => fake.state.hangup(c, { soft: false, cause: 16 })),
  };
}

export async function createModelHarness(): Promise<DriverHarness> {
  const setup = await startModel();
  const { fake, clock, t } = setup;
  const channels = () => [...fake.state.channels.values()];
  return {
    driver: t.driver,
    features: new Set(['ring', 'answer', 'busy', 'fail', 'dtmf', 'speak', 'hangup', 'inbound', 'dial']),
    async outbound(request) {
      const channel = t.driver.originate(request);
      return {
        channel,
        farEnd: farEnd(setup, () => fake.state.channels.get(`rcml-${request.callSid}`)),
      };
    },
    async inbound() {
      const before = t.inbound.length;
      const model = fake.state.inbound('+15551230001', '+15550001000');
      await until(() => t.inbound.length > before, 'the inbound call');
      return { channel: t.inbound[before]!.channel, farEnd: farEnd(setup, () => model) };
    },
    dialTarget(to) {
      return farEnd(setup, () =>
        channels().find((c) => c.kind === 'created' && c.endpoint.includes(to) && c.dialing),
      );
    },
    advance: (ms) => advance(fake, clock, ms),
    async close() {
      await t.driver.stop();
      await fake.close();
    },
  };
}
