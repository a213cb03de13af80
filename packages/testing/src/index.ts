/**
 * @rcml/testing: property-based testing for RCML voice applications and for the engine.
 * fast-check arbitraries that generate whole calls as replay scenarios, named invariants
 * that every call must obey, `checkScenario` to run one scenario and check them, and
 * `fuzz` to run thousands with shrinking and counterexample files.
 */
export * from './arbitraries/index.js';
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
} from './check/fuzz.js';
export { createProgressDisplay, type ProgressDisplay, type ProgressStream } from './check/progress.js';
export { assertInvariants, formatFuzzReport } from './check/report.js';
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
