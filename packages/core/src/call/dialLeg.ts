/**
 * A child leg of `<Dial>`: its own SID, `Direction=outbound-dial`, `ParentCallSid`, status
 * and progress events sent to its noun's `statusCallback` with its own `SequenceNumber`.
 */
import { CallbackQueue } from '../callbacks/callbackQueue.js';
import { ProgressReporter } from '../callbacks/progress.js';
import type { HttpMethod, ProgressEvent } from '../document/ast.js';
import type { CallStatus, FinalStatus } from '../engine/types.js';
import { callParams } from '../fetch/params.js';
import type { DialLegHandle, DialLegSpec } from '../verbs/types.js';
import { CallData } from './callData.js';
import type { CallContext } from './context.js';
import { reportProgress } from './reportProgress.js';

export class DialLeg implements DialLegHandle {
  readonly data: CallData;
  private readonly queue: CallbackQueue;
  private readonly reporter: ProgressReporter;

  constructor(
    private readonly ctx: CallContext,
    spec: DialLegSpec,
    parent: CallData,
  ) {
    this.data = new CallData({
      sid: spec.sid,
      accountSid: parent.accountSid,
      from: spec.from,
      to: spec.to,
      apiVersion: parent.apiVersion,
      direction: 'outbound-dial',
      parentCallSid: parent.sid,
      callerName: null,
      forwardedFrom: null,
      status: 'queued',
      now: ctx.clock.now(),
    });
    this.queue = new CallbackQueue(ctx.callbacks, spec.sid, parent.accountSid);
    this.reporter = new ProgressReporter(
      {
        url: spec.statusCallback,
        method: spec.statusCallbackMethod,
        events: new Set<ProgressEvent>(spec.statusCallbackEvent),
      },
      this.queue,
    );
    ctx.legCreated(this.data);
  }

  get sid(): string {
    return this.data.sid;
  }

  initiated(): void {
    this.step('initiated', 'initiated');
  }

  ringing(): void {
    this.step('ringing', 'ringing');
  }

  answered(): void {
    this.step('in-progress', 'answered');
  }

  end(status: FinalStatus): void {
    if (this.data.final) return;
    this.step(status, 'completed');
    this.ctx.callEnded(this.data, [this.queue], this.queue.idle ? null : this.queue.whenIdle());
  }

  params(): Record<string, string> {
    return callParams(this.data);
  }

  notify(url: string, method: HttpMethod, params: Readonly<Record<string, string>>): void {
    if (this.data.final) return;
    this.queue.enqueue(url, method, params);
  }

  private step(status: CallStatus, event: ProgressEvent): void {
    const { data, ctx } = this;
    if (data.final) return;
    const now = ctx.clock.now();
    data.setStatus(status, now);
    ctx.statusChanged(data);
    reportProgress(ctx, { data, reporter: this.reporter, event, now });
  }
}
