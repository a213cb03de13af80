/**
 * `rcml serve --inbound-url URL` and friends: the application configured for the numbers of
 * the server (spec 1.3), given to every call that arrives at the media driver.
 */
import type { CallOwner, Channel, Engine, InboundParams } from '@rcml/core';
import type { Runtime } from '../runtime/createRuntime.js';

/** The application for arriving calls: its `Url` and the optional settings that go with it. */
export type InboundSettings = Pick<
  InboundParams,
  | 'Url'
  | 'Method'
  | 'FallbackUrl'
  | 'FallbackMethod'
  | 'StatusCallback'
  | 'StatusCallbackMethod'
  | 'StatusCallbackEvent'
>;

/**
 * The runtime as a driver's inbound handler sees it: `engine.inbound` adds the settings to
 * each arriving call (what the driver says about the call, `From`, `To`, `CallerName`, is kept).
 */
export function withInboundSettings(runtime: Runtime, settings: InboundSettings): Runtime {
  const inner = runtime.engine;
  const engine: Engine = Object.create(inner, {
    inbound: {
      value: (params: InboundParams, channel: Channel, owner?: CallOwner) =>
        inner.inbound({ ...params, ...settings }, channel, owner),
    },
  });
  return { ...runtime, engine };
}
