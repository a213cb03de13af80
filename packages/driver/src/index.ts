/**
 * @rcml/driver: the simulated media driver (replay timing model, scripted or live far end).
 * The conformance suite every driver runs is at `@rcml/driver/conformance`.
 */
export {
  linearToMulaw,
  MULAW_FRAME_BYTES,
  mulawEnergy,
  mulawToLinear,
  SILENT_FRAME,
  toneFrame,
} from './mulaw.js';
export {
  DRIVER_PRIORITY,
  LIVE_CHANGE_PRIORITY,
  SCRIPT_PRIORITY,
} from './scheduler.js';
export {
  type AnswerTruth,
  DEFAULT_CONFIDENCE,
  type EndedBy,
  SimChannel,
  type SimChannelState,
  type Utterance,
} from './simChannel.js';
export { SimMediaStream, type StreamSource } from './simMediaStream.js';
export { createSimRecordings, SIM_SAMPLE_RATE, type SimRecordings, wavOf } from './simRecordings.js';
export {
  createSimulatedDriver,
  type DialedScript,
  type PartyScript,
  type ScriptAction,
  type SimulatedCall,
  type SimulatedDriver,
  type SimulatedDriverOptions,
  type SimulatedFarEnd,
} from './simulatedDriver.js';
export {
  DEFAULT_TIMING,
  digitsDuration,
  type MediaTiming,
  playDuration,
  resolveTiming,
  sayDuration,
} from './timing.js';
