/**
 * `@rcml/driver/conformance`: the media driver conformance suite (needs vitest) and the
 * harness interface a driver package implements to run it.
 */
export type { DriverHarness, FarEnd, FarEndFeature, HarnessCall, HarnessFactory } from './harness.js';
export {
  createRecordingHandler,
  eventsWithin,
  type RecordingHandler,
  settlesWithin,
} from './recorder.js';
export { createSimulatedHarness, settle } from './simulatedHarness.js';
export { describeDriverConformance } from './suite.js';
