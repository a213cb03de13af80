/**
 * The steps the call machine starts (callMachine.ts): fetching a document (with its fallback,
 * or taking an inline one), playing `SendDigits`, running a verb (its module under verbs/),
 * and the request made after a hang-up. Each settles with one event back to the machine. The
 * records they keep (the document and the running verb's position, the next target, fetch
 * times, the running verb's progress) are what `persist` saves.
 */
import type { HttpMethod, Verb } from '../document/ast.js';
import { type FetchResult, fetchDocument } from '../fetch/fetchDocument.js';
import { callParams } from '../fetch/params.js';
import { executeVerb } from '../verbs/index.js';
import { NEXT, type VerbOutcome } from '../verbs/types.js';
import { ABORTED, isAborted, untilAborted } from './abort.js';
import type { CallEvent, LoadedDocument } from './callMachine.js';
import type { DocumentTarget } from './callRuntime.js';
import { takeFetchSlot } from './fetchSlots.js';
import type { VerbProgress } from './persisted.js';
import type { CallSession } from './session.js';
import { SessionScope } from './sessionScope.js';
import { isVerbBug } from './verbErrors.js';

/** The base of an inline document without one: absolute references only (checked on parse). */
const NO_BASE = 'about:blank';

/** A verb ended with `next` (one shared event: the most frequent one). */
const NEXT_DONE: CallEvent = { type: 'VERB.DONE', outcome: NEXT };

/** One call's steps and the records they keep. */
export class CallSteps {
  /** Aborts the running step (a fetch or a verb). */
  step: AbortController | null = null;
  /** The document to fetch next (the call's `Url`, an action, a live change). */
  next: DocumentTarget | null = null;
  /** The document being run, and the position of the running verb in it. */
  document: LoadedDocument | null = null;
  index = 0;
  /** The code of the failed fetch that the fallback answers. */
  failedCode: number | null = null;
  /** `SendDigits` still to play before the first fetch. */
  digits: string | null;
  /** Document fetch times within the last minute (spec 8). */
  readonly fetchTimes: number[] = [];
  /** The running verb's own progress (`VerbScope.progress`), kept for `persist`. */
  verbProgress: VerbProgress | null = null;
  /** A restored call: the progress its first verb resumes from. */
  resumeProgress: VerbProgress | null = null;
  /** No step has started yet: the first one waits for the end of the transition (`begin`). */
  private first = true;

  constructor(private readonly session: CallSession) {
    this.digits = session.settings.sendDigits ?? null;
  }

  /**
   * `SendDigits` is never empty (a blank value is no value, validateAnswerOptions.ts), and the
   * session starts with a channel attached (outbound on its answer, inbound before `ARRIVE`).
   */
  hasDigitsToSend(): boolean {
    return this.digits !== null;
  }

  hasFallback(event: CallEvent): boolean {
    const next = this.next;
    return (
      event.type === 'FETCH.FAILED' &&
      event.code !== 14100 &&
      event.code !== 14120 &&
      next !== null &&
      next.fallbackUrl !== null
    );
  }

  hasNextVerb(): boolean {
    return this.document !== null && this.index + 1 < this.document.document.verbs.length;
  }

  takeTarget(event: CallEvent): void {
    if (event.type === 'REDIRECT') {
      this.next = event.target;
      // A live change before the first fetch: the keys of `SendDigits` are not played.
      this.digits = null;
    } else if (event.type === 'VERB.DONE' && event.outcome.kind === 'fetch') {
      const { outcome } = event;
      this.next = {
        url: outcome.url,
        written: outcome.written,
        method: outcome.method,
        params: outcome.params,
        fallbackUrl: null,
        // Stryker disable next-line StringLiteral: without a fallback URL its method is never used
        fallbackMethod: 'POST',
      };
    }
  }

  startSendDigits(): void {
    const channel = this.session.channel!;
    const digits = this.digits!;
    this.digits = null;
    this.begin((step) => {
      untilAborted(channel.sendDigits({ digits }, step.signal), step.signal).then(
        () => this.settle(step, { type: 'DIGITS.DONE' }),
        (error: unknown) => {
          if (!isAborted(error))
            this.session.notice(14103, `SendDigits: the media driver failed: ${String(error)}`);
          this.settle(step, isAborted(error) ? { type: 'STEP.ABORTED' } : { type: 'DIGITS.DONE' });
        },
      );
    });
  }

