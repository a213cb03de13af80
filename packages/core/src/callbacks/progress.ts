/**
 * Call-progress events (spec section 5): which events a call's StatusCallback subscribes to,
 * and the parameters of each event with `SequenceNumber`, `Timestamp`, `CallbackSource`,
 * `CallDuration`. Each event is reported at most once per call.
 */
import type { HttpMethod, ProgressEvent } from '../document/ast.js';
import { RcmlError } from '../errors.js';
import { type CallIdentity, callParams } from '../fetch/params.js';
import type { CallbackQueue } from './callbackQueue.js';
import { rfc2822 } from './timestamp.js';

const EVENTS: readonly ProgressEvent[] = ['initiated', 'ringing', 'answered', 'completed'];

/** Where a call's progress events go. */
export interface ProgressSubscription {
  readonly url: string | null;
  readonly method: HttpMethod;
  readonly events: ReadonlySet<ProgressEvent>;
}

/**
 * Parse `StatusCallbackEvent` (comma- or space-separated). Empty means `completed` alone.
 * Throws RcmlError 20001 naming `field` for an unknown event name.
 */
export function parseProgressEvents(
  value: string | undefined,
  field = 'StatusCallbackEvent',
): Set<ProgressEvent> {
  const names = (value ?? '').split(/[\s,]+/).filter((name) => name !== '');
  if (names.length === 0) return new Set(['completed']);
  const events = new Set<ProgressEvent>();
  for (const name of names) {
    if (!(EVENTS as readonly string[]).includes(name)) {
      throw new RcmlError(20001, `${field}: unknown event "${name}" (expected ${EVENTS.join(', ')})`, {
        field,
      });
    }
    events.add(name as ProgressEvent);
  }
  return events;
}

/** Numbers and sends one call's progress events through its callback queue. */
export class ProgressReporter {
  private sequence = 0;
  /** Bit per event of {@link EVENTS} already reported (a Set per call costs more). */
  private reported = 0;

  constructor(
    public subscription: ProgressSubscription,
    private readonly queue: CallbackQueue,
  ) {}

  /** What was reported so far (a persisted call keeps numbering where it stopped). */
  save(): { readonly sequence: number; readonly reported: number } {
    return { sequence: this.sequence, reported: this.reported };
  }

  /** Continue from {@link save}'s record. */
  restore(saved: { readonly sequence: number; readonly reported: number }): void {
    this.sequence = saved.sequence;
    this.reported = saved.reported;
  }

  /**
   * Report `event` once. Returns its parameters when they were sent, or built because
   * `describe` asks for them (engine listeners); null when the event was already reported or
   * nobody wants its parameters (then none are built).
   */
  report(
    event: ProgressEvent,
    call: CallIdentity,
    now: number,
    callDuration: number | null,
    describe: boolean,
  ): Record<string, string> | null {
    const bit = 1 << EVENTS.indexOf(event);
    if ((this.reported & bit) !== 0) return null;
    this.reported |= bit;
    const { url, method, events } = this.subscription;
    const send = url !== null && events.has(event);
    if (!send && !describe) return null;
    const params = callParams(call);
    if (callDuration !== null) params.CallDuration = String(callDuration);
    params.Timestamp = rfc2822(now);
    params.CallbackSource = 'call-progress-events';
    if (send) {
      params.SequenceNumber = String(this.sequence++);
      this.queue.enqueue(url, method, params);
    }
    return params;
  }
}
