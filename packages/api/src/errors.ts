/**
 * How errors become HTTP answers: every failure is an `RcmlError` whose code decides the
 * HTTP status. Anything else thrown is an internal error (500, 20500) whose details stay in
 * the log, never in the answer.
 */
import { type ErrorCode, isRcmlError, RcmlError } from '@rcml/core';
import type { ErrorBody } from './render.js';

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  20001: 400,
  20003: 401,
  20004: 405,
  20404: 404,
  20409: 409,
  20413: 413,
  20415: 415,
  20429: 429,
  20500: 500,
  20503: 503,
  // Like the widely used TwiML REST API: changing an ended call is a client error.
  21220: 400,
};

/** Where a code is documented: the project's error table, relative to the repository. */
function moreInfo(code: number): string {
  return `docs/errors.md#${code}`;
}

/** The error body and HTTP status for anything thrown while serving a request. */
export function toErrorBody(error: unknown): ErrorBody {
  const known = isRcmlError(error) ? error : new RcmlError(20500, 'internal server error');
  const status = STATUS_OF[known.code] ?? 400;
  return { code: known.code, message: known.message, more_info: moreInfo(known.code), status };
}
