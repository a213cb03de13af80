/**
 * A progress display for fuzz runs on a terminal stream: a bar redrawn in place on a TTY
 * (at most ten times a second), plain lines every tenth of the run otherwise (CI logs,
 * pipes), so a log file does not fill with carriage returns.
 */
import type { FuzzProgress } from './fuzz.js';

/** The part of a writable stream the display needs. */
export interface ProgressStream {
  /** Write text to the stream. */
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

/** Shows progress; `done()` ends the display (clears the bar line on a TTY). */
export interface ProgressDisplay {
  /** Show the latest progress. */
  update(progress: FuzzProgress): void;
  /** End the display. */
  done(): void;
}

const WIDTH = 30;

function rate(done: number, ms: number): number {
  return ms <= 0 ? 0 : Math.round((done * 1000) / ms);
}

/** A progress display on `stream`; `now` is injectable so tests see deterministic output. */
export function createProgressDisplay(
  stream: ProgressStream,
  now: () => number = () => performance.now(),
): ProgressDisplay {
  const started = now();
  let lastDraw = -Infinity;
  let lastLineTenth = 0;
  let drawn = false;
  let shrinking = false;
  return {
    update(p) {
      const elapsed = now() - started;
      if (p.phase === 'shrink') {
        if (shrinking) return;
        shrinking = true;
        if (stream.isTTY === true && drawn) stream.write('\r\x1b[2K');
        stream.write(`fuzz: shrinking counterexamples (${p.failing} failing run(s))...\n`);
        drawn = false;
        return;
      }
      if (stream.isTTY === true) {
        if (p.done < p.total && now() - lastDraw < 100) return;
        lastDraw = now();
        const filled = p.total === 0 ? WIDTH : Math.round((p.done / p.total) * WIDTH);
        const bar = `${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}`;
        const percent = p.total === 0 ? 100 : Math.floor((p.done / p.total) * 100);
        stream.write(
          `\r\x1b[2K[${bar}] ${String(percent).padStart(3)}% ${p.done}/${p.total}  ${rate(p.done, elapsed)} calls/s  ${p.failing} failing`,
        );
        drawn = true;
        return;
      }
      const tenth = p.total === 0 ? 10 : Math.floor((p.done / p.total) * 10);
      if (tenth > lastLineTenth) {
        lastLineTenth = tenth;
        stream.write(
          `fuzz: ${p.done}/${p.total} runs, ${rate(p.done, elapsed)} calls/s, ${p.failing} failing\n`,
        );
      }
    },
    done() {
      if (stream.isTTY === true && drawn) stream.write('\n');
      drawn = false;
    },
  };
}
