/**
 * What every call shares with the engine: the ports, the limits, and the engine's
 * bookkeeping hooks. Built once per engine by `createEngine`.
 */

import type { CallbackContext, CallbackQueue } from '../callbacks/callbackQueue.js';
import type { ConferenceDesk } from '../conferences/conferences.js';
import type { HttpMethod } from '../document/ast.js';
import type { EngineEvent, EngineLimits } from '../engine/types.js';
import type { ErrorCode } from '../errors.js';
import type { FetchContext } from '../fetch/fetchDocument.js';
import type { Clock, IdGenerator, Logger, MediaDriver, MessagingPort, StreamPort } from '../ports.js';
import type { QueueDesk } from '../queues/queues.js';
import type { RecordingMade } from '../recordings/recordings.js';
import type { ControllerPool } from './abort.js';
import type { CallData } from './callData.js';

export interface CallContext {
  readonly clock: Clock;
  readonly driver: MediaDriver;
  readonly ids: IdGenerator;
  readonly logger: Logger;
  readonly messaging: MessagingPort | undefined;
  /** The WebSocket client of media streams, when configured. */
  readonly streams?: StreamPort | undefined;
  readonly limits: EngineLimits;
  readonly fetch: FetchContext;
  readonly callbacks: CallbackContext;
  /** Spare abort controllers, shared by every call's steps and callback attempts. */
  readonly controllers: ControllerPool;
  /** Whether anyone listens to engine events (building events costs). */
  hasListeners(): boolean;
  emit(event: EngineEvent): void;
  notice(callSid: string | null, code: ErrorCode, message: string, level: 'warning' | 'error'): void;
  /** A call (or leg) changed status. */
  statusChanged(call: CallData): void;
  /** The engine's conferences. */
  readonly conferences: ConferenceDesk;
  /** The engine's call queues. */
  readonly queues: QueueDesk;
  /** A recording is complete: register it; returns the `RecordingUrl` to give out. */
  recordingMade(recording: RecordingMade): string;
  /** A leg was created by `<Dial>`: register it. */
  legCreated(call: CallData): void;
  /**
   * A call (or leg) reached its final state. `queues` still deliver its callbacks; `flushed`
   * (null when nothing is pending) settles when its last request, `completed`, was delivered.
   */
  callEnded(call: CallData, queues: readonly CallbackQueue[], flushed: Promise<void> | null): void;
}

/** A StatusCallback target. */
export interface CallbackTarget {
  readonly url: string | null;
  readonly method: HttpMethod;
}
