/**
 * The Calls REST API as a framework-neutral `node:http` request handler: create, list, fetch
 * and modify calls of the engine, with Basic auth per account, JSON or XML answers, and
 * errors that name the parameter at fault. No input can make it throw: every failure is an
 * error answer.
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import {
  type CallRecord,
  type CallStatus,
  type CreateCallParams,
  type Engine,
  isFinalStatus,
  type ListFilter,
  type ModifyCallParams,
  parseDocument,
  RcmlError,
  unimplementedParams,
} from '@rcml/core';
import { type AccountLookup, authenticate } from './auth.js';
import { type AuthLimitOptions, createAuthLimiter, retryAfterOf, TooManyFailures } from './authLimit.js';
import { parseBody, parseForm, readBody } from './body.js';
import { toErrorBody } from './errors.js';
import { type Format, negotiate, renderCall, renderCallList, renderError, send } from './render.js';
import { toCallListResource, toCallResource } from './representation.js';
import { matchResource, type ResourceMatch, serveResource } from './resources/index.js';
import { matchRoute, pathSuffix, type RouteMatch } from './routes.js';
import { checkRequestUrls, type UrlCheck } from './urlPolicy.js';

/** Options of {@link createCallsApiHandler}. */
export interface CallsApiOptions {
  readonly engine: Engine;
  /** The auth token of an account, or undefined when the account is unknown. */
  readonly accounts: AccountLookup;
  /**
   * Where the API is mounted, e.g. `http://pbx.example/telephony`: its path is stripped from
   * requests and prefixed to every URI in answers. Default: the root.
   */
  readonly baseUrl?: string;
  /** Largest request body accepted (default 65,536 bytes); larger ones get 413. */
  readonly maxBodyBytes?: number;
  /** Told about internal errors (500), which answers never detail. */
  readonly onError?: (error: unknown) => void;
  /**
   * After `Status=completed|canceled`, how long to wait (ms, real time) for the engine to
   * report the final status before answering, so the answer shows it (default 5,000).
   */
  readonly settleMs?: number;
  /**
   * Refuse a create or change whose URL parameters (`Url`, `FallbackUrl`, `StatusCallback`,
   * any `...Url`/`...Callback`) name an address this check refuses: 400 naming the parameter
   * and the reason. E.g. `createUrlGuard().check` from `@rcml/webhook`. Default: no check.
   */
  readonly urlCheck?: UrlCheck;
  /**
   * Limit failed authentications per client address (429 with `Retry-After` past a burst).
   * Default: no limit (`rcml serve` turns it on).
   */
  readonly authLimit?: AuthLimitOptions;
  /**
   * The client address the limit counts by (default: the socket's remote address). Behind a
   * reverse proxy, derive it from the proxy's header, or every client shares one budget.
   */
  readonly clientAddress?: (req: IncomingMessage) => string;
}

/**
 * Ending a call runs through the media driver (the hang-up is asynchronous); clients expect
 * the answer to a `Status` change to show the final status, so wait for it, within bounds.
 */
function settled(engine: Engine, callSid: string, ms: number): Promise<CallRecord | undefined> {
  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stop: () => void = () => {};
    const done = () => {
      if (timer !== undefined) clearTimeout(timer);
      stop();
      resolve(engine.get(callSid));
    };
    const current = engine.get(callSid);
    if (current === undefined || isFinalStatus(current.status) || ms <= 0) {
      resolve(current);
      return;
    }
    stop = engine.subscribe((event) => {
      if (event.type === 'status' && event.callSid === callSid && isFinalStatus(event.status)) done();
    });
    timer = setTimeout(done, ms);
  });
}

const STATUSES: readonly CallStatus[] = [
  'queued',
  'initiated',
  'ringing',
  'in-progress',
  'completed',
  'busy',
  'failed',
  'no-answer',
  'canceled',
];
const REALM = 'Basic realm="RCML Calls API"';

/**
 * The response header that lists what a create or change request asked for and this engine
 * does not implement (spec 9.5), items separated by `, `: `13911 Name` for a parameter, and
 * `13910 path@attribute` for an attribute of the inline `Twiml` document, e.g.
 * `X-Rcml-Warnings: 13911 TimeLimit, 13910 Response/Dial[1]@answerOnBridge`. Absent when there
 * is nothing to report.
 */
export const WARNINGS_HEADER = 'X-Rcml-Warnings';

