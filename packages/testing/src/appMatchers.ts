/**
 * Assertions on an {@link AppCall}, usable with any test runner: plain functions that throw
 * an `AssertionError` with a readable message, and the same checks as matchers for
 * `expect.extend` (vitest or Jest), with no dependency on either.
 */
import { AssertionError } from 'node:assert';
import type { AppCall, AppRequest } from './callApp.js';

/** Parameters a request must carry: each listed with that exact value; `null` means absent. */
export type ExpectedParams = Readonly<Record<string, string | null>>;

function routeMatches(request: AppRequest, route: string): boolean {
  return route.includes('://') ? request.url === route : request.path === route;
}

function paramsMatch(request: AppRequest, params: ExpectedParams | undefined): boolean {
  if (params === undefined) return true;
  return Object.entries(params).every(([name, value]) =>
    value === null ? !Object.hasOwn(request.params, name) : request.params[name] === value,
  );
}

/** The requests of `call` to `route` (a path like `/menu`, or a full URL) carrying `params`. */
export function requestsTo(call: AppCall, route: string, params?: ExpectedParams): AppRequest[] {
  return call.requests.filter((r) => routeMatches(r, route) && paramsMatch(r, params));
}

function describeRequests(call: AppCall): string {
  if (call.requests.length === 0) return '  (no request at all)';
  return call.requests
    .map((r) => {
      const shown = Object.entries(r.params)
        .filter(([k]) => !['AccountSid', 'ApiVersion', 'CallSid', 'To', 'Called'].includes(k))
        .map(([k, v]) => `${k}=${v}`)
        .join(' ');
      return `  ${r.at.toFixed(2)}s ${r.method} ${r.path} ${shown}`;
    })
    .join('\n');
}

function show(params: ExpectedParams | undefined): string {
  return params === undefined ? '' : ` with ${JSON.stringify(params)}`;
}

/** Whether `call` requested `route` (with `params`), and the message either way. */
export function checkRequested(
  call: AppCall,
  route: string,
  params?: ExpectedParams,
): {
  /** Whether the check holds. */
  pass: boolean;
  /** What to report, phrased for a passing or a failing check. */
  message: () => string;
} {
  const found = requestsTo(call, route, params);
  return {
    pass: found.length > 0,
    message: () =>
      found.length > 0
        ? `expected the call not to request ${route}${show(params)}, but it did at ${found[0]!.at}s`
        : `expected the call to request ${route}${show(params)}; the application received:\n${describeRequests(call)}`,
  };
}

/** Whether `call` ended with `status` (and, when given, lasted `duration` seconds). */
export function checkEndedWith(
  call: AppCall,
  status: string,
  duration?: number,
): {
  /** Whether the check holds. */
  pass: boolean;
  /** What to report, phrased for a passing or a failing check. */
  message: () => string;
} {
  const final = call.final;
  const pass =
    final !== null && final.status === status && (duration === undefined || final.duration === duration);
  const wanted = `${status}${duration === undefined ? '' : ` after ${duration} s`}`;
  const actual = final === null ? 'never started' : `${final.status} after ${final.duration} s`;
  return {
    pass,
    message: () =>
      pass
        ? `expected the call not to end ${wanted}`
        : `expected the call to end ${wanted}, but it ended ${actual}; the application received:\n${describeRequests(call)}`,
  };
}

/**
 * Throw unless the application received a request to `route` (a path such as `/menu`, or a
 * full URL) carrying `params` (each with that exact value; `null`: absent).
 */
export function assertRequested(call: AppCall, route: string, params?: ExpectedParams): AppRequest {
  const { pass, message } = checkRequested(call, route, params);
  if (!pass) throw new AssertionError({ message: message() });
  return requestsTo(call, route, params)[0]!;
}

/** Throw unless the call ended with `status` (and lasted `duration` seconds, when given). */
export function assertEndedWith(call: AppCall, status: string, duration?: number): void {
  const { pass, message } = checkEndedWith(call, status, duration);
  if (!pass) throw new AssertionError({ message: message() });
}

/** Throw unless the application received exactly these paths, in order (callbacks included unless `fetchesOnly`). */
export function assertRoutes(call: AppCall, paths: readonly string[], fetchesOnly = false): void {
  const actual = call.requests.filter((r) => !fetchesOnly || r.kind === 'fetch').map((r) => r.path);
  if (actual.length !== paths.length || actual.some((p, i) => p !== paths[i])) {
    throw new AssertionError({
      message: `expected the routes ${JSON.stringify(paths)}, got ${JSON.stringify(actual)}`,
      expected: paths,
      actual,
    });
  }
}

/**
 * Matchers for `expect.extend(appMatchers)` (vitest, Jest):
 * `expect(call).toHaveRequested('/menu', { Digits: '2' })`, `expect(call).toHaveEndedWith('completed')`.
 * Type them in vitest with a declaration file (see docs/testing-your-app.md).
 */
export const appMatchers = {
  /** `expect(call).toHaveRequested(route, params?)`: see {@link checkRequested}. */
  toHaveRequested(received: AppCall, route: string, params?: ExpectedParams) {
    return checkRequested(received, route, params);
  },
  /** `expect(call).toHaveEndedWith(status, duration?)`: see {@link checkEndedWith}. */
  toHaveEndedWith(received: AppCall, status: string, duration?: number) {
    return checkEndedWith(received, status, duration);
  },
};

/** The matchers' types, for augmenting your runner's `Assertion` interface. */
export interface AppMatchers<R = unknown> {
  /** The call requested `route` (with `params`, `null` meaning absent). */
  toHaveRequested(route: string, params?: ExpectedParams): R;
  /** The call ended with `status` (and, when given, lasted `duration` seconds). */
  toHaveEndedWith(status: string, duration?: number): R;
}
