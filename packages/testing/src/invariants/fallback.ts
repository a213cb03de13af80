/**
 * Invariant (c): a failed fetch of the call's `Url` (or of a live-change `Url`) leads to
 * exactly one request of `FallbackUrl` when one is set; a failed `action`, `<Redirect>` or
 * fallback fetch leads to none, and the call ends there (spec 2).
 */
import type { FetchEntry, Scenario } from '@rcml/replay';
import type { Invariant, ObservedRun, RunObservation, Violation } from '../types.js';
import { answersOf, type HopOutcome, hopOutcome } from './appModel.js';
import {
  callParams,
  EPSILON,
  finalStatusEvent,
  judgeCreatedRun,
  MAIN_CALL_SID,
  modifiedWithin,
  round,
} from './view.js';

const NAME = 'fallback';
const MAX_REDIRECTS = 10;

type ChainKind = 'url' | 'live' | 'fallback' | 'action' | 'leg';

/** One document request with its HTTP redirect hops. */
interface Chain {
  readonly kind: ChainKind;
  readonly first: FetchEntry;
  /** The fallback to use if this chain fails, when it may have one. */
  readonly fallback: { readonly url: string; readonly method: string } | null;
  outcome: HopOutcome;
  hops: number;
}

function fallbackOf(params: Readonly<Record<string, string | number>>): Chain['fallback'] {
  const url = params.FallbackUrl;
  if (typeof url !== 'string' || url === '') return null;
  const method = params.FallbackMethod;
  return { url, method: typeof method === 'string' && method !== '' ? method.toUpperCase() : 'POST' };
}

/**
 * What a new chain is. A live-change `Url` is fetched at the change, or at the answer when
 * the change came while an outbound call was still ringing: the first fetch of that URL at
 * or after the change is the live one.
 */
function classify(
  scenario: Scenario,
  entry: FetchEntry,
  earlier: readonly Chain[],
): Pick<Chain, 'kind' | 'fallback'> {
  if (entry.params.ErrorCode !== undefined) return { kind: 'fallback', fallback: null };
  // The latest change wins when several came before the fetch (e.g. while still ringing).
  const live = [...(scenario.modify ?? [])]
    .reverse()
    .find(
      (m) =>
        sameUrl(m.Url, entry.url) &&
        m.at < entry.at + EPSILON &&
        !earlier.some((c) => sameUrl(c.first.url, m.Url) && c.first.at > m.at - EPSILON),
    );
  if (live !== undefined) return { kind: 'live', fallback: fallbackOf(live) };
  const isFirst = earlier.length === 0;
  const params = callParams(scenario);
  if (isFirst && sameUrl(entry.url, params.Url)) return { kind: 'url', fallback: fallbackOf(params) };
  return { kind: 'action', fallback: null };
}

/**
 * Whether two URLs name the same document. The timeline shows a GET request's URL without
 * its query (the query is in `params`), so URLs compare without their query (and fragment).
 */
