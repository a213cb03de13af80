/**
 * Small typed checks for scenario validation. Each check names the offending field path
 * (`party[2].digits`) and the reason; the message never carries a stack trace.
 */
import { RcmlError } from '@rcml/core';

/** A scenario that does not follow the replay format. `field` is the path of the offending field. */
function scenarioError(file: string, path: string, reason: string): RcmlError {
  return new RcmlError(20001, `${file}: ${path === '' ? 'scenario' : path}: ${reason}`, {
    field: path === '' ? 'scenario' : path,
  });
}

/** A JSON object being checked. */
export type Json = Record<string, unknown>;

/** Checks bound to one file. */
export interface Checker {
  fail(path: string, reason: string): never;
  object(value: unknown, path: string): Json;
  array(value: unknown, path: string): unknown[];
  string(value: unknown, path: string, options?: { nonEmpty?: boolean }): string;
  number(value: unknown, path: string, options?: { min?: number; above?: number; integer?: boolean }): number;
  boolean(value: unknown, path: string): boolean;
  oneOf<T extends string>(value: unknown, allowed: readonly T[], path: string): T;
  /**
   * Keys not in `allowed`: refused where they would silently disable an assertion (`strict`:
   * everything under `expect`), otherwise collected in `warnings` and ignored, so that scenario
   * files written by others with extra annotations run unchanged.
   */
  onlyKeys(object: Json, allowed: readonly string[], path: string, strict?: boolean): void;
  /** Unknown fields that were ignored, as printable messages. */
  readonly warnings: string[];
  /** Require a key. */
  has(object: Json, key: string, path: string): unknown;
}

const describe = (value: unknown): string =>
  value === null
    ? 'null'
    : Array.isArray(value)
      ? 'a list'
      : typeof value === 'object'
        ? 'an object'
        : JSON.stringify(value);

/** `$schema`, `_note`, `// why`: the usual ways to annotate JSON, ignored wherever they stand. */
export function isCommentKey(key: string): boolean {
  return key.startsWith('$') || key.startsWith('_') || key.startsWith('//');
}

/** Checks whose errors name `file`. */
export function createChecker(file: string): Checker {
  const join = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);
  const c: Checker = {
    fail(path, reason) {
      throw scenarioError(file, path, reason);
    },
    object(value, path) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        c.fail(path, `must be an object, got ${describe(value)}`);
      }
      return value as Json;
    },
    array(value, path) {
      if (!Array.isArray(value)) c.fail(path, `must be a list, got ${describe(value)}`);
      return value as unknown[];
    },
    string(value, path, options = {}) {
      if (typeof value !== 'string') c.fail(path, `must be a string, got ${describe(value)}`);
      if (options.nonEmpty && (value as string).trim() === '') c.fail(path, 'must not be empty');
      return value as string;
    },
    number(value, path, options = {}) {
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        c.fail(path, `must be a number, got ${describe(value)}`);
      }
      const n = value as number;
      if (options.integer && !Number.isInteger(n)) c.fail(path, `must be a whole number, got ${n}`);
      if (options.min !== undefined && n < options.min)
        c.fail(path, `must be at least ${options.min}, got ${n}`);
      if (options.above !== undefined && n <= options.above) {
        c.fail(path, `must be more than ${options.above}, got ${n}`);
      }
      return n;
    },
    boolean(value, path) {
      if (typeof value !== 'boolean') c.fail(path, `must be true or false, got ${describe(value)}`);
      return value as boolean;
    },
    oneOf(value, allowed, path) {
      if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
        c.fail(path, `must be one of ${allowed.map((a) => `"${a}"`).join(', ')}, got ${describe(value)}`);
      }
      return value as (typeof allowed)[number];
    },
    onlyKeys(object, allowed, path, strict = false) {
      for (const key of Object.keys(object)) {
        if (allowed.includes(key) || isCommentKey(key)) continue;
        const reason = `unknown field (allowed here: ${allowed.join(', ') || 'none'})`;
        if (strict) c.fail(join(path, key), reason);
        c.warnings.push(`${file}: ${join(path, key)}: ${reason}; ignored`);
      }
    },
    warnings: [],
    has(object, key, path) {
      if (!Object.hasOwn(object, key) || object[key] === undefined) c.fail(join(path, key), 'is required');
      return object[key];
    },
  };
  return c;
}