/** The warnings header of a create or change request, or no header. */
function warningHeaders(
  params: Readonly<Record<string, string>>,
  kind: 'create' | 'modify',
): Record<string, string> {
  const items = unimplementedParams(params, kind).map((name) => `13911 ${name}`);
  const twiml = params.Twiml;
  if (twiml !== undefined && twiml.trim() !== '') {
    // The engine accepted the document; its attributes not implemented are 13910.
    const parsed = parseDocument(twiml);
    for (const warning of parsed.warnings) {
      if (warning.code === 13910)
        items.push(`13910 ${warning.path ?? 'Response'}@${warning.attribute ?? ''}`);
    }
  }
  if (items.length === 0) return {};
  // Printable ASCII without commas, each item cut to 80 characters, at most 20 items listed.
  const shown = items.slice(0, 20).map((item) => item.slice(0, 80).replace(/[^\x20-\x2b\x2d-\x7e]/g, '?'));
  if (items.length > 20) shown.push(`(${items.length - 20} more)`);
  return { [WARNINGS_HEADER]: shown.join(', ') };
}

/**
 * The path and query of a request target. An absolute-form target (`POST https://api.twilio.com/2010-04-01/…`,
 * RFC 9112 3.2.2, what a client sends through a plain HTTP proxy) keeps only them: twilio releases
 * that send through axios without their own proxy agent (3.42.1), started with `HTTPS_PROXY` set to
 * this server, reach it that way, unchanged.
 */
