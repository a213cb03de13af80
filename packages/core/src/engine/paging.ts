/**
 * Paging of the engine's lists (calls, recordings, queues, conferences): `page` from 0 and
 * `pageSize` (default 50), and the slice of a list they ask for.
 */
import { RcmlError } from '../errors.js';

/** What a list call may ask for. */
export interface Paging {
  readonly page?: number;
  readonly pageSize?: number;
}

/** One page of a list. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
}

/** The page asked for of `all`, with the paging used and the list's size (limits not checked). */
export function pageOf<T>(all: readonly T[], paging: Paging = {}): Page<T> {
  const pageSize = paging.pageSize ?? 50;
  const page = paging.page ?? 0;
  const start = page * pageSize;
  return { items: all.slice(start, start + pageSize), page, pageSize, total: all.length };
}

/** `page` and `pageSize` with their defaults; 20001 naming the field when outside the limits. */
export function checkPaging(paging: Paging): { page: number; pageSize: number } {
  const pageSize = paging.pageSize ?? 50;
  const page = paging.page ?? 0;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 1000) {
    throw new RcmlError(20001, `PageSize: ${pageSize} is outside 1 to 1000`, { field: 'PageSize' });
  }
  if (!Number.isInteger(page) || page < 0) {
    throw new RcmlError(20001, `Page: ${page} is not a whole number from 0`, { field: 'Page' });
  }
  return { page, pageSize };
}
