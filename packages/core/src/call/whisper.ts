/**
 * Whisper documents (spec 4.6): the documents a `<Number>`/`<Client>`/`<Sip>` `url` runs on
 * the answered leg before it is bridged — TwiML's call-screening pattern. They may use `Say`,
 * `Play`, `Pause`, `Gather`, `Hangup` and `Redirect` (any other verb fails that document,
 * 12200); a `Gather` action or a `Redirect` fetches the leg's next document with the leg's
 * own parameters. When the documents run out the leg accepts (the dial bridges it); a
 * `<Hangup>` or a failure to fetch or run one of them declines. The engine's own fetch
 * (`fetchDocument`), verb modules (`executeVerb`) and fetch-rate limit run them; what the
 * call's document runner adds (fallback, live changes, requests after hang-up) has no place on
 * a leg.
 */

import type { HttpMethod, Verb } from '../document/ast.js';
import type { EngineLimits } from '../engine/types.js';
import type { ErrorCode } from '../errors.js';
import { fetchDocument } from '../fetch/fetchDocument.js';
import type { CallIdentity } from '../fetch/params.js';
import { resolveUrl } from '../fetch/url.js';
import type { Channel, Clock, DriverCapabilities, TimerId } from '../ports.js';
import type { RecordingMade } from '../recordings/recordings.js';
import { executeVerb } from '../verbs/index.js';
import type {
  DialLegHandle,
  MediaListener,
  VerbOutcome,
  VerbScope,
  WhisperResult,
  WhisperStart,
} from '../verbs/types.js';
import { ABORTED, childController, isAborted } from './abort.js';
import type { CallContext } from './context.js';
import { takeFetchSlot } from './fetchSlots.js';

/** The verbs a whisper document may use (spec 4.6); any other fails that document (12200). */
export const WHISPER_VERBS: ReadonlySet<Verb['kind']> = new Set<Verb['kind']>([
  'Say',
  'Play',
  'Pause',
  'Gather',
  'Hangup',
  'Redirect',
]);

/** A whisper to run: the dial's request and the parent's `AccountSid`. */
export interface WhisperRequest extends WhisperStart {
  readonly accountSid: string;
}

/** Where the leg's next document comes from. */
interface LegTarget {
  readonly url: string;
  readonly method: HttpMethod;
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Run the leg's documents until they run out (`accepted`) or the leg declines. Problems are
 * notices on the leg's SID. Rejects with `ABORTED` when `request.signal` fires.
 */
export async function runWhisper(ctx: CallContext, request: WhisperRequest): Promise<WhisperResult> {
  const { leg, signal } = request;
  // Stryker disable next-line ArrayDeclaration: a non-number first entry compares as NaN, so it is shifted out when the list fills, where a fresh list still has room: same verdicts
  const fetchTimes: number[] = [];
  let target: LegTarget = { url: request.url, method: request.method, params: {} };
  for (;;) {
    if (signal.aborted) throw ABORTED;
    const loaded = await fetchLegDocument(ctx, request, target, fetchTimes);
    if (!loaded.ok) {
      ctx.notice(leg.sid, loaded.code, `Dial: leg ${leg.sid} declines: ${loaded.message}`, 'error');
      // Stryker disable next-line StringLiteral: the dial only tests the result for 'accepted'
      return 'declined';
    }
    for (const warning of loaded.warnings) ctx.notice(leg.sid, warning.code, warning.message, 'warning');
    const refused = loaded.document.verbs.find((verb) => !WHISPER_VERBS.has(verb.kind));
    if (refused !== undefined) {
      const line = refused.position.line === undefined ? '' : ` (line ${refused.position.line})`;
      ctx.notice(
        leg.sid,
        12200,
        `Dial: <${refused.kind}>${line} may not stand in the document of a dialled party ` +
          `(${loaded.url}); only Say, Play, Pause, Gather, Hangup and Redirect. Leg ${leg.sid} declines`,
        'error',
      );
      // Stryker disable next-line StringLiteral: the dial only tests the result for 'accepted'
      return 'declined';
    }
    const outcome = await runLegVerbs(ctx, request, loaded.url, loaded.document.verbs);
    if (outcome === 'failed') {
      // Stryker disable next-line StringLiteral: the dial only tests the result for 'accepted'
      return 'declined';
    }
    switch (outcome.kind) {
      case 'next':
        return 'accepted';
      case 'hangup':
      // Stryker disable next-line StringLiteral: only <Reject> ends with 'rejected', and a leg's document cannot hold it (12200 above)
      case 'rejected':
        // Stryker disable next-line StringLiteral: the dial only tests the result for 'accepted'
        return 'declined';
      case 'fetch':
        if (outcome.url === null) {
          ctx.notice(
            leg.sid,
            11200,
            `Dial: leg ${leg.sid} declines: "${outcome.written}" is not an http(s) URL`,
            'error',
          );
          // Stryker disable next-line StringLiteral: the dial only tests the result for 'accepted'
          return 'declined';
        }
        target = { url: outcome.url, method: outcome.method, params: outcome.params };
    }
  }
}

async function fetchLegDocument(
  ctx: CallContext,
  request: WhisperRequest,
  target: LegTarget,
  fetchTimes: number[],
) {
  const { leg } = request;
  if (!takeFetchSlot(fetchTimes, ctx.clock.now(), ctx.limits.maxFetchesPerMinute)) {
    return {
      ok: false as const,
      code: 14100 as const,
      message: `more than ${ctx.limits.maxFetchesPerMinute} document fetches in a minute`,
    };
  }
  const link = childController(request.signal);
  try {
    const params = leg.params();
    for (const key in target.params) params[key] = target.params[key]!;
    return await fetchDocument(
      ctx.fetch,
      { url: target.url, method: target.method, params, callSid: leg.sid, accountSid: request.accountSid },
      link.controller,
    );
  } finally {
    link.dispose();
  }
}

/** Run one document's verbs; the outcome of the last one run, or `failed` (driver error). */
async function runLegVerbs(
  ctx: CallContext,
  request: WhisperRequest,
  documentUrl: string,
  verbs: readonly Verb[],
): Promise<VerbOutcome | 'failed'> {
  const { leg, signal } = request;
  for (const verb of verbs) {
    if (signal.aborted) throw ABORTED;
    const step = childController(signal);
    const scope = new LegScope(ctx, request, step.controller.signal, documentUrl);
    if (ctx.hasListeners()) trace(ctx, leg.sid, 'start', verb);
    let outcome: VerbOutcome;
    try {
      outcome = await executeVerb(verb, scope);
    } catch (error) {
      // Stryker disable next-line LogicalOperator: every verb awaits the driver through untilAborted on a child of this signal: the error is ABORTED exactly when the signal fired
      if (signal.aborted || isAborted(error)) throw ABORTED;
      const reason = error instanceof Error ? error.message : String(error);
      ctx.notice(
        leg.sid,
        14103,
        `${verb.kind}: the media driver failed on leg ${leg.sid}: ${reason}`,
        'error',
      );
      return 'failed';
    } finally {
      request.events.listen(null);
      step.dispose();
      if (ctx.hasListeners()) trace(ctx, leg.sid, 'end', verb);
    }
    if (outcome.kind !== 'next') return outcome;
  }
  return { kind: 'next' };
}

function trace(ctx: CallContext, callSid: string, phase: 'start' | 'end', verb: Verb): void {
  const detail = { path: verb.position.path };
  ctx.emit({ type: 'verb', phase, callSid, verb: verb.kind, detail, at: ctx.clock.now() });
}

/** What a whisper verb sees: the leg's channel, already answered, the leg's identity. */
class LegScope implements VerbScope {
  readonly clock: Clock;
  readonly channel: Channel;
  readonly capabilities: DriverCapabilities;
  readonly call: CallIdentity;
  readonly limits: EngineLimits;
  // Stryker disable next-line BooleanLiteral: only <Reject> reads it, and a leg's document cannot hold <Reject>
  readonly answered = true;
  /** A leg that hung up stops its whisper through the signal; a verb never sees it. */
  // Stryker disable next-line BooleanLiteral: only <Record> and <Enqueue> read it, and a leg's document cannot hold them
  readonly hungUp = false;

