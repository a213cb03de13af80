/**
 * The documents a call runs, one after the other: fetch (with fallback), run the verbs,
 * follow the verb that hands control to a new document, take live changes, and end the call
 * the way spec sections 2 and 4 say. Plain async code under AbortSignals: one step (a fetch or
 * a verb) runs at a time and `session.step` aborts it.
 */
import type { HttpMethod, Verb } from '../document/ast.js';
import type { InlineDocument } from '../document/inline.js';
import type { ErrorCode } from '../errors.js';
import { type FetchResult, fetchDocument } from '../fetch/fetchDocument.js';
import { callParams } from '../fetch/params.js';
import { executeVerb } from '../verbs/index.js';
import { NEXT, type VerbOutcome } from '../verbs/types.js';
import { isAborted } from './abort.js';
import { takeFetchSlot } from './fetchSlots.js';
import type { CallSession } from './session.js';
import { SessionScope } from './sessionScope.js';

/** A document to fetch next. */
export interface DocumentTarget {
  /** Absolute http(s) URL, or null when the reference could not be resolved. */
  readonly url: string | null;
  /** The reference as written (for messages, and `ErrorUrl`). */
  readonly written: string;
  readonly method: HttpMethod;
  /** Verb parameters added after the call's own. */
  readonly params: Readonly<Record<string, string>>;
  /** Only the call's `Url` and a live-change `Url` have a fallback. */
  readonly fallbackUrl: string | null;
  readonly fallbackMethod: HttpMethod;
  /** An inline document (`Twiml`, spec 9.2) run instead of fetching: no request, no fallback. */
  readonly inline?: InlineDocument;
}

/** The base of an inline document without one: absolute references only (checked on parse). */
const NO_BASE = 'about:blank';

/** How the document loop ended. */
type LoopEnd = 'done' | 'hangup' | 'failure' | 'busy' | 'no-answer' | 'interrupted';

/** Run documents until the call ends, then end it (hang-up op, final state, `completed`). */
export function runDocuments(session: CallSession, first: DocumentTarget): Promise<void> {
  return loop(session, first).then((end) => conclude(session, end));
}

async function loop(session: CallSession, first: DocumentTarget): Promise<LoopEnd> {
  let target: DocumentTarget | null = first;
  while (target !== null) {
    const loaded = await load(session, target);
    if (loaded === null) {
      target = takeRedirect(session);
      continue;
    }
    if (!loaded.ok) return 'failure';
    const next = await runVerbs(session, loaded);
    if (typeof next === 'string') return next;
    target = next;
  }
  return 'interrupted';
}

function interrupted(session: CallSession): boolean {
  return session.hungUp || session.endRequest !== null || session.redirect !== null;
}

function takeRedirect(session: CallSession): DocumentTarget | null {
  if (session.hungUp || session.endRequest !== null) return null;
  const next = session.redirect;
  session.redirect = null;
  return next;
}

/** Fetch a document, then its fallback when it has one. Null when interrupted. */
async function load(
  session: CallSession,
  target: DocumentTarget,
): Promise<Extract<FetchResult, { ok: true }> | { ok: false } | null> {
  if (interrupted(session)) return null;
  const inline = target.inline;
  if (inline !== undefined) {
    return { ok: true, document: inline.document, url: inline.baseUrl ?? NO_BASE, warnings: inline.warnings };
  }
  const first = await fetchOnce(session, target.url, target.written, target.method, target.params);
  if (first === null) return null;
  if (first.ok) return first;
  notice(session, first.code, first.message);
  if (target.fallbackUrl === null || first.code === 14100) return { ok: false };
  const fallback = await fetchOnce(session, target.fallbackUrl, target.fallbackUrl, target.fallbackMethod, {
    ErrorCode: String(first.code),
    ErrorUrl: target.url ?? target.written,
  });
  if (fallback === null) return null;
  if (fallback.ok) return fallback;
  notice(session, fallback.code, fallback.message);
  return { ok: false };
}