function originForm(target: string): string {
  const scheme = /^https?:\/\/[^/?#]*/i.exec(target);
  if (scheme === null) return target;
  const rest = target.slice(scheme[0].length);
  return rest === '' || rest.startsWith('?') ? `/${rest}` : rest;
}

function mountPath(baseUrl: string | undefined): string {
  if (baseUrl === undefined) return '';
  const path = new URL(baseUrl, 'http://localhost').pathname.replace(/\/+$/, '');
  return path === '/' ? '' : path;
}

function wholeNumber(
  params: Readonly<Record<string, string>>,
  name: string,
  fallback: number,
  max: number,
): number {
  const raw = params[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d{1,9}$/.test(raw) || Number(raw) > max) {
    throw new RcmlError(20001, `${name} must be a whole number from 0 to ${max}, got "${raw.slice(0, 40)}"`, {
      field: name,
    });
  }
  return Number(raw);
}

function listFilter(route: RouteMatch, query: Readonly<Record<string, string>>): ListFilter {
  const status = query.Status;
  if (status !== undefined && status !== '' && !(STATUSES as readonly string[]).includes(status)) {
    throw new RcmlError(20001, `Status must be one of ${STATUSES.join(', ')}, got "${status.slice(0, 40)}"`, {
      field: 'Status',
    });
  }
  const pageSize = wholeNumber(query, 'PageSize', 50, 1000);
  if (pageSize < 1) throw new RcmlError(20001, 'PageSize must be at least 1', { field: 'PageSize' });
  const optional = (name: string) =>
    query[name] === undefined || query[name] === '' ? undefined : query[name];
  const to = optional('To');
  const from = optional('From');
  const parent = optional('ParentCallSid');
  return {
    accountSid: route.accountSid,
    pageSize,
    page: wholeNumber(query, 'Page', 0, 1_000_000),
    ...(to === undefined ? {} : { to }),
    ...(from === undefined ? {} : { from }),
    ...(parent === undefined ? {} : { parentCallSid: parent }),
    ...(status === undefined || status === '' ? {} : { status: status as CallStatus }),
  };
}

/** Create the request handler. Mount it on any `node:http` server (or a framework). */
export function createCallsApiHandler(options: CallsApiOptions): RequestListener {
  const { engine, accounts } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 65_536;
  const settleMs = options.settleMs ?? 5000;
  const mount = mountPath(options.baseUrl);
  const limiter = options.authLimit === undefined ? null : createAuthLimiter(options.authLimit);
  const clientOf = options.clientAddress ?? ((req: IncomingMessage) => req.socket.remoteAddress ?? '');

  function ownCall(route: RouteMatch, callSid: string): CallRecord {
    const call = engine.get(callSid);
    // Another account's call is indistinguishable from a missing one.
    if (call === undefined || call.accountSid !== route.accountSid) {
      throw new RcmlError(20404, `call ${callSid} was not found`, { field: 'CallSid' });
    }
    return call;
  }

  async function serve(
    req: IncomingMessage,
    res: ServerResponse,
    format: Format,
    route: RouteMatch,
    query: string,
  ) {
    const root = `${mount}/${route.version}`;
    const suffix = route.suffix === '.json' ? '.json' : '';
    const one = (call: CallRecord, status = 200, headers: Record<string, string> = {}) =>
      send(res, status, format, renderCall(toCallResource(call, root, suffix), format), headers);
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'POST') {
      req.resume();
      throw new RcmlError(20004, `method ${method.slice(0, 20)} is not allowed here: use GET or POST`);
    }
    if (method === 'GET') {
      req.resume();
      if (route.callSid !== undefined) return one(ownCall(route, route.callSid));
      const params = parseForm(query);
      const filter = listFilter(route, params);
      const page = engine.list(filter);
      const filters: Record<string, string> = {};
      for (const name of ['To', 'From', 'Status', 'ParentCallSid']) {
        const value = params[name];
        if (value !== undefined && value !== '') filters[name] = value;
      }
      const list = toCallListResource(page, {
        root,
        accountSid: route.accountSid,
        suffix,
        filters,
      });
      return send(res, 200, format, renderCallList(list, format));
    }
    const params = parseBody(await readBody(req, maxBodyBytes), req.headers['content-type']);
    checkRequestUrls(params, options.urlCheck);
    // Any strings are accepted here; the engine validates them and reports what it does not
    // implement (13911), which the answer also lists in its warnings header.
    if (route.callSid === undefined) {
      // The call speaks the API version it was created through (ApiVersion, api_version).
      const created = engine.create(params as unknown as CreateCallParams, {
        accountSid: route.accountSid,
        apiVersion: route.version,
      });
      return one(created, 201, warningHeaders(params, 'create'));
    }
    ownCall(route, route.callSid);
    const changed = engine.modify(route.callSid, params as ModifyCallParams);
    const ending =
      params.Status !== undefined && params.Status.trim() !== '' && !isFinalStatus(changed.status);
    const shown = ending ? ((await settled(engine, changed.sid, settleMs)) ?? changed) : changed;
    return one(shown, 200, warningHeaders(params, 'modify'));
  }

  /** A request for a resource beside Calls (GET, POST or DELETE). */
  function serveOther(
    req: IncomingMessage,
    res: ServerResponse,
    format: Format,
    match: ResourceMatch,
    query: string,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'POST' && method !== 'DELETE') {
      req.resume();
      return Promise.reject(
        new RcmlError(20004, `method ${method.slice(0, 20)} is not allowed here: use GET, POST or DELETE`),
      );
    }
    if (method !== 'POST') req.resume();
    return serveResource({
      engine,
      res,
      format,
      match,
      method,
      query: parseForm(query),
      root: `${mount}/${match.version}`,
      body: async () => {
        const params = parseBody(await readBody(req, maxBodyBytes), req.headers['content-type']);
        checkRequestUrls(params, options.urlCheck);
        return params;
      },
    });
  }

  return (req, res) => {
    // Frameworks that mount handlers under a path (express) keep the full path in `originalUrl`.
    const rawUrl = originForm(
      (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/',
    );
    const q = rawUrl.indexOf('?');
    let pathname = q < 0 ? rawUrl : rawUrl.slice(0, q);
    const query = q < 0 ? '' : rawUrl.slice(q + 1);
    const suffix = pathSuffix(pathname);
    const format: Format =
      suffix === '.json' ? 'json' : suffix === '.xml' ? 'xml' : negotiate(req.headers.accept);
    const fail = (error: unknown) => {
      const body = toErrorBody(error);
      if (body.code === 20500) options.onError?.(error);
      const headers: Record<string, string> = {};
      if (body.status === 401) headers['WWW-Authenticate'] = REALM;
      if (body.status === 405) headers.Allow = 'GET, POST';
      if (body.status === 429) headers['Retry-After'] = String(retryAfterOf(error));
      if (body.status === 413) headers.Connection = 'close';
      try {
        send(res, body.status, format, renderError(body, format), headers);
      } catch (sendError) {
        options.onError?.(sendError);
        res.destroy();
      }
    };
    try {
      if (mount !== '') {
        if (pathname !== mount && !pathname.startsWith(`${mount}/`)) {
          throw new RcmlError(20404, 'no resource at this path');
        }
        pathname = pathname.slice(mount.length);
      }
      const route = matchRoute(pathname);
      // Recordings, Queues, Conferences and their sub-resources (resources/).
      const resource = route === undefined ? matchResource(pathname) : undefined;
      const accountSid = route?.accountSid ?? resource?.accountSid;
      if (accountSid === undefined) throw new RcmlError(20404, 'no resource at this path');
      // Over its budget of failures, a client is refused before its credentials are looked at.
      const client = limiter === null ? '' : clientOf(req);
      const wait = limiter === null ? 0 : limiter.retryAfter(client);
      if (wait > 0) throw new TooManyFailures(wait);
      if (!authenticate(req.headers.authorization, accountSid, accounts)) {
        if (req.headers.authorization !== undefined) limiter?.failed(client);
        throw new RcmlError(20003, 'authentication required: use HTTP Basic auth with AccountSid:AuthToken');
      }
      if (route !== undefined) serve(req, res, format, route, query).catch(fail);
      else serveOther(req, res, format, resource!, query).catch(fail);
    } catch (error) {
      req.resume();
      fail(error);
    }
  };
}
