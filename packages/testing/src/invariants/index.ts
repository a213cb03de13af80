/** Every invariant of the harness, in the order they are reported. */
import type { Invariant } from '../types.js';
import { actionParameters } from './actionParameters.js';
import { determinism } from './determinism.js';
import { dialTimer } from './dialTimer.js';
import { fallbackRequests } from './fallback.js';
import { singleFinalState } from './finalState.js';
import { finalStatus } from './finalStatus.js';
import { gatherOnce } from './gatherOnce.js';
import { gatherTimer } from './gatherTimer.js';
import { mediaOrder } from './mediaOrder.js';
import { mediaTiming } from './mediaTiming.js';
import { noCrash } from './noCrash.js';
import { progressCallbacks } from './progressCallbacks.js';
import { requestParameters } from './requestParameters.js';
import { runnerChecks } from './runnerChecks.js';

export {
  actionParameters,
  determinism,
  dialTimer,
  fallbackRequests,
  finalStatus,
  gatherOnce,
  gatherTimer,
  mediaOrder,
  mediaTiming,
  noCrash,
  progressCallbacks,
  requestParameters,
  runnerChecks,
  singleFinalState,
};

/** All invariants; `checkScenario` applies these unless told otherwise. */
export const invariants: readonly Invariant[] = [
  noCrash,
  singleFinalState,
  finalStatus,
  progressCallbacks,
  fallbackRequests,
  mediaOrder,
  gatherOnce,
  gatherTimer,
  dialTimer,
  mediaTiming,
  requestParameters,
  actionParameters,
  determinism,
  runnerChecks,
];
