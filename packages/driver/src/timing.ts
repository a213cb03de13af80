/**
 * How long simulated media lasts: the timing model of the replay format's `media` section.
 */

/** Media timing and media facts of the simulated world (all fields optional on input). */
export interface MediaTiming {
  /** Seconds per Unicode code point of `<Say>` plain text, per loop (default 0.05). */
  readonly sayCharSeconds: number;
  /** Seconds one play of a URL lasts, by URL. */
  readonly playSeconds: Readonly<Record<string, number>>;
  /** Length of any URL not in `playSeconds` (default 2). */
  readonly defaultPlaySeconds: number;
  /** Seconds per DTMF key sent by `sendDigits` (default 0.1); `w` is 0.5 s, `W` 1 s. */
  readonly digitSeconds: number;
  /** Prefix of recording URLs (default `http://recordings.test/`). */
  readonly recordingBaseUrl: string;
  /** URLs that cannot be fetched: a play of one ends at once as `media-unavailable`. */
  readonly failUrls: readonly string[];
}

/** The replay format's defaults. */
export const DEFAULT_TIMING: MediaTiming = {
  sayCharSeconds: 0.05,
  playSeconds: {},
  defaultPlaySeconds: 2,
  digitSeconds: 0.1,
  recordingBaseUrl: 'http://recordings.test/',
  failUrls: [],
};

/** Fill in the defaults of a partial timing. */
export function resolveTiming(partial: Partial<MediaTiming> = {}): MediaTiming {
  const out: Record<string, unknown> = { ...DEFAULT_TIMING };
  for (const [key, value] of Object.entries(partial)) if (value !== undefined) out[key] = value;
  return out as unknown as MediaTiming;
}

/** Seconds a `say` lasts: code points (not UTF-16 units) of the plain text times loops. */
export function sayDuration(text: string, loop: number, timing: MediaTiming): number {
  return [...text].length * timing.sayCharSeconds * Math.max(1, loop);
}

/** Seconds a `play` of `url` lasts. */
export function playDuration(url: string, loop: number, timing: MediaTiming): number {
  const one = Object.hasOwn(timing.playSeconds, url) ? timing.playSeconds[url]! : timing.defaultPlaySeconds;
  return one * Math.max(1, loop);
}

/** Seconds sending `digits` lasts (`w` waits 0.5 s, `W` 1 s, any key `digitSeconds`). */
export function digitsDuration(digits: string, timing: MediaTiming): number {
  let total = 0;
  for (const ch of digits) total += ch === 'w' ? 0.5 : ch === 'W' ? 1 : timing.digitSeconds;
  return total;
}
