/**
 * The conformance harness of the simulated driver: simulated time that advances timer by
 * timer, letting promises settle in between. Also a worked example for driver authors.
 */
import { createSimulatedClock } from '@rcml/core';
import { createSimulatedDriver, type SimulatedDriverOptions } from '../simulatedDriver.js';
import type { DriverHarness, FarEnd } from './harness.js';

/** Let every promise chain that is ready run before the next timer fires. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A harness around a fresh simulated driver on a fresh simulated clock. */
export function createSimulatedHarness(options: Omit<SimulatedDriverOptions, 'clock'> = {}): DriverHarness {
  const clock = createSimulatedClock();
  const driver = createSimulatedDriver({ ...options, clock });
  return {
    driver,
    outbound: async (request) => {
      const channel = driver.originate(request);
      return { channel, farEnd: driver.find(channel)!.farEnd };
    },
    inbound: async () => {
      const { channel, farEnd } = driver.inbound({ from: '+15550003333', to: '+15550004444' });
      return { channel, farEnd };
    },
    dialTarget(to): FarEnd {
      const leg = [...driver.calls].reverse().find((c) => c.kind === 'leg' && c.to === to);
      if (leg === undefined) throw new Error(`no dial leg to ${to}`);
      return leg.farEnd;
    },
    async advance(ms) {
      let reached = false;
      clock.schedule(
        clock.now() + ms,
        () => {
          reached = true;
        },
        Number.MAX_SAFE_INTEGER,
      );
      await settle();
      while (!reached && clock.fireNext()) await settle();
    },
    async close() {
      for (const call of driver.calls) await call.channel.hangup();
    },
  };
}
