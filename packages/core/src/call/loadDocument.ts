/**
 * A verb's own document fetch (`VerbScope.load`): the call's request parameters (spec 2) plus
 * the verb's, through the engine's fetch and the call's fetch-rate limit, without running it.
 */
import { fetchDocument } from '../fetch/fetchDocument.js';
import { callParams } from '../fetch/params.js';
import type { DocumentLoad, LoadedDocument } from '../verbs/types.js';
import { childController } from './abort.js';
import { takeFetchSlot } from './fetchSlots.js';
import type { CallSession } from './session.js';

/** Fetch `request` for the call of `session`; rejects with the abandonment marker when `signal` fires. */
export async function loadDocument(
  session: CallSession,
  request: DocumentLoad,
  signal: AbortSignal,
): Promise<LoadedDocument> {
  const { ctx, data } = session;
  if (!takeFetchSlot(session.fetchTimes, ctx.clock.now(), ctx.limits.maxFetchesPerMinute)) {
    return {
      ok: false,
      code: 14100,
      message: `more than ${ctx.limits.maxFetchesPerMinute} document fetches in a minute`,
    };
  }
  const link = childController(signal);
  try {
    const params = callParams(data);
    for (const key in request.params) params[key] = request.params[key]!;
    const loaded = await fetchDocument(
      ctx.fetch,
      { url: request.url, method: request.method, params, callSid: data.sid, accountSid: data.accountSid },
      link.controller,
    );
    if (!loaded.ok) return loaded;
    return { ok: true, url: loaded.url, verbs: loaded.document.verbs, warnings: loaded.warnings };
  } finally {
    link.dispose();
  }
}
