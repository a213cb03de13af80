/**
 * The mutable record of one call (a call or a `<Dial>` leg): what the Calls API shows and
 * what request parameters are built from.
 */

import type { CallRecord, CallStatus, Direction } from '../engine/types.js';
import type { CallIdentity } from '../fetch/params.js';
import type { AnsweredBy } from '../ports.js';

const FINAL: ReadonlySet<CallStatus> = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

/** Whether `status` is a final state: `completed`, `busy`, `failed`, `no-answer` or `canceled`. */
export function isFinalStatus(status: CallStatus): boolean {
  return FINAL.has(status);
}

/** Fields fixed at creation: the identity without what voicemail detection finds later. */
export interface CallDataInit extends Omit<CallIdentity, 'answeredBy' | 'voicemailDetector'> {
  readonly now: number;
}

export class CallData implements CallIdentity {
  readonly sid: string;
  readonly accountSid: string;
  readonly from: string;
  readonly to: string;
  readonly apiVersion: string;
  readonly direction: Direction;
  readonly parentCallSid: string | null;
  readonly callerName: string | null;
  readonly forwardedFrom: string | null;
  readonly geo: Readonly<Record<string, string>> | null;
  status: CallStatus;
  answeredBy: AnsweredBy | null = null;
  voicemailDetector: 'person_found' | 'voicemail' | null = null;
  readonly dateCreated: number;
  dateUpdated: number;
  startTime: number | null = null;
  endTime: number | null = null;
  duration: number | null = null;

  constructor(init: CallDataInit) {
    this.sid = init.sid;
    this.accountSid = init.accountSid;
    this.from = init.from;
    this.to = init.to;
    this.apiVersion = init.apiVersion;
    this.direction = init.direction;
    this.parentCallSid = init.parentCallSid;
    this.callerName = init.callerName;
    this.forwardedFrom = init.forwardedFrom;
    this.geo = init.geo ?? null;
    this.status = init.status;
    this.dateCreated = init.now;
    this.dateUpdated = init.now;
  }

  get final(): boolean {
    return isFinalStatus(this.status);
  }

  /** Move to `status` at `now`; a final state also fixes the end time and the duration. */
  setStatus(status: CallStatus, now: number): void {
    this.status = status;
    this.dateUpdated = now;
    if (status === 'in-progress' && this.startTime === null) this.startTime = now;
    if (isFinalStatus(status)) {
      this.endTime = now;
      this.duration = this.startTime === null ? 0 : Math.floor((now - this.startTime) / 1000);
    }
  }

  /** A snapshot for the Calls API. */
  toRecord(): CallRecord {
    return {
      sid: this.sid,
      parentCallSid: this.parentCallSid,
      accountSid: this.accountSid,
      to: this.to,
      from: this.from,
      status: this.status,
      direction: this.direction,
      dateCreated: this.dateCreated,
      dateUpdated: this.dateUpdated,
      startTime: this.startTime,
      endTime: this.endTime,
      duration: this.duration,
      answeredBy: this.answeredBy,
      apiVersion: this.apiVersion,
    };
  }
}
