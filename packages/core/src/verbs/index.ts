/**
 * The verb registry: one module per verb, dispatched by kind. The exhaustive switch makes the
 * compiler point at this file when a verb is added to the document model.
 */
import type { Verb } from '../document/ast.js';
import { executeConnect } from './connect.js';
import { executeDial } from './dial.js';
import { executeEnqueue } from './enqueue.js';
import { executeGather } from './gather.js';
import { executeHangup } from './hangup.js';
import { executeLeave } from './leave.js';
import { executePause } from './pause.js';
import { executePlay } from './play.js';
import { executeRecord } from './record.js';
import { executeRedirect } from './redirect.js';
import { executeReject } from './reject.js';
import { executeSay } from './say.js';
import { executeSms } from './sms.js';
import { executeStart } from './start.js';
import { executeStop } from './stop.js';
import type { VerbOutcome, VerbScope } from './types.js';

export type { DialLegHandle, DialLegSpec, MediaListener, VerbOutcome, VerbScope } from './types.js';

/** Run one verb of a document. */
export function executeVerb(verb: Verb, scope: VerbScope): Promise<VerbOutcome> {
  switch (verb.kind) {
    case 'Say':
      return executeSay(verb, scope);
    case 'Play':
      return executePlay(verb, scope);
    case 'Pause':
      return executePause(verb, scope);
    case 'Gather':
      return executeGather(verb, scope);
    case 'Record':
      return executeRecord(verb, scope);
    case 'Dial':
      return executeDial(verb, scope);
    case 'Hangup':
      return executeHangup(verb, scope);
    case 'Redirect':
      return executeRedirect(verb, scope);
    case 'Reject':
      return executeReject(verb, scope);
    case 'Sms':
      return executeSms(verb, scope);
    case 'Enqueue':
      return executeEnqueue(verb, scope);
    case 'Leave':
      return executeLeave(verb, scope);
    case 'Connect':
      return executeConnect(verb, scope);
    case 'Start':
      return executeStart(verb, scope);
    case 'Stop':
      return executeStop(verb, scope);
    default:
      return unreachable(verb);
  }
}

function unreachable(verb: never): never {
  throw new Error(`unknown verb ${JSON.stringify(verb)}`);
}