  startFetch(): void {
    const target = this.next ?? this.initialTarget();
    this.next = target;
    const inline = target.inline;
    if (inline !== undefined) {
      const loaded = {
        ok: true,
        document: inline.document,
        url: inline.baseUrl ?? NO_BASE,
        warnings: inline.warnings,
      } as const;
      this.begin((step) => {
        Promise.resolve().then(() =>
          step.signal.aborted ? this.settle(step, { type: 'STEP.ABORTED' }) : this.fetched(step, loaded),
        );
      });
      return;
    }
    this.fetchOnce(target.url, target.written, target.method, target.params);
  }

  startFallback(event: CallEvent): void {
    const target = this.next!;
    const code = event.type === 'FETCH.FAILED' ? event.code : 0;
    this.failedCode = code;
    // The machine falls back only to a target that has a fallback (`hasFallback`).
    const fallbackUrl = target.fallbackUrl!;
    this.fetchOnce(fallbackUrl, fallbackUrl, target.fallbackMethod, {
      ErrorCode: String(code),
      // Stryker disable next-line LogicalOperator: a target with a fallback (the call's Url, a live change's) has a url, written as it is
      ErrorUrl: target.url ?? target.written,
    });
  }

  loadDocument(event: CallEvent): void {
    if (event.type !== 'FETCH.DONE') return;
    this.document = event.loaded;
    this.index = 0;
    for (const warning of event.loaded.warnings)
      this.session.notice(warning.code, warning.message, 'warning');
  }

  startVerb(): void {
    const loaded = this.document!;
    const verb = loaded.document.verbs[this.index]!;
    const step = this.beginStep();
    const resumed = this.resumeProgress;
    this.resumeProgress = null;
    const scope = new SessionScope(this.session, step.signal, loaded.url, resumed);
    const { ctx } = this.session;
    if (ctx.hasListeners()) this.trace('start', verb);
    let running: Promise<VerbOutcome>;
    try {
      running = executeVerb(verb, scope);
    } catch (error) {
      running = Promise.reject(error);
    }
    running.then(
      (outcome) => this.verbEnded(step, verb, outcome === NEXT ? NEXT_DONE : { type: 'VERB.DONE', outcome }),
      (error: unknown) => {
        if (isAborted(error)) return this.verbEnded(step, verb, { type: 'STEP.ABORTED' });
        if (isVerbBug(error)) {
          ctx.logger.error('verb failed', { callSid: this.session.data.sid, verb: verb.kind, error });
          this.session.notice(
            14120,
            `${verb.kind}: the engine failed running the verb; the call ends: ${describe(error)}`,
          );
          return this.verbEnded(step, verb, { type: 'VERB.FAILED' });
        }
        this.session.notice(14103, `${verb.kind}: the media driver failed: ${describe(error)}`);
        this.verbEnded(step, verb, NEXT_DONE);
      },
    );
  }

  advance(): void {
    this.index += 1;
  }

  abortStep(): void {
    // Stryker disable next-line OptionalChaining: the machine aborts only while a step runs (a restored call starts its step before its channel is heard)
    this.step?.abort(ABORTED);
  }

  /**
   * A `<Record>`/`<Dial>` action after the caller hung up: still requested (with
   * `CallStatus=completed`, before the `completed` callback), its answer not run.
   */
  requestAfterHangup(event: CallEvent): void {
    const outcome = event.type === 'VERB.DONE' ? event.outcome : null;
    if (outcome === null || outcome.kind !== 'fetch' || outcome.url === null) {
      queueMicrotask(() => this.session.actor.send({ type: 'REQUEST.DONE' }));
      return;
    }
    const { ctx, data } = this.session;
    const params = callParams(data);
    for (const key in outcome.params) params[key] = outcome.params[key]!;
    const done = () => this.session.actor.send({ type: 'REQUEST.DONE' });
    fetchDocument(
      ctx.fetch,
      { url: outcome.url, method: outcome.method, params, callSid: data.sid, accountSid: data.accountSid },
      new AbortController(),
    ).then(done, done);
  }

  private initialTarget(): DocumentTarget {
    const s = this.session.settings;
    return {
      url: s.url,
      written: s.url,
      method: s.method,
      params: {},
      fallbackUrl: s.fallbackUrl,
      fallbackMethod: s.fallbackMethod,
      ...(s.inline === undefined || s.inline === null ? {} : { inline: s.inline }),
    };
  }

  /** The controller of a new step (a spare one from the engine when there is one). */
  /**
   * Start a step under a new controller. The call's first step starts in a microtask, once
   * the transition that began the session is over (`create` and `inbound` return first); an
   * interruption before then aborts it without a request or a media operation.
   */
  private begin(run: (step: AbortController) => void): void {
    const step = this.beginStep();
    if (!this.first) {
      run(step);
      return;
    }
    this.first = false;
    queueMicrotask(() => {
      if (step.signal.aborted) this.settle(step, { type: 'STEP.ABORTED' });
      else run(step);
    });
  }

