/**
 * The calls the engine knows: lookup by SID, newest-first listing with the filters and paging
 * of spec 1.4, and a bounded memory of finished calls.
 */
import type { CallData } from '../call/callData.js';
import { checkPaging } from './paging.js';
import type { CallPage, ListFilter } from './types.js';

export class CallRegistry {
  private readonly bySid = new Map<string, CallData>();
  /** Creation order (oldest first); entries forgotten from `bySid` are skipped and compacted. */
  private order: CallData[] = [];
  // Stryker disable next-line ArrayDeclaration: a first entry that names no call only changes which finish() evicts it: one with retainFinished + 1 entries drops it (deleting a SID no call has changes nothing), and every call is evicted at the same finish() as before
  private readonly finished: string[] = [];
  private finishedHead = 0;

  constructor(private readonly retainFinished: number) {}

  add(call: CallData): void {
    this.bySid.set(call.sid, call);
    this.order.push(call);
  }

  get(sid: string): CallData | undefined {
    return this.bySid.get(sid);
  }

  /** A call reached its final state: keep at most `retainFinished` of those. */
  finish(call: CallData): void {
    this.finished.push(call.sid);
    while (this.finished.length - this.finishedHead > this.retainFinished) {
      const sid = this.finished[this.finishedHead++]!;
      this.bySid.delete(sid);
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator,ArithmeticOperator,BlockStatement: when to compact only; dropping the entries before finishedHead and resetting it keeps the same pending list, so compacting at any time (or never) changes nothing but memory
    if (this.finishedHead > 1024 && this.finishedHead * 2 > this.finished.length) {
      this.finished.splice(0, this.finishedHead);
      this.finishedHead = 0;
    }
    // Stryker disable next-line ConditionalExpression,EqualityOperator,LogicalOperator,ArithmeticOperator,BlockStatement: when to compact only; the filter drops exactly the entries list() skips (forgotten or replaced in bySid), so compacting at any time (or never) changes nothing but memory
    if (this.order.length > 64 && this.order.length > this.bySid.size * 2) {
      // Stryker disable next-line MethodExpression: keeping the whole order changes only memory: list() skips the entries this filter drops (forgotten or replaced in bySid)
      this.order = this.order.filter((c) => this.bySid.get(c.sid) === c);
    }
  }

  list(filter: ListFilter = {}): CallPage {
    const { page, pageSize } = checkPaging(filter);
    const start = page * pageSize;
    const calls = [];
    let total = 0;
    for (let i = this.order.length - 1; i >= 0; i--) {
      const call = this.order[i]!;
      if (this.bySid.get(call.sid) !== call) continue;
      if (filter.accountSid !== undefined && call.accountSid !== filter.accountSid) continue;
      if (filter.to !== undefined && call.to !== filter.to) continue;
      if (filter.from !== undefined && call.from !== filter.from) continue;
      if (filter.status !== undefined && call.status !== filter.status) continue;
      if (filter.parentCallSid !== undefined && call.parentCallSid !== filter.parentCallSid) continue;
      if (total >= start && calls.length < pageSize) calls.push(call.toRecord());
      total++;
    }
    return { calls, page, pageSize, total };
  }
}