async function fetchOnce(
  session: CallSession,
  url: string | null,
  written: string,
  method: HttpMethod,
  extra: Readonly<Record<string, string>>,
): Promise<FetchResult | null> {
  const { ctx, data } = session;
  if (url === null) return { ok: false, code: 11200, message: `"${written}" is not an http(s) URL` };
  if (!takeFetchSlot(session.fetchTimes, ctx.clock.now(), ctx.limits.maxFetchesPerMinute)) {
    return {
      ok: false,
      code: 14100,
      message: `more than ${ctx.limits.maxFetchesPerMinute} document fetches in a minute; the call ends`,
    };
  }
  const step = session.beginStep();
  try {
    const params = callParams(data);
    for (const key in extra) params[key] = extra[key]!;
    return await fetchDocument(
      ctx.fetch,
      { url, method, params, callSid: data.sid, accountSid: data.accountSid },
      step,
    );
  } catch (error) {
    if (isAborted(error)) return null;
    throw error;
  } finally {
    session.endStep(step);
  }
}

async function runVerbs(
  session: CallSession,
  loaded: Extract<FetchResult, { ok: true }>,
): Promise<LoopEnd | DocumentTarget> {
  const { ctx, data } = session;
  for (const warning of loaded.warnings) notice(session, warning.code, warning.message, 'warning');
  for (const verb of loaded.document.verbs) {
    if (interrupted(session)) return takeRedirect(session) ?? 'interrupted';
    const step = session.beginStep();
    const scope = new SessionScope(session, step.signal, loaded.url);
    if (ctx.hasListeners()) trace(session, 'start', verb);
    let outcome: VerbOutcome;
    try {
      outcome = await executeVerb(verb, scope);
    } catch (error) {
      if (!isAborted(error)) {
        notice(session, 14103, `${verb.kind}: the media driver failed: ${describe(error)}`);
      }
      outcome = NEXT;
    } finally {
      session.listener = null;
      session.endStep(step);
      if (ctx.hasListeners()) trace(session, 'end', verb);
    }
    if (session.redirect !== null && !session.hungUp && session.endRequest === null) {
      return takeRedirect(session)!;
    }
    switch (outcome.kind) {
      case 'next':
        continue;
      case 'hangup':
        return 'hangup';
      case 'rejected':
        return outcome.status === 'busy' ? 'busy' : 'no-answer';
      case 'fetch':
        if (session.hungUp) {
          await requestAfterHangup(session, outcome);
          return 'interrupted';
        }
        if (session.endRequest !== null) return 'interrupted';
        return {
          url: outcome.url,
          written: outcome.written,
          method: outcome.method,
          params: outcome.params,
          fallbackUrl: null,
          fallbackMethod: 'POST',
        };
    }
  }
  void data;
  return 'done';
}

/**
 * A `<Record>`/`<Dial>` action after the caller hung up: still requested (with
 * `CallStatus=completed`, before the `completed` callback), its answer not run.
 */
async function requestAfterHangup(session: CallSession, outcome: Extract<VerbOutcome, { kind: 'fetch' }>) {
  if (outcome.url === null) return;
  const { ctx, data } = session;
  const params = callParams(data);
  for (const key in outcome.params) params[key] = outcome.params[key]!;
  try {
    await fetchDocument(
      ctx.fetch,
      { url: outcome.url, method: outcome.method, params, callSid: data.sid, accountSid: data.accountSid },
      new AbortController(),
    );
  } catch {
    // Its answer is not run, whatever it is.
  }
}

/** End the call: the engine's `hangup` op when it ends the call itself, then the final state. */
function conclude(session: CallSession, end: LoopEnd): void {
  if (session.hungUp) {
    session.finalize();
    return;
  }
  if (session.endRequest !== null) {
    session.hangupChannel();
    session.send({ type: session.answered ? 'COMPLETE' : 'CANCEL' });
    session.finalize();
    return;
  }
  switch (end) {
    case 'busy':
      session.send({ type: 'BUSY' });
      break;
    case 'no-answer':
      session.send({ type: 'NO_ANSWER' });
      break;
    case 'failure':
      session.hangupChannel();
      session.send({ type: 'FAIL' });
      break;
    default:
      session.hangupChannel();
      session.send({ type: 'COMPLETE' });
  }
  session.finalize();
}

function notice(
  session: CallSession,
  code: ErrorCode,
  message: string,
  level: 'warning' | 'error' = 'error',
) {
  session.ctx.notice(session.data.sid, code, message, level);
}

function trace(session: CallSession, phase: 'start' | 'end', verb: Verb): void {
  const { ctx, data } = session;
  const detail = { path: verb.position.path };
  ctx.emit({ type: 'verb', phase, callSid: data.sid, verb: verb.kind, detail, at: ctx.clock.now() });
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
