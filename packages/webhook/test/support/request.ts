import type { HttpRequest } from '@rcml/core';

export const CALL_SID = 'CA00000000000000000000000000000001';
export const ACCOUNT_SID = 'AC00000000000000000000000000000000';

/** An engine request with test defaults. */
export function req(url: string, overrides: Partial<HttpRequest> = {}): HttpRequest {
  return {
    method: 'POST',
    url,
    params: { CallSid: CALL_SID, AccountSid: ACCOUNT_SID },
    kind: 'fetch',
    callSid: CALL_SID,
    accountSid: ACCOUNT_SID,
    signal: new AbortController().signal,
    ...overrides,
  };
}
