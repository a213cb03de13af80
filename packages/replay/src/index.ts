/**
 * @rcml/replay: run replay scenarios (`docs/replay-format.md`) on the engine with the
 * simulated driver, clock and application, and compare the timelines.
 */
export { createSimulatedApp, type SimulatedApp, withoutQuery } from './app.js';
export { checkInvariants, isFinalStatus, type Leftovers } from './invariants.js';
export {
  checkLiveUrl,
  createLiveApp,
  type LiveApp,
  type LiveAppOptions,
  scenarioOrigin,
} from './liveApp.js';
export { type LoadedScenario, loadScenarios, parseScenario } from './load.js';
export { type Difference, entryMismatch, firstDifference, type MatchResult, matchScenario } from './match.js';
export {
  actualExpect,
  formatFailure,
  formatNotices,
  formatResultLine,
  formatSummary,
  type ScenarioNotice,
  scenarioNotices,
  withActualExpect,
} from './print.js';
export {
  type CallRecording,
  createCallRecording,
  type RecordedAction,
  type RecordedScenario,
  type RecordingSetup,
} from './recordCall.js';
export { createTimelineRecorder, type TimelineRecorder } from './recorder.js';
export {
  type RunOptions,
  type RunResult,
  runScenario,
  type StartedRun,
} from './runScenario.js';
export type * from './scenario.js';
export {
  createScenarioWorld,
  DEFAULT_EPOCH,
  type ScenarioWorld,
  scenarioEngineOptions,
  startScenarioCall,
} from './setup.js';
export type * from './timeline.js';
export { validateScenario } from './validate.js';
