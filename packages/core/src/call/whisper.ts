/**
 * The document a `<Number>`/`<Client>`/`<Sip>` `url` plays to the answered party before the
 * bridge (spec 4.6). It runs on the leg's channel with a scope of its own: only the media
 * verbs `Say`, `Play` and `Pause` make sense there; anything else is skipped with a warning.
 */
import type { HttpMethod } from '../document/ast.js';
import type { EngineLimits } from '../engine/types.js';
import type { ErrorCode } from '../errors.js';
import { fetchDocument } from '../fetch/fetchDocument.js';
import type { CallIdentity } from '../fetch/params.js';
import { resolveUrl } from '../fetch/url.js';
import type { Channel, Clock, DriverCapabilities, TimerId } from '../ports.js';
import { executePause } from '../verbs/pause.js';
import { executePlay } from '../verbs/play.js';
import { executeSay } from '../verbs/say.js';
import type { DialLegHandle, MediaListener, VerbScope } from '../verbs/types.js';
import { ABORTED, childController, isAborted } from './abort.js';
import type { CallContext } from './context.js';

export interface WhisperRequest {
  readonly leg: DialLegHandle;
  readonly channel: Channel;
  readonly url: string;
  readonly method: HttpMethod;
  readonly signal: AbortSignal;
  readonly accountSid: string;
}

/** Fetch and play the whisper document; failures are notices (the bridge still happens). */
export async function playWhisper(ctx: CallContext, request: WhisperRequest): Promise<void> {
  const { leg, signal } = request;
  const link = childController(signal);
  try {
    const result = await fetchDocument(
      ctx.fetch,
      {
        url: request.url,
        method: request.method,
        params: leg.params(),
        callSid: leg.sid,
        accountSid: request.accountSid,
      },
      link.controller,
    );
    if (!result.ok) {
      ctx.notice(
        leg.sid,
        result.code,
        `Dial: the document for leg ${leg.sid} failed: ${result.message}`,
        'error',
      );
      return;
    }
    const scope = new LegScope(ctx, request, result.url);
    for (const verb of result.document.verbs) {
      if (signal.aborted) throw ABORTED;
      if (verb.kind === 'Say') await executeSay(verb, scope);
      else if (verb.kind === 'Play') await executePlay(verb, scope);
      else if (verb.kind === 'Pause') await executePause(verb, scope);
      else scope.notice(13201, `Dial: <${verb.kind}> is not played to a dialled party; skipped`, 'warning');
    }
  } catch (error) {
    if (signal.aborted || !isAborted(error)) throw error;
  } finally {
    link.dispose();
  }
}

/** What a whisper verb sees: the leg's channel, already answered, nothing to listen to. */
class LegScope implements VerbScope {
  readonly clock: Clock;
  readonly channel: Channel;
  readonly capabilities: DriverCapabilities;
  readonly signal: AbortSignal;
  readonly call: CallIdentity;
  readonly limits: EngineLimits;
  readonly answered = true;
  readonly hungUp = false;
  readonly voiceActive = false;

  constructor(
    private readonly ctx: CallContext,
    private readonly request: WhisperRequest,
    readonly documentUrl: string,
  ) {
    this.clock = ctx.clock;
    this.channel = request.channel;
    this.capabilities = ctx.driver.capabilities;
    this.signal = request.signal;
    this.limits = ctx.limits;
    const params = request.leg.params();
    this.call = {
      sid: request.leg.sid,
      accountSid: request.accountSid,
      from: params.From ?? '',
      to: params.To ?? '',
      apiVersion: params.ApiVersion ?? '',
      direction: 'outbound-dial',
      parentCallSid: params.ParentCallSid ?? null,
      callerName: null,
      forwardedFrom: null,
      status: 'in-progress',
      answeredBy: null,
      voicemailDetector: null,
    };
  }

  async answer(): Promise<void> {}
  listen(_listener: MediaListener): void {}
  notice(code: ErrorCode, message: string, level: 'warning' | 'error' = 'error'): void {
    this.ctx.notice(this.request.leg.sid, code, message, level);
  }
  resolveUrl(reference: string): string | null {
    return resolveUrl(reference, this.documentUrl);
  }
  nextSid(prefix: 'CA' | 'RE' | 'SM'): string {
    return this.ctx.ids.next(prefix);
  }
  notify(): void {}
  async sendSms(): Promise<'sent' | 'failed'> {
    return 'failed';
  }
  createLeg(): DialLegHandle {
    throw new Error('a whisper document cannot dial');
  }
  whisper(): Promise<void> {
    return Promise.resolve();
  }
  setTimer(fn: () => void, ms: number): TimerId {
    return this.clock.setTimeout(fn, ms);
  }
  clearTimer(id: TimerId): void {
    this.clock.clearTimeout(id);
  }
}
