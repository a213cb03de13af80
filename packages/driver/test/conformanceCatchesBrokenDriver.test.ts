/**
 * The conformance suite must be able to fail: these tests run its checks against drivers that
 * are broken on purpose and require the checks that guard the broken rule to fail (and the
 * same checks to pass on the simulated driver, so a failure is the breakage and not the
 * mechanism).
 *
 * How the checks are run: `describeDriverConformance` registers its checks with vitest's
 * `describe`/`it`/`afterEach`. This file mocks the `vitest` module so that, while `capture` is
 * active, those three record the checks instead of registering them; outside that window they
 * are vitest's own (this file's tests are ordinary tests). Each recorded check is then run by
 * hand, followed by the suite's `afterEach` (which closes the harness), and its outcome kept.
 */
import type { Channel } from '@rcml/core';
import {
  createSimulatedHarness,
  type DriverHarness,
  describeDriverConformance,
  type HarnessFactory,
} from '@rcml/driver/conformance';
import { describe, expect, it, vi } from 'vitest';

type Body = () => unknown;

const capture = vi.hoisted(() => ({
  active: false,
  path: [] as string[],
  checks: [] as { name: string; fn: () => unknown }[],
  afterEach: [] as (() => unknown)[],
}));

vi.mock('vitest', async (importOriginal) => {
  const real = await importOriginal<typeof import('vitest')>();
  const describe = (name: string, fn: () => void) => {
    if (!capture.active) return real.describe(name, fn);
    capture.path.push(name);
    try {
      fn();
    } finally {
      capture.path.pop();
    }
  };
  const it = (name: string, fn: () => unknown) => {
    if (!capture.active) return real.it(name, fn);
    capture.checks.push({ name: [...capture.path, name].join(' > '), fn });
  };
  const afterEach = (fn: () => unknown) => {
    if (!capture.active) return real.afterEach(fn);
    capture.afterEach.push(fn);
  };
  return { ...real, describe, it, afterEach };
});

/** Outcome of every conformance check for one harness factory: name → error or null. */
async function runConformance(factory: HarnessFactory): Promise<Map<string, unknown>> {
  capture.active = true;
  capture.checks = [];
  capture.afterEach = [];
  try {
    describeDriverConformance('under test', factory);
  } finally {
    capture.active = false;
  }
  const { checks, afterEach } = capture;
  const outcome = new Map<string, unknown>();
  for (const check of checks) {
    let error: unknown = null;
    try {
      await (check.fn as Body)();
    } catch (e) {
      error = e;
    }
    for (const hook of afterEach) await (hook as Body)();
    outcome.set(check.name, error);
  }
  return outcome;
}

function failed(outcome: Map<string, unknown>): string[] {
  return [...outcome].filter(([, error]) => error !== null).map(([name]) => name);
}

/** A harness whose calls go through `wrap`: the simulated driver with one rule broken. */
function brokenHarness(wrap: (channel: Channel) => Channel): HarnessFactory {
  return async () => {
    const inner = createSimulatedHarness();
    const harness: DriverHarness = {
      ...inner,
      outbound: async (request) => {
        const call = await inner.outbound(request);
        return { channel: wrap(call.channel), farEnd: call.farEnd };
      },
      inbound: async () => {
        const call = await inner.inbound!();
        return { channel: wrap(call.channel), farEnd: call.farEnd };
      },
    };
    return harness;
  };
}

/** Media operations that run on without looking at their AbortSignal. */
const ignoresAbort = brokenHarness((channel) => {
  const never = () => new AbortController().signal;
  return new Proxy(channel, {
    get(target, key) {
      switch (key) {
        case 'say':
          return (r: Parameters<Channel['say']>[0]) => target.say(r, never());
        case 'play':
          return (r: Parameters<Channel['play']>[0]) => target.play(r, never());
        case 'pause':
          return (r: Parameters<Channel['pause']>[0]) => target.pause(r, never());
        case 'sendDigits':
          return (r: Parameters<Channel['sendDigits']>[0]) => target.sendDigits(r, never());
        default: {
          const value = Reflect.get(target, key, target) as unknown;
          return typeof value === 'function' ? value.bind(target) : value;
        }
      }
    },
  });
});

