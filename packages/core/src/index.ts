/**
 * @rcml/core: the RCML call engine. Documents, the call machine, the verbs, the calls
 * registry, and the ports through which everything nondeterministic comes in.
 */

export { isFinalStatus } from './call/callData.js';
export {
  type CallEvent,
  type CallMachineContext,
  type CallMachineInput,
  callMachine,
  type LoadedDocument,
} from './call/callMachine.js';
export type { CallRuntime, DocumentTarget, EndKind } from './call/callRuntime.js';
export { type MermaidOptions, machineToMermaid } from './call/mermaid.js';
export {
  PERSISTED_VERSION,
  type PersistedCall,
  type PersistedCallData,
  type PersistedSettings,
  type VerbProgress,
} from './call/persisted.js';
// The call engine (call/, verbs/, engine/, fetch/, callbacks/).
export { rfc2822 } from './callbacks/timestamp.js';
export { createSimulatedClock, type SimulatedClock } from './clock/simulatedClock.js';
export { systemClock } from './clock/systemClock.js';
export type {
  ConferenceDesk,
  ConferenceEndReason,
  ConferencePage,
  ConferenceRecord,
  ConferenceStatus,
  Conferences,
  ParticipantRecord,
} from './conferences/conferences.js';
export type * from './document/ast.js';
export {
  type ContentDecision,
  classifyContent,
  type ParseOptions,
  parseDocument,
  serializeDocument,
  XML_PARSER_OPTIONS,
} from './document/index.js';
export { createEngine, DEFAULT_LIMITS } from './engine/createEngine.js';
export { createClockSeededIds, createSequentialIds } from './engine/ids.js';
export {
  type CallsApiParams,
  CREATE_PARAMS,
  type CreateCallParams,
  MODIFY_PARAMS,
  type ModifyCallParams,
  toApiParams,
  type UnimplementedCreateParams,
  unimplementedParams,
} from './engine/params.js';
export type * from './engine/types.js';
export {
  ERROR_CODES,
  type ErrorCode,
  isErrorCode,
  isRcmlError,
  RcmlError,
  type RcmlErrorOptions,
} from './errors.js';
export { BODY_LINE_CHARS, bodyLine } from './fetch/bodyLine.js';
export type * from './ports.js';
export { type BridgeEnd, QueueBridge } from './queues/bridge.js';
export {
  DEFAULT_QUEUE_SIZE,
  MAX_QUEUE_SIZE,
  type MemberRecord,
  type Page,
  type QueueDesk,
  type QueueRecord,
  type Queues,
} from './queues/queues.js';
export {
  createMemoryRecordingStore,
  type RecordingFilter,
  type RecordingMade,
  type RecordingPage,
  type RecordingRecord,
  type RecordingSource,
  type Recordings,
} from './recordings/recordings.js';
