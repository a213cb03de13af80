/**
 * Writing the resources beside Calls: one resource, or a page of them in the paging envelope
 * REST clients follow (`next_page_uri`...), as JSON or as XML under `<TwilioResponse>`.
 */
import type { ServerResponse } from 'node:http';
import { type Format, send } from '../render.js';
import { envelopeAttrs, fieldsXml, wrapXml } from '../xml.js';

/** Send one resource (`element` names its XML element, e.g. `Recording`). */
export function sendOne(
  res: ServerResponse,
  format: Format,
  element: string,
  resource: object,
  status = 200,
): void {
  const body =
    format === 'json' ? JSON.stringify(resource) : wrapXml(`<${element}>${fieldsXml(resource)}</${element}>`);
  send(res, status, format, body);
}

/** A page of a list: the items and how to build the page URIs. */
export interface PageOf<T> {
  readonly items: readonly T[];
  readonly page: number;
  readonly pageSize: number;
  readonly total: number;
  /** The list's path (with suffix), e.g. `/2010-04-01/Accounts/AC…/Recordings.json`. */
  readonly path: string;
  /** Filters to keep in the page URIs. */
  readonly filters?: Readonly<Record<string, string>>;
}

/**
 * A page of one of the engine's lists (its `Page`) as a {@link PageOf} resources: each item
 * through `toResource`, with the list's `path` and the `filters` to keep in the page URIs.
 */
export function resourcePage<T, R extends object>(
  page: {
    readonly items: readonly T[];
    readonly page: number;
    readonly pageSize: number;
    readonly total: number;
  },
  toResource: (item: T) => R,
  path: string,
  filters?: Readonly<Record<string, string>>,
): PageOf<R> {
  return {
    items: page.items.map(toResource),
    page: page.page,
    pageSize: page.pageSize,
    total: page.total,
    path,
    ...(filters === undefined ? {} : { filters }),
  };
}

function pageUri(path: string, filters: Readonly<Record<string, string>>, page: number, size: number) {
  const search = new URLSearchParams(filters);
  search.set('PageSize', String(size));
  search.set('Page', String(page));
  return `${path}?${search.toString()}`;
}

/** Send a page under `key` (JSON, e.g. `recordings`) or `element` (XML, e.g. `Recordings`). */
export function sendPage<T extends object>(
  res: ServerResponse,
  format: Format,
  names: { readonly key: string; readonly list: string; readonly item: string },
  page: PageOf<T>,
): void {
  const filters = page.filters ?? {};
  const start = page.page * page.pageSize;
  const count = page.items.length;
  const envelope = {
    page: page.page,
    page_size: page.pageSize,
    start,
    end: count === 0 ? start : start + count - 1,
    first_page_uri: pageUri(page.path, filters, 0, page.pageSize),
    next_page_uri:
      start + count < page.total ? pageUri(page.path, filters, page.page + 1, page.pageSize) : null,
    previous_page_uri: page.page > 0 ? pageUri(page.path, filters, page.page - 1, page.pageSize) : null,
    uri: pageUri(page.path, filters, page.page, page.pageSize),
  };
  if (format === 'json') {
    send(res, 200, format, JSON.stringify({ ...envelope, [names.key]: page.items }));
    return;
  }
  const attrs = envelopeAttrs(envelope);
  const items = page.items.map((item) => `<${names.item}>${fieldsXml(item)}</${names.item}>`).join('');
  send(res, 200, format, wrapXml(`<${names.list} ${attrs}>${items}</${names.list}>`));
}

/** 204 No Content (a delete). */
export function sendNoContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}
