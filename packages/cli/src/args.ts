/**
 * Reading command options with `node:util` `parseArgs`, turning its exceptions into clear
 * usage errors, and checking numbers.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

/** A usage mistake: the command prints the message and exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parse options; unknown options and missing values become a {@link UsageError}. */
export function parseOptions(
  args: readonly string[],
  options: Options,
  allowPositionals = false,
): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: [...args], options, allowPositionals, strict: true });
    return {
      values: parsed.values as Record<string, string | boolean | undefined>,
      positionals: parsed.positionals,
    };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** A number option within bounds, or the fallback when absent. */
export function numberOption(
  name: string,
  raw: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

/** An absolute http(s) URL option, or a {@link UsageError} naming the flag. */
export function httpUrlOption(flag: string, value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new UsageError(`${flag}: "${value}" is not an absolute URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`${flag}: "${value}" must be an http or https URL`);
  }
  return value;
}

/** A `GET`/`POST` option (any case), undefined when absent. */
export function httpMethodOption(flag: string, value: string | undefined): 'GET' | 'POST' | undefined {
  if (value === undefined) return undefined;
  const method = value.toUpperCase();
  if (method !== 'GET' && method !== 'POST')
    throw new UsageError(`${flag} must be GET or POST, got "${value}"`);
  return method;
}

const EVENTS = new Set(['initiated', 'ringing', 'answered', 'completed']);

/** A status-callback event list (comma- or space-separated), checked; undefined when absent. */
export function eventsOption(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const bad = value.split(/[\s,]+/).find((e) => e !== '' && !EVENTS.has(e));
  if (bad !== undefined) {
    throw new UsageError(`${flag}: "${bad}" is not one of initiated, ringing, answered, completed`);
  }
  return value;
}