  constructor(
    private readonly ctx: CallContext,
    private readonly request: WhisperRequest,
    readonly signal: AbortSignal,
    readonly documentUrl: string,
  ) {
    this.clock = ctx.clock;
    this.channel = request.channel;
    this.capabilities = ctx.driver.capabilities;
    this.limits = ctx.limits;
    const params = request.leg.params();
    this.call = {
      sid: request.leg.sid,
      accountSid: request.accountSid,
      // Stryker disable next-line StringLiteral: the leg's parameters (callParams) always have From
      from: params.From ?? '',
      // Stryker disable next-line StringLiteral: the leg's parameters (callParams) always have To
      to: params.To ?? '',
      // Stryker disable next-line StringLiteral: the leg's parameters (callParams) always have ApiVersion
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

  get voiceActive(): boolean {
    return this.request.events.voiceActive;
  }

  async answer(): Promise<void> {}
  listen(listener: MediaListener): void {
    this.request.events.listen(listener);
  }
  notice(code: ErrorCode, message: string, level: 'warning' | 'error' = 'error'): void {
    this.ctx.notice(this.request.leg.sid, code, message, level);
  }
  resolveUrl(reference: string): string | null {
    return resolveUrl(reference, this.documentUrl);
  }
  /** On the leg's own queue (a whisper Gather's `partialResultCallback`). */
  notify(url: string, method: HttpMethod, params: Readonly<Record<string, string>>): void {
    this.request.leg.notify(url, method, params);
  }
  // Stryker disable all: none of the verbs a leg's document may hold (WHISPER_VERBS) makes SIDs, records, sends SMS or dials; these complete the VerbScope
  nextSid(prefix: 'CA' | 'RE' | 'SM' | 'MZ'): string {
    return this.ctx.ids.next(prefix);
  }
  /** A whisper cannot record (`<Record>` is refused in whisper documents); registered all the same. */
  recorded(recording: Omit<RecordingMade, 'accountSid' | 'callSid'>): string {
    return this.ctx.recordingMade({ ...recording, accountSid: this.call.accountSid, callSid: this.call.sid });
  }
  async sendSms(): Promise<'sent' | 'failed'> {
    return 'failed';
  }
  createLeg(): DialLegHandle {
    throw new Error('a whisper document cannot dial');
  }
  whisper(): Promise<WhisperResult> {
    return Promise.resolve('accepted');
  }
  // Stryker restore all
  setTimer(fn: () => void, ms: number): TimerId {
    return this.clock.setTimeout(fn, ms);
  }
  clearTimer(id: TimerId): void {
    this.clock.clearTimeout(id);
  }
}
