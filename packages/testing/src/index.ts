/**
 * @rcml/testing: property-based testing for RCML voice applications and for the engine.
 * fast-check arbitraries that generate whole calls as replay scenarios, named invariants
 * that every call must obey, `checkScenario` to run one scenario and check them, and
 * `fuzz` to run thousands with shrinking and counterexample files.
 */

export {
  type AppMatchers,
  appMatchers,
  assertEndedWith,
  assertRequested,
  assertRoutes,
  checkEndedWith,
  checkRequested,
  type ExpectedParams,
  requestsTo,
} from './appMatchers.js';
export { type AppCallerOptions, appCaller } from './arbitraries/appCaller.js';
export {
  APP_BASE,
  digitString,
  FALLBACK_URL,
  RECORDING_STATUS_URL,
  STATUS_URL,
  seconds,
} from './arbitraries/common.js';
export { dialedBehaviour, dialedTargets } from './arbitraries/dialed.js';
export {
  type DocumentMutation,
  type NearValidDocument,
  nearValidDocumentXml,
  stripPositions,
  validDocument,
  validDocumentXml,
  validVerb,
} from './arbitraries/documents.js';
export {
  greetingDocument,
  MENU_PAGES,
  type MenuApplication,
  menuApplication,
  menuDocument,
  mixedApplication,
  verb,
} from './arbitraries/menuApp.js';
export { liveChange, liveChanges } from './arbitraries/modify.js';
export {
  calledPartyBehaviour,
  callerBehaviour,
  type OutboundOutcome,
  type PartyOptions,
} from './arbitraries/party.js';
export {
  appBehaviour,
  callbackResponse,
  documentContentType,
  documentResponse,
  failingResponse,
  httpRedirect,
  nonXmlResponse,
} from './arbitraries/responses.js';
export { type ScenarioArbitraryOptions, scenario } from './arbitraries/scenario.js';
export { DIAL_TARGET_NAMES, DIAL_TARGETS, pageRef } from './arbitraries/verbs.js';
export { type AppCall, type AppRequest, type CallAppOptions, type CallerInput, callApp } from './callApp.js';
export {
  applyInvariants,
  type CheckOptions,
  type CheckResult,
  checkScenario,
  observeScenario,
  replayRunner,
} from './check/checkScenario.js';
export {
  type CounterexampleOrigin,
  counterexampleFileName,
  toCounterexample,
  writeCounterexample,
} from './check/counterexample.js';
export {
  type FuzzCounterexample,
  type FuzzOptions,
  type FuzzProgress,
  type FuzzReport,
  fuzz,
  LIVE_APP_ORIGIN,
  liveInvariants,
} from './check/fuzz.js';
export { createProgressDisplay, type ProgressDisplay, type ProgressStream } from './check/progress.js';
export { assertInvariants, formatFuzzReport } from './check/report.js';
export { appErrors } from './invariants/appErrors.js';
export {
  actionParameters,
  determinism,
  dialTimer,
  fallbackRequests,
  finalStatus,
  gatherOnce,
  gatherTimer,
  invariants,
  mediaOrder,
  mediaTiming,
  noCrash,
  progressCallbacks,
  requestParameters,
  runnerChecks,
  singleFinalState,
} from './invariants/index.js';
export { MAIN_CALL_SID } from './invariants/view.js';
export type * from './types.js';