  private beginStep(): AbortController {
    const step = this.session.ctx.controllers.take();
    this.step = step;
    return step;
  }

  /** The step settled: its controller goes back to the engine unless it fired; tell the machine. */
  private settle(step: AbortController, event: CallEvent): void {
    if (this.session.released) return;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a step settles while it is still the running one (none starts before the last settled), and clearing it or not changes nothing: only abortStep reads it, called only while a step runs
    if (this.step === step) this.step = null;
    this.session.ctx.controllers.give(step);
    this.session.actor.send(event);
  }

  private verbEnded(step: AbortController, verb: Verb, event: CallEvent): void {
    if (this.session.released) return;
    this.session.listener = null;
    this.verbProgress = null;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a step settles while it is still the running one (none starts before the last settled), and clearing it or not changes nothing: only abortStep reads it, called only while a step runs
    if (this.step === step) this.step = null;
    this.session.ctx.controllers.give(step);
    if (this.session.ctx.hasListeners()) this.trace('end', verb);
    // The machine's `VERB.DONE [nextVerb]` transition, taken without an event: it changes no
    // state, and an event per verb cost about a quarter of a call's engine CPU (docs/decisions.md).
    // Stryker disable next-line StringLiteral: a fast path; without it the machine's `nextVerb` transition does the same
    const next = event.type === 'VERB.DONE' && event.outcome.kind === 'next';
    if (next && this.hasNextVerb() && this.inVerb()) {
      this.advance();
      this.startVerb();
      return;
    }
    this.session.actor.send(event);
  }

  /** Whether the machine is running a verb (not stopping it, not after a hang-up). */
  // Stryker disable next-line BlockStatement: false only leaves the next verb to the machine's `nextVerb` transition, which does the same
  private inVerb(): boolean {
    const value = this.session.actor.getSnapshot().value as { readonly session?: unknown };
    // Stryker disable next-line StringLiteral: false only leaves the next verb to the machine's `nextVerb` transition, which does the same
    return value.session === 'verb';
  }

  private fetchOnce(
    url: string | null,
    written: string,
    method: HttpMethod,
    extra: Readonly<Record<string, string>>,
  ): void {
    this.begin((step) => this.request(step, url, written, method, extra));
  }

  private request(
    step: AbortController,
    url: string | null,
    written: string,
    method: HttpMethod,
    extra: Readonly<Record<string, string>>,
  ): void {
    const { ctx, data } = this.session;
    if (url === null) {
      this.failSoon(step, 11200, `"${written}" is not an http(s) URL`);
      return;
    }
    if (!takeFetchSlot(this.fetchTimes, ctx.clock.now(), ctx.limits.maxFetchesPerMinute)) {
      const max = ctx.limits.maxFetchesPerMinute;
      this.failSoon(step, 14100, `more than ${max} document fetches in a minute; the call ends`);
      return;
    }
    const params = callParams(data);
    for (const key in extra) params[key] = extra[key]!;
    fetchDocument(
      ctx.fetch,
      { url, method, params, callSid: data.sid, accountSid: data.accountSid },
      step,
    ).then(
      (result) => this.fetched(step, result),
      (error: unknown) => {
        if (isAborted(error)) return this.settle(step, { type: 'STEP.ABORTED' });
        // A bug in the fetch path: the call cannot have its document.
        ctx.logger.error('document fetch failed', { callSid: data.sid, error });
        this.fetched(step, {
          ok: false,
          code: 14120,
          message: `the engine failed fetching ${written}: ${describe(error)}`,
        });
      },
    );
  }

  private failSoon(step: AbortController, code: 11200 | 14100, message: string): void {
    Promise.resolve().then(() => this.fetched(step, { ok: false, code, message }));
  }

  private fetched(step: AbortController, result: FetchResult): void {
    if (result.ok) {
      this.settle(step, { type: 'FETCH.DONE', loaded: result });
      return;
    }
    this.session.notice(result.code, result.message);
    this.settle(step, { type: 'FETCH.FAILED', code: result.code });
  }

  private trace(phase: 'start' | 'end', verb: Verb): void {
    const { ctx, data } = this.session;
    const detail = { path: verb.position.path };
    ctx.emit({ type: 'verb', phase, callSid: data.sid, verb: verb.kind, detail, at: ctx.clock.now() });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
