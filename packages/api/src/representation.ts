/**
 * The call resource as the Calls API shows it (spec 1.4): snake_case fields, RFC 2822 dates
 * in UTC, `duration` as a string of whole seconds (as the widely used TwiML REST API does,
 * so its clients parse our answers unchanged).
 */
import { type CallPage, type CallRecord, rfc2822 } from '@rcml/core';

/** One call, as serialised in JSON (and, with PascalCase names, in XML). */
export interface CallResource {
  readonly sid: string;
  readonly parent_call_sid: string | null;
  readonly account_sid: string;
  readonly to: string;
  readonly from: string;
  readonly status: string;
  readonly direction: string;
  readonly date_created: string;
  readonly date_updated: string;
  readonly start_time: string | null;
  readonly end_time: string | null;
  readonly duration: string | null;
  readonly answered_by: string | null;
  readonly api_version: string;
  readonly uri: string;
}

/** The paging envelope of `GET .../Calls`. */
export interface CallListResource {
  readonly page: number;
  readonly page_size: number;
  readonly start: number;
  readonly end: number;
  readonly first_page_uri: string;
  readonly next_page_uri: string | null;
  readonly previous_page_uri: string | null;
  readonly uri: string;
  readonly calls: readonly CallResource[];
}

/**
 * Where the calls of one account live, e.g. `/2010-04-01/Accounts/AC…/Calls`. `root` is the
 * mount path and API version, e.g. `/2010-04-01`.
 */
export function callsPath(root: string, accountSid: string): string {
  return `${root}/Accounts/${encodeURIComponent(accountSid)}/Calls`;
}

/** The resource of one call; `suffix` is `.json` for JSON answers, empty for XML. */
export function toCallResource(call: CallRecord, root: string, suffix: string): CallResource {
  return {
    sid: call.sid,
    parent_call_sid: call.parentCallSid,
    account_sid: call.accountSid,
    to: call.to,
    from: call.from,
    status: call.status,
    direction: call.direction,
    date_created: rfc2822(call.dateCreated),
    date_updated: rfc2822(call.dateUpdated),
    start_time: call.startTime === null ? null : rfc2822(call.startTime),
    end_time: call.endTime === null ? null : rfc2822(call.endTime),
    duration: call.duration === null ? null : String(Math.trunc(call.duration)),
    answered_by: call.answeredBy,
    api_version: call.apiVersion,
    uri: `${callsPath(root, call.accountSid)}/${encodeURIComponent(call.sid)}${suffix}`,
  };
}

/** What a list request asked for, to rebuild the paging URIs. */
export interface ListQuery {
  /** Mount path and API version, e.g. `/2010-04-01`. */
  readonly root: string;
  readonly accountSid: string;
  readonly suffix: string;
  /** The filters as given (`To`, `From`, `Status`, `ParentCallSid`), kept in page URIs. */
  readonly filters: Readonly<Record<string, string>>;
}

function pageUri(query: ListQuery, page: number, pageSize: number): string {
  const search = new URLSearchParams(query.filters);
  search.set('PageSize', String(pageSize));
  search.set('Page', String(page));
  return `${callsPath(query.root, query.accountSid)}${query.suffix}?${search.toString()}`;
}

/** The list envelope for one page of calls. */
export function toCallListResource(result: CallPage, query: ListQuery): CallListResource {
  const { page, pageSize, total } = result;
  const start = page * pageSize;
  const count = result.calls.length;
  const hasNext = start + count < total;
  return {
    page,
    page_size: pageSize,
    start,
    end: count === 0 ? start : start + count - 1,
    first_page_uri: pageUri(query, 0, pageSize),
    next_page_uri: hasNext ? pageUri(query, page + 1, pageSize) : null,
    previous_page_uri: page > 0 ? pageUri(query, page - 1, pageSize) : null,
    uri: pageUri(query, page, pageSize),
    calls: result.calls.map((call) => toCallResource(call, query.root, query.suffix)),
  };
}
