/**
 * Whole calls as replay scenarios (replay-format.md): an application (pages of RCML and how
 * the web server answers each), the call (inbound or outbound, with or without fallback and
 * status callbacks), the far end, the dialled targets and live changes. Generated scenarios
 * carry no `expect`: nobody wrote the expected timeline, so the invariants judge the run.
 * Every call is bounded: the far end hangs up within `maxSeconds` of answering.
 */
import type { AppResponse, PartyAction, Scenario, ScenarioMedia, ScenarioOptions } from '@rcml/replay';
import fc from 'fast-check';
import {
  APP_BASE,
  CALLED,
  CALLER,
  compact,
  FALLBACK_URL,
  MEDIA_URLS,
  RECORDING_STATUS_URL,
  STATUS_URL,
  sometimes,
} from './common.js';
import { dialedTargets } from './dialed.js';
import { type MenuApplication, mixedApplication } from './menuApp.js';
import { liveChanges } from './modify.js';
import { calledPartyBehaviour, callerBehaviour } from './party.js';
import { appBehaviour, callbackResponse, failingResponse } from './responses.js';
import { DIAL_TARGET_NAMES } from './verbs.js';

/** Options of {@link scenario}. */
export interface ScenarioArbitraryOptions {
  /** Which calls to generate (default both). */
  readonly direction?: 'inbound' | 'outbound' | 'both';
  /**
   * The application's pages, name → RCML text, served at `http://app.test/<name>`; the first
   * page is the call's `Url`. Default: generated menu applications, some pages replaced by
   * arbitrary valid or near-valid documents.
   */
  readonly application?: fc.Arbitrary<MenuApplication>;
  /** Latest far-end hang-up after the call is connected, seconds (default 60). */
  readonly maxSeconds?: number;
}

type Params = Record<string, string>;
type Who = { call: Params; party: PartyAction[] } | { inbound: Params; party: PartyAction[] };

/** `StatusCallbackEvent` as applications write it: any subset, space- or comma-separated. */
function statusCallbackEvent(inbound: boolean): fc.Arbitrary<string> {
  const events = inbound
    ? ['ringing', 'answered', 'completed']
    : ['initiated', 'ringing', 'answered', 'completed'];
  return fc
    .tuple(fc.subarray(events), fc.constantFrom(' ', ','))
    .map(([list, separator]) => list.join(separator));
}

/** The application settings shared by `call` and `inbound`. */
function applicationParams(inbound: boolean, url: string): fc.Arbitrary<Params> {
  return fc
    .record({
      Method: sometimes(fc.constantFrom('GET', 'POST'), 0.4),
      FallbackUrl: sometimes(fc.constant(FALLBACK_URL), 0.5),
      FallbackMethod: sometimes(fc.constantFrom('GET', 'POST'), 0.3),
      StatusCallback: sometimes(fc.constant(STATUS_URL), 0.6),
      StatusCallbackMethod: sometimes(fc.constantFrom('GET', 'POST'), 0.3),
      StatusCallbackEvent: sometimes(statusCallbackEvent(inbound), 0.7),
    })
    .map((p) => compact({ From: CALLER, To: CALLED, Url: url, ...p }) as Params);
}

/** Occasionally invalid Calls API parameters: creation must be refused, nothing else happens. */
function invalidCreation(params: Params): fc.Arbitrary<Params> {
  return fc
    .constantFrom<Params>(
      { Url: 'voice' },
      { Method: 'PUT' },
      { Timeout: '0' },
      { StatusCallbackEvent: 'rang' },
      { To: '' },
    )
    .map((bad) => ({ ...params, ...bad }));
}

function outboundCall(url: string, maxSeconds: number): fc.Arbitrary<{ call: Params; party: PartyAction[] }> {
  return fc
    .record({
      params: applicationParams(false, url),
      timeout: fc.integer({ min: 2, max: 20 }),
      detect: fc.oneof(
        { weight: 5, arbitrary: fc.constant(false) },
        { weight: 1, arbitrary: fc.constant(true) },
      ),
    })
    .chain(({ params, timeout, detect }) => {
      const call: Params = {
        ...params,
        Timeout: String(timeout),
        ...(detect ? { DetectVoicemail: 'true' } : {}),
      };
      return fc.record({
        call: fc.oneof(
          { weight: 30, arbitrary: fc.constant(call) },
          { weight: 1, arbitrary: invalidCreation(call) },
        ),
        party: calledPartyBehaviour(timeout, { detect, maxSeconds }),
      });
    });
}

function inboundCall(
  url: string,
  maxSeconds: number,
): fc.Arbitrary<{ inbound: Params; party: PartyAction[] }> {
  return fc.record({ inbound: applicationParams(true, url), party: callerBehaviour({ maxSeconds }) });
}

