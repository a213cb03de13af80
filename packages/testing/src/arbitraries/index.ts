/** The arbitraries of `@rcml/testing`, re-exported from one place. */
export { APP_BASE, digitString, FALLBACK_URL, RECORDING_STATUS_URL, STATUS_URL, seconds } from './common.js';
export { dialedBehaviour, dialedTargets } from './dialed.js';
export {
  type DocumentMutation,
  type NearValidDocument,
  nearValidDocumentXml,
  stripPositions,
  validDocument,
  validDocumentXml,
  validVerb,
} from './documents.js';
export {
  greetingDocument,
  MENU_PAGES,
  type MenuApplication,
  menuApplication,
  menuDocument,
  mixedApplication,
  verb,
} from './menuApp.js';
export { liveChange, liveChanges } from './modify.js';
export { calledPartyBehaviour, callerBehaviour, type OutboundOutcome, type PartyOptions } from './party.js';
export {
  appBehaviour,
  callbackResponse,
  documentContentType,
  documentResponse,
  failingResponse,
  httpRedirect,
  nonXmlResponse,
} from './responses.js';
export { type ScenarioArbitraryOptions, scenario } from './scenario.js';
export { DIAL_TARGET_NAMES, DIAL_TARGETS, pageRef } from './verbs.js';
