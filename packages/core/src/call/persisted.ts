/**
 * A call saved by `engine.persist` and brought back by `engine.restore`: plain JSON data (no
 * functions, no ports), so it can be written anywhere and read by another engine. The call
 * machine's state value says where the call was; the records say what it had done; the
 * running verb's own progress (a `<Gather>` waiting for keys: the digits so far and its
 * deadline on the clock) lets the verb resume instead of starting again.
 */
import type { ProgressEvent } from '../document/ast.js';
import type { CallMachineState } from '../engine/types.js';
import type { CallIdentity } from '../fetch/params.js';
import type { LoadedDocument } from './callMachine.js';
import type { DocumentTarget } from './callRuntime.js';
import type { CallSettings } from './callSettings.js';
import type { CallSession } from './session.js';

/** The version of {@link PersistedCall}'s shape. */
export const PERSISTED_VERSION = 1;

/** A saved call. */
export interface PersistedCall {
  readonly version: typeof PERSISTED_VERSION;
  /** The call machine's state value when it was saved. */
  readonly state: CallMachineState;
  readonly call: PersistedCallData;
  readonly settings: PersistedSettings;
  /** Progress callbacks: the next `SequenceNumber` and which events were reported (a bit each). */
  readonly progress: { readonly sequence: number; readonly reported: number };
  /** The document being run and the position of the running verb. */
  readonly document: LoadedDocument | null;
  readonly index: number;
  /** The document being fetched (or to fetch next). */
  readonly next: DocumentTarget | null;
  /** The code of the failed fetch a fallback answers (`ErrorCode`). */
  readonly failedCode: number | null;
  readonly fetchTimes: readonly number[];
  readonly pickedUpAt: number | null;
  readonly digits: string | null;
  /** What the running verb recorded of its progress (see `VerbScope.progress`), if anything. */
  readonly verb: VerbProgress | null;
}

/** A verb's own progress: plain data, with absolute deadlines (epoch ms on the engine's clock). */
export type VerbProgress = Readonly<Record<string, string | number | boolean | null>>;

/** The call record's fields: its identity and its times. */
export interface PersistedCallData extends CallIdentity {
  /** Geographic parameters (spec 9.1); null when unknown. */
  readonly geo: Readonly<Record<string, string>> | null;
  readonly dateCreated: number;
  readonly dateUpdated: number;
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly duration: number | null;
}

/** The call's settings (`CallSettings` with the event set as a list). */
export interface PersistedSettings extends Readonly<Omit<CallSettings, 'statusCallbackEvents'>> {
  readonly statusCallbackEvents: readonly ProgressEvent[];
}

/** Save `session`, in the machine state `state`, as plain data (a deep copy). */
export function persistCall(session: CallSession, state: CallMachineState): PersistedCall {
  const { data, settings, steps } = session;
  return structuredClone({
    version: PERSISTED_VERSION,
    state,
    call: {
      sid: data.sid,
      accountSid: data.accountSid,
      from: data.from,
      to: data.to,
      apiVersion: data.apiVersion,
      direction: data.direction,
      parentCallSid: data.parentCallSid,
      callerName: data.callerName,
      forwardedFrom: data.forwardedFrom,
      geo: data.geo,
      status: data.status,
      answeredBy: data.answeredBy,
      voicemailDetector: data.voicemailDetector,
      dateCreated: data.dateCreated,
      dateUpdated: data.dateUpdated,
      startTime: data.startTime,
      endTime: data.endTime,
      duration: data.duration,
    },
    settings: { ...settings, statusCallbackEvents: [...settings.statusCallbackEvents] },
    progress: session.reporter.save(),
    document: steps.document,
    index: steps.index,
    next: steps.next,
    failedCode: steps.failedCode,
    fetchTimes: [...steps.fetchTimes],
    pickedUpAt: session.pickedUpAt,
    digits: steps.digits,
    verb: steps.verbProgress,
  });
}

/** Continue `session` from a saved call's records (its state is the actor's). */
export function restoreRecords(session: CallSession, saved: PersistedCall): void {
  const { data, steps } = session;
  const { call } = saved;
  data.status = call.status;
  data.answeredBy = call.answeredBy;
  data.voicemailDetector = call.voicemailDetector;
  data.dateUpdated = call.dateUpdated;
  data.startTime = call.startTime;
  data.endTime = call.endTime;
  data.duration = call.duration;
  session.reporter.restore(saved.progress);
  steps.document = saved.document;
  steps.index = saved.index;
  steps.next = saved.next;
  steps.failedCode = saved.failedCode;
  steps.fetchTimes.push(...saved.fetchTimes);
  steps.digits = saved.digits;
  steps.resumeProgress = saved.verb;
  session.pickedUpAt = saved.pickedUpAt;
}
