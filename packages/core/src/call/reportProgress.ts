/**
 * Reporting one progress event of a call or a `<Dial>` leg: the reporter numbers and sends
 * it, and engine listeners hear of it when it was reported (the first time only).
 */
import type { ProgressReporter } from '../callbacks/progress.js';
import type { ProgressEvent } from '../document/ast.js';
import type { CallData } from './callData.js';
import type { CallContext } from './context.js';

/** What one progress event is about. */
export interface ProgressReport {
  readonly data: CallData;
  readonly reporter: ProgressReporter;
  readonly event: ProgressEvent;
  /** Epoch ms of the event (the instant the status changed, for a status step). */
  readonly now: number;
}

/** Report `event` once; `completed` carries the call's duration. */
export function reportProgress(ctx: CallContext, { data, reporter, event, now }: ProgressReport): void {
  const listening = ctx.hasListeners();
  const duration = event === 'completed' ? (data.duration ?? 0) : null;
  const params = reporter.report(event, data, now, duration, listening);
  if (params !== null && listening) {
    ctx.emit({ type: 'progress', callSid: data.sid, event, params, at: now });
  }
}