function sameUrl(a: string | number | undefined, b: string | number | undefined): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  return a.split(/[?#]/)[0] === b.split(/[?#]/)[0];
}

/** The chain an entry continues, if it is the hop of an HTTP redirect. */
function hopOf(chains: readonly Chain[], entry: FetchEntry): Chain | undefined {
  for (let i = chains.length - 1; i >= 0; i--) {
    const chain = chains[i] as Chain;
    const { outcome } = chain;
    if (outcome.kind !== 'redirect' || !sameUrl(outcome.location, entry.url)) continue;
    if (Math.abs(outcome.at - entry.at) >= EPSILON) continue;
    // A 303 hop is a GET without parameters; other hops repeat the request's parameters.
    const sid = entry.params.CallSid;
    if (sid === undefined || sid === chain.first.params.CallSid) return chain;
  }
  return undefined;
}

/**
 * Group document fetches into chains of HTTP redirect hops, for every call of the run (the
 * scenario's own and the `<Dial>` legs' whisper documents), in issue order.
 */
export function fetchChains(scenario: Scenario, run: ObservedRun): readonly Chain[] {
  // Several invariants need the chains of one run: compute them once per timeline.
  const known = chainCache.get(run.outcome.timeline);
  if (known !== undefined && known.scenario === scenario) return known.chains;
  const chains = buildChains(scenario, run);
  chainCache.set(run.outcome.timeline, { scenario, chains });
  return chains;
}

const chainCache = new WeakMap<object, { scenario: Scenario; chains: readonly Chain[] }>();

function buildChains(scenario: Scenario, run: ObservedRun): Chain[] {
  const timeout = scenario.options?.fetchTimeout ?? 15;
  const answers = answersOf(scenario, run.outcome.timeline);
  const chains: Chain[] = [];
  run.outcome.timeline.forEach((entry, index) => {
    if (entry.kind !== 'fetch') return;
    const outcome = hopOutcome(answers.get(index) ?? { status: 404 }, entry.at, entry.url, timeout);
    const hop = hopOf(chains, entry);
    if (hop !== undefined) {
      hop.hops += 1;
      hop.outcome =
        outcome.kind === 'redirect' && hop.hops >= MAX_REDIRECTS
          ? { kind: 'failed', at: outcome.at, reason: 'too many HTTP redirects' }
          : outcome;
      return;
    }
    const main = chains.filter((c) => c.first.params.CallSid === MAIN_CALL_SID);
    const kind: Pick<Chain, 'kind' | 'fallback'> =
      entry.params.CallSid === MAIN_CALL_SID
        ? classify(scenario, entry, main)
        : { kind: 'leg', fallback: null };
    chains.push({ ...kind, first: entry, outcome, hops: 0 });
  });
  return chains;
}

/** Whether something else (the end of the call, a live change) overtook the fetch. */
function abandoned(scenario: Scenario, run: ObservedRun, chain: Chain, failedAt: number): boolean {
  const end = finalStatusEvent(run, MAIN_CALL_SID)?.event.at;
  if (end !== undefined && end < failedAt + EPSILON) return true;
  return modifiedWithin(scenario, chain.first.at, failedAt);
}

function check(observation: RunObservation): Violation[] {
  return judgeCreatedRun(observation, NAME, (run, scenario, v) => {
    const chains = fetchChains(scenario, run).filter((c) => c.first.params.CallSid === MAIN_CALL_SID);
    chains.forEach((chain, i) => {
      const outcome = chain.outcome;
      if (outcome.kind === 'redirect') return;
      if (outcome.kind !== 'failed' || chain.first.params.CallStatus === 'completed') return;
      if (abandoned(scenario, run, chain, outcome.at)) return;
      const next = chains[i + 1];
      const what = `${chain.kind === 'url' ? 'Url' : chain.kind} fetch ${chain.first.url} (t=${round(chain.first.at)}) failed: ${outcome.reason}`;
      if (chain.fallback === null) {
        if (next?.kind === 'fallback')
          v(`${what}; it has no fallback, yet ${next.first.url} was requested with ErrorCode`);
        else if (next !== undefined && next.first.params.CallStatus !== 'completed') {
          v(
            `${what}; the call should have ended, yet ${next.first.url} was requested at t=${round(next.first.at)}`,
          );
        }
        return;
      }
      if (next === undefined || next.kind !== 'fallback') {
        v(`${what}; FallbackUrl ${chain.fallback.url} was not requested`);
        return;
      }
      if (!sameUrl(next.first.url, chain.fallback.url) || next.first.method !== chain.fallback.method) {
        v(
          `${what}; the fallback went to ${next.first.method} ${next.first.url}, not ${chain.fallback.method} ${chain.fallback.url}`,
        );
      }
      if (!sameUrl(next.first.params.ErrorUrl, chain.first.url)) {
        v(`${what}; the fallback request has ErrorUrl=${next.first.params.ErrorUrl}`);
      }
      if (chains[i + 2]?.kind === 'fallback') v(`${what}; the fallback was requested more than once`);
    });
  });
}

/** Failed `Url` → exactly one fallback request; failed action/Redirect/fallback → none. */
export const fallbackRequests: Invariant = {
  name: NAME,
  description:
    'a failed fetch of Url leads to exactly one fallback request when FallbackUrl is set; a failed action or <Redirect> fetch to none',
  check,
};