/** `hangup()` resolves but the channel stays up: its far end's events keep coming. */
const ignoresHangup = brokenHarness(
  (channel) =>
    new Proxy(channel, {
      get(target, key) {
        if (key === 'hangup' || key === 'cancel') return () => Promise.resolve();
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
);

/** Reports `ringing` synchronously inside `listen`, before the far end did anything. */
const eventInsideListen = brokenHarness(
  (channel) =>
    new Proxy(channel, {
      get(target, key) {
        if (key === 'listen') {
          return (handler: Parameters<Channel['listen']>[0]) => {
            target.listen(handler);
            handler.ringing();
          };
        }
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
);

/** Claims a recogniser but its speech gathers hear nothing (announces input, never listens). */
const deafRecogniser = brokenHarness(
  (channel) =>
    new Proxy(channel, {
      get(target, key) {
        if (key === 'gather') return () => Promise.resolve();
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
);

/** A recogniser that keeps listening after its gather's signal aborted. */
const recogniserNeverStops = brokenHarness(
  (channel) =>
    new Proxy(channel, {
      get(target, key) {
        if (key === 'gather') {
          return (r: Parameters<Channel['gather']>[0]) => target.gather(r, new AbortController().signal);
        }
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
);

/** Media streams that ignore their signal, and report marks before their audio has played. */
const sloppyStreams = brokenHarness(
  (channel) =>
    new Proxy(channel, {
      get(target, key) {
        if (key === 'mediaStream') {
          return (...[r, handler]: Parameters<NonNullable<Channel['mediaStream']>>) => {
            const session = target.mediaStream?.(r, handler, new AbortController().signal);
            return {
              play: (payload: Uint8Array) => session?.play(payload),
              clear: () => session?.clear(),
              mark: (name: string) => handler.markPlayed(name),
            };
          };
        }
        const value = Reflect.get(target, key, target) as unknown;
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }),
);

const STREAMS = 'media driver conformance: under test > media streams (drivers with Channel.mediaStream) > ';

const SPEECH =
  'media driver conformance: under test > speech recognition (drivers with capabilities.speech) > ';

const ABORT_CHECKS = ['say', 'play', 'pause', 'sendDigits'].flatMap((op) => [
  `media driver conformance: under test > every operation can be cancelled > ${op} settles promptly when its signal aborts`,
  `media driver conformance: under test > every operation can be cancelled > ${op} with a signal already aborted settles promptly`,
]);
const AFTER_HANGUP = [
  'media driver conformance: under test > events of an answered call > nothing reaches the handler after the engine hangs up',
  'media driver conformance: under test > outbound progress > a cancelled attempt reports nothing, even if the far end answers late',
];
const INSIDE_LISTEN = [
  'media driver conformance: under test > outbound progress > reports nothing before the far end acts, and never inside originate or listen',
];

describe('the driver conformance suite catches broken drivers', () => {
  it('passes every check on the simulated driver (the checks really run)', async () => {
    const outcome = await runConformance(async () => createSimulatedHarness());
    expect(outcome.size).toBeGreaterThanOrEqual(20);
    for (const name of [...ABORT_CHECKS, ...AFTER_HANGUP, ...INSIDE_LISTEN])
      expect(outcome.has(name)).toBe(true);
    expect(failed(outcome)).toEqual([]);
  });

  it('fails the cancellation checks for a driver that ignores AbortSignal', async () => {
    const outcome = await runConformance(ignoresAbort);
    const failures = failed(outcome);
    for (const name of ABORT_CHECKS) expect(failures).toContain(name);
  });

  it('fails the after-hang-up checks for a driver that keeps reporting after hangup()', async () => {
    const outcome = await runConformance(ignoresHangup);
    const failures = failed(outcome);
    for (const name of AFTER_HANGUP) expect(failures).toContain(name);
  });

  it('fails the speech checks for a recogniser that hears nothing, or never stops listening', async () => {
    expect(failed(await runConformance(deafRecogniser))).toContain(
      `${SPEECH}in a speech gather, reports voice and then the words the party said`,
    );
    expect(failed(await runConformance(recogniserNeverStops))).toContain(
      `${SPEECH}reports no words when no speech gather listens (none running, or its signal aborted)`,
    );
  });

  it('fails the media-stream checks for streams that ignore their signal and return marks early', async () => {
    const failures = failed(await runConformance(sloppyStreams));
    expect(failures).toContain(
      `${STREAMS}sends 160-byte frames every 20 ms on each requested track, and nothing after the abort`,
    );
    expect(failures).toContain(
      `${STREAMS}plays the application’s audio in order and reports a mark once the audio before it has played`,
    );
  });

  it('fails the "nothing inside listen" check for a driver that reports synchronously', async () => {
    const outcome = await runConformance(eventInsideListen);
    expect(failed(outcome)).toEqual(expect.arrayContaining(INSIDE_LISTEN));
  });
});