/** The web application: every page under both methods, the fallback, the callback endpoints. */
function appFor(
  application: MenuApplication,
): fc.Arbitrary<Record<string, AppResponse | readonly AppResponse[]>> {
  const pages = Object.keys(application);
  const elsewhere = fc.constantFrom(...pages).map((p) => `${APP_BASE}/${p}`);
  const behaviours = pages.map((page) => appBehaviour(application[page] ?? '<Response/>', elsewhere));
  const fallback = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.constant<AppResponse>({
        body: '<Response><Say>Sorry, please call again later</Say></Response>',
      }),
    },
    { weight: 1, arbitrary: failingResponse() },
  );
  return fc
    .record({ pages: fc.tuple(...behaviours), fallback, status: callbackResponse() })
    .map(({ pages: answers, fallback: fb, status }) => {
      const app: Record<string, AppResponse | readonly AppResponse[]> = {};
      pages.forEach((page, i) => {
        const answer = answers[i] ?? { status: 404 };
        app[`POST ${APP_BASE}/${page}`] = answer;
        app[`GET ${APP_BASE}/${page}`] = answer;
      });
      app[`POST ${FALLBACK_URL}`] = fb;
      app[`GET ${FALLBACK_URL}`] = fb;
      app[`POST ${STATUS_URL}`] = status;
      app[`GET ${STATUS_URL}`] = status;
      app[`POST ${RECORDING_STATUS_URL}`] = { status: 200 };
      return app;
    });
}

/** Options: a short fetch timeout (so hangs end soon), request signing, another account or epoch. */
function scenarioOptions(): fc.Arbitrary<ScenarioOptions | undefined> {
  return sometimes(
    fc
      .record({
        fetchTimeout: sometimes(fc.integer({ min: 1, max: 5 }), 0.8),
        authToken: sometimes(fc.constant('fuzz-auth-token'), 0.2),
        accountSid: sometimes(fc.constant('AC0123456789abcdef0123456789abcdef'), 0.1),
        epoch: sometimes(fc.constantFrom('2026-12-31T23:59:58.500Z', '2030-06-15T12:00:00Z'), 0.1),
      })
      .map((o) => compact(o) as ScenarioOptions),
    0.5,
  );
}

function media(): fc.Arbitrary<ScenarioMedia | undefined> {
  return sometimes(
    fc.record({
      defaultPlaySeconds: fc.integer({ min: 1, max: 3 }),
      failUrls: fc.constant([MEDIA_URLS[2] ?? '']),
    }),
    0.3,
  );
}

/**
 * A complete replay scenario without `expect`.
 *
 * @example
 * await fc.assert(fc.asyncProperty(scenario(), async (s) => (await checkScenario(s)).violations.length === 0));
 */
export function scenario(options: ScenarioArbitraryOptions = {}): fc.Arbitrary<Scenario> {
  const maxSeconds = options.maxSeconds ?? 60;
  const direction = options.direction ?? 'both';
  const inbound = direction === 'both' ? fc.boolean() : fc.constant(direction === 'inbound');
  return fc
    .tuple(options.application ?? mixedApplication(), inbound)
    .chain(([application, isInbound]) => {
      const pages = Object.keys(application);
      const entry = `${APP_BASE}/${pages[0] ?? 'voice'}`;
      const dials = Object.values(application).some((xml) => xml.includes('<Dial'));
      return fc.record({
        // Applications often put their own query in the Url (GET keeps it, POST sends it).
        who: fc
          .oneof(
            { weight: 4, arbitrary: fc.constant(entry) },
            { weight: 1, arbitrary: fc.constant(`${entry}?src=fuzz&lang=en`) },
          )
          .chain(
            (url): fc.Arbitrary<Who> =>
              isInbound ? inboundCall(url, maxSeconds) : outboundCall(url, maxSeconds),
          ),
        app: appFor(application),
        dialed: dials ? dialedTargets(DIAL_TARGET_NAMES) : fc.constant({}),
        modify: liveChanges(pages, maxSeconds),
        options: scenarioOptions(),
        media: media(),
        pages: fc.constant(pages.length),
      });
    })
    .map(({ who, app, dialed, modify, options: opts, media: m, pages }) => {
      const kind = 'inbound' in who ? 'inbound' : 'outbound';
      const base = {
        name: `fuzz: ${kind} call, ${pages} pages`,
        ...(opts === undefined ? {} : { options: opts }),
        ...who,
        app,
        ...(Object.keys(dialed).length === 0 ? {} : { dialed }),
        ...(m === undefined ? {} : { media: m }),
        ...(modify.length === 0 ? {} : { modify }),
      };
      return base as Scenario;
    });
}
