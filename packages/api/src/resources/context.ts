/** What a resource handler is given for one authenticated request. */
import type { ServerResponse } from 'node:http';
import { type Engine, RcmlError } from '@rcml/core';
import type { Format } from '../render.js';
import type { ResourceMatch } from './routes.js';

export interface ResourceRequest {
  readonly engine: Engine;
  readonly res: ServerResponse;
  readonly format: Format;
  readonly match: ResourceMatch;
  /** GET, POST or DELETE. */
  readonly method: string;
  /** The query parameters. */
  readonly query: Readonly<Record<string, string>>;
  /** The form (or JSON) body of a POST. */
  body(): Promise<Record<string, string>>;
  /** Mount path and version, e.g. `/2010-04-01`. */
  readonly root: string;
}

/** `/2010-04-01/Accounts/AC…` */
export function accountPath(request: ResourceRequest): string {
  return `${request.root}/Accounts/${encodeURIComponent(request.match.accountSid)}`;
}

/** `.json` for JSON answers, empty for XML (as the Calls resource's URIs). */
export function uriSuffix(request: ResourceRequest): string {
  return request.format === 'json' ? '.json' : '';
}

/** 405 for a method the resource does not take. */
export function notAllowed(method: string, allowed: string): RcmlError {
  return new RcmlError(20004, `method ${method.slice(0, 20)} is not allowed here: use ${allowed}`);
}

/** 404 naming the missing thing. */
export function notFound(what: string): RcmlError {
  return new RcmlError(20404, `${what} was not found`);
}

/** A whole number parameter in a range, or `fallback` when absent. */
export function wholeParam(
  params: Readonly<Record<string, string>>,
  name: string,
  fallback: number,
  min: number,
  max: number,
): number {
  const raw = params[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new RcmlError(
      20001,
      `${name} must be a whole number from ${min} to ${max}, got "${raw.slice(0, 40)}"`,
      {
        field: name,
      },
    );
  }
  return Number(raw);
}

/** `PageSize` (1 to 1000, default 50) and `Page` (from 0). */
export function paging(query: Readonly<Record<string, string>>): { pageSize: number; page: number } {
  return {
    pageSize: wholeParam(query, 'PageSize', 50, 1, 1000),
    page: wholeParam(query, 'Page', 0, 0, 1_000_000),
  };
}

/**
 * Spec 9.5 for these resources: parameters of a create or change that this engine does not
 * implement are accepted and listed in the answer's `X-Rcml-Warnings` header (`13911 Name`).
 */
export function reportUnimplemented(
  request: ResourceRequest,
  params: Readonly<Record<string, string>>,
  implemented: readonly string[],
): void {
  const names = Object.keys(params).filter((name) => !implemented.includes(name));
  if (names.length === 0) return;
  const shown = names
    .slice(0, 20)
    .map((name) => `13911 ${name.slice(0, 60).replace(/[^\x20-\x2b\x2d-\x7e]/g, '?')}`);
  if (names.length > 20) shown.push(`(${names.length - 20} more)`);
  request.res.setHeader('X-Rcml-Warnings', shown.join(', '));
}
