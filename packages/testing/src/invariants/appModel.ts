/**
 * A model of the scenario's simulated application: which answer each request of the timeline
 * received (responses served in turn per `"<METHOD> <URL>"` key, the last one repeating, an
 * unlisted key answered 404), and whether a document fetch succeeded, redirected or failed
 * (spec 2). The fallback invariant needs this to know which fetches failed and when.
 */
import { classifyContent } from '@rcml/core';
import type { AppResponse, Scenario, TimelineEntry } from '@rcml/replay';

/** How one hop of a document fetch ended, and when (simulated seconds). */
export type HopOutcome =
  | { readonly kind: 'ok'; readonly at: number }
  | {
      readonly kind: 'redirect';
      readonly at: number;
      readonly location: string;
      readonly method: 'GET' | null;
    }
  | { readonly kind: 'failed'; readonly at: number; readonly reason: string };

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
const MAX_BYTES = 65_536;

/** The URL without its query and fragment, as the simulated application matches keys. */
function stripQuery(url: string): string {
  const i = url.search(/[?#]/);
  return i === -1 ? url : url.slice(0, i);
}

/** The answer given to each request entry of the timeline (by index), in issue order. */
export function answersOf(scenario: Scenario, timeline: readonly TimelineEntry[]): Map<number, AppResponse> {
  const served = new Map<string, number>();
  const out = new Map<number, AppResponse>();
  timeline.forEach((entry, index) => {
    if (entry.kind === 'media' || entry.kind === 'stream') return;
    const key = `${entry.method} ${stripQuery(entry.url)}`;
    const configured =
      scenario.app !== undefined && Object.hasOwn(scenario.app, key) ? scenario.app[key] : undefined;
    const count = served.get(key) ?? 0;
    served.set(key, count + 1);
    if (configured === undefined) {
      out.set(index, { status: 404 });
      return;
    }
    const list: readonly AppResponse[] = Array.isArray(configured) ? configured : [configured as AppResponse];
    out.set(index, list[Math.min(count, list.length - 1)] ?? { status: 404 });
  });
  return out;
}

/** The Location header, case-insensitively. */
function locationOf(response: AppResponse): string | undefined {
  if ('error' in response) return undefined;
  for (const [name, value] of Object.entries(response.headers ?? {})) {
    if (name.toLowerCase() === 'location') return value;
  }
  return undefined;
}

/** Decisions already made, by content type and body (generated bodies repeat a lot). */
const decided = new Map<string, boolean>();
const MAX_DECIDED = 2000;

/** Whether a 2xx body is a document the engine can run (or speak, or play). */
function bodyRuns(type: string, body: string): boolean {
  const key = `${type}\n${body}`;
  const known = decided.get(key);
  if (known !== undefined) return known;
  const runs = decide(type, body);
  if (decided.size >= MAX_DECIDED) decided.clear();
  decided.set(key, runs);
  return runs;
}

function decide(type: string, body: string): boolean {
  if (Buffer.byteLength(body, 'utf8') > MAX_BYTES) return false;
  try {
    const decision = classifyContent(type, body);
    if (decision.kind === 'failure') return false;
    if (decision.kind === 'rcml') return decision.result.ok;
    return true;
  } catch {
    // The classifier is not available: judge by HTTP alone.
    return true;
  }
}

/** How a fetch hop issued at `at` with URL `url` ended, given the app's answer. */
export function hopOutcome(response: AppResponse, at: number, url: string, fetchTimeout: number): HopOutcome {
  if ('error' in response) {
    return response.error === 'connect'
      ? { kind: 'failed', at, reason: 'connection refused' }
      : { kind: 'failed', at: at + fetchTimeout, reason: 'no answer (fetch timeout)' };
  }
  const delay = response.delay ?? 0;
  // An answer due at the very instant of the timeout may go either way: do not judge it.
  if (Math.abs(delay - fetchTimeout) < 0.0005) return { kind: 'ok', at: at + delay };
  if (delay >= fetchTimeout)
    return { kind: 'failed', at: at + fetchTimeout, reason: 'answer after the fetch timeout' };
  const done = at + delay;
  const status = response.status ?? 200;
  if (REDIRECT_STATUSES.has(status)) {
    const location = locationOf(response);
    if (location === undefined)
      return { kind: 'failed', at: done, reason: `HTTP ${status} without Location` };
    let resolved: string;
    try {
      resolved = new URL(location, url).href;
    } catch {
      return { kind: 'failed', at: done, reason: `HTTP ${status} with a bad Location` };
    }
    return { kind: 'redirect', at: done, location: resolved, method: status === 303 ? 'GET' : null };
  }
  if (status < 200 || status > 299) return { kind: 'failed', at: done, reason: `HTTP ${status}` };
  if (!bodyRuns(response.type ?? 'text/xml', response.body ?? '')) {
    return { kind: 'failed', at: done, reason: 'a document that cannot be run' };
  }
  return { kind: 'ok', at: done };
}
