/**
 * The harness a media driver package gives the conformance suite. The suite only talks to the
 * driver through `Channel`/`MediaDriver` (the contract under test) and makes the far end act
 * through the harness, so the same checks run on the simulated driver (simulated time) and on
 * a real media server (real time, a scripted SIP phone or test extension as the far end).
 *
 * Usage in a driver package's test file:
 *
 * ```ts
 * import { describeDriverConformance } from '@rcml/driver/conformance';
 * describeDriverConformance('asterisk', async () => createMyHarness());
 * ```
 *
 * The suite calls the factory once per test and `close()` after it.
 */
import type { AnsweredBy, Channel, MediaDriver, OriginateRequest } from '@rcml/core';

/** Far-end actions a harness may not be able to perform; the suite skips checks that need them. */
export type FarEndFeature =
  | 'ring'
  | 'answer'
  | 'answerByMachine'
  | 'busy'
  | 'fail'
  | 'dtmf'
  | 'speak'
  | 'hangup'
  | 'inbound'
  | 'dial';

/**
 * The party at the other end of one channel, controlled by the test. Every method makes the
 * action happen "now" on the driver's time line and resolves once the driver has been told;
 * the driver then reports it through the channel's handler (never synchronously inside the
 * call, and the suite advances time before it looks).
 */
export interface FarEnd {
  /** Outbound: start ringing. */
  ring(): Promise<void>;
  /** Outbound: pick up (`by` is the truth voicemail detection should report; default `human`). */
  answer(by?: AnsweredBy): Promise<void>;
  /** Outbound: the line is busy. */
  busy(): Promise<void>;
  /** Outbound: the call cannot be connected. */
  fail(): Promise<void>;
  /** Press keys (`0-9 * # A-D`), one after the other. */
  dtmf(digits: string): Promise<void>;
  /**
   * Talk for `seconds` (voice activity starts now and stops after `seconds`). `text`, when
   * given, is what the party says: a driver with a recogniser reports it in a speech gather.
   */
  speak(seconds: number, text?: string): Promise<void>;
  /** Hang up. */
  hangup(): Promise<void>;
}

/** A channel under test together with the party at its far end. */
export interface HarnessCall {
  readonly channel: Channel;
  readonly farEnd: FarEnd;
}

/** Everything the conformance suite needs from one driver. */
export interface DriverHarness {
  /** The driver under test. */
  readonly driver: MediaDriver;
  /**
   * Far-end actions this harness can perform (default: all). A check that needs a missing
   * feature is skipped, so a partial harness still runs every other check.
   */
  readonly features?: ReadonlySet<FarEndFeature>;
  /**
   * Place an outbound call with `driver.originate` (the suite fills in a request; the harness
   * may override `to`/`from` with numbers its far end answers) and return it with its far end.
   * The harness must not `listen` on the channel: the suite does.
   */
  outbound(request: OriginateRequest): Promise<HarnessCall>;
  /**
   * A call arriving at the media server, not yet answered (feature `inbound`). The harness
   * must not `listen` on the channel: the suite does.
   */
  inbound?(): Promise<HarnessCall>;
  /**
   * The far end of a `<Dial>` target, by the target's `to` as the suite dialled it (feature
   * `dial`). Called after `channel.dial()` returned; the harness finds the matching leg.
   */
  dialTarget?(to: string): FarEnd;
  /**
   * A target address the harness can dial from a call (default `+15550009999`). With a real
   * media server this is an extension whose far end `dialTarget` controls.
   */
  readonly dialAddress?: string;
  /**
   * Let `ms` milliseconds of driver time pass. Simulated drivers fire their due timers (letting
   * promises settle between them); real drivers wait. The suite keeps its waits short (a few
   * seconds in total per test) and never depends on exact media lengths.
   */
  advance(ms: number): Promise<void>;
  /** Release everything the test used (hang up leftovers, close connections). */
  close(): Promise<void>;
}

/** Builds a fresh harness for one test. */
export type HarnessFactory = () => Promise<DriverHarness>;
