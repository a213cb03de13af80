/**
 * The terminal phone: an inbound call from "you" to an application, on the simulated driver
 * and the real clock. What the application says appears as it is spoken, keys typed are
 * DTMF, `s` talks for two seconds (for `<Record>`), `h` hangs up; a side log shows requests
 * and events. Works in a real terminal (raw-mode stdin) and in tmux.
 */
import { type CallStatus, isFinalStatus } from '@rcml/core';
import type { SimulatedFarEnd } from '@rcml/driver';
import { createRuntime } from '../runtime/createRuntime.js';
import { formatLine } from '../timeline/format.js';
import { applyOperation, createPhoneState } from './phoneState.js';
import { renderFrame } from './render.js';

/** The terminal: raw keys in, frames out. */
export interface Terminal {
  readonly input: NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(on: boolean): unknown };
  /** Not a TTY (piped): the log is printed line by line instead of a screen. */
  readonly output: { write(text: string): unknown; columns?: number; rows?: number; isTTY?: boolean };
}

export interface PhoneOptions {
  readonly url: string;
  readonly method: 'GET' | 'POST';
  readonly from: string;
  readonly to: string;
  /** Seconds per spoken character (default 0.05, about a speaking pace). */
  readonly sayCharSeconds: number;
  /** Seconds one `<Play>` lasts. */
  readonly playSeconds: number;
  /** A dialled party answers after this many seconds and hangs up after `legHangupAfter`. */
  readonly legAnswerAfter: number;
  readonly legHangupAfter: number;
  readonly terminal: Terminal;
}

const SPEAK_SECONDS = 2;
const FRAME_MS = 50;

/** Run one call; resolves with its final status when it has ended. */
export async function runPhone(options: PhoneOptions): Promise<string> {
  const { terminal } = options;
  const state = createPhoneState();
  const timers = new Set<NodeJS.Timeout>();
  const later = (fn: () => void, ms: number) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };
  const runtime = createRuntime({
    media: { sayCharSeconds: options.sayCharSeconds, defaultPlaySeconds: options.playSeconds },
    onOperation: (op) =>
      applyOperation(state, op, {
        charMs: options.sayCharSeconds * 1000,
        playMs: options.playSeconds * 1000,
        now: () => Date.now(),
      }),
    onCall: (call) => {
      if (call.kind !== 'leg') return;
      later(() => void call.farEnd.ring(), 0);
      later(() => void call.farEnd.answer(), options.legAnswerAfter * 1000);
      later(() => void call.farEnd.hangup(), options.legHangupAfter * 1000);
    },
  });
  const { engine, log, clock } = runtime;
  const t0 = clock.now();
  let mainSid: string | undefined;
  let resolveEnd: (status: string) => void = () => {};
  const ended = new Promise<string>((resolve) => {
    resolveEnd = resolve;
  });
  log.listen((entry) => {
    const line = formatLine(entry, { t0 });
    if (line !== undefined) state.log.push(line.trimStart());
    if (entry.kind === 'request' && entry.requestKind === 'fetch') state.mode = undefined;
    if (entry.kind === 'key') state.keys.push(entry.digit);
    if (entry.kind === 'status') {
      mainSid ??= entry.callSid;
      if (entry.callSid !== mainSid) return;
      state.status = entry.status;
      if (entry.status === 'in-progress') state.answeredAt = entry.at;
      if (isFinalStatus(entry.status as CallStatus)) {
        state.endedAt = entry.at;
        state.ended = `ended: ${entry.status}`;
        state.activity = undefined;
        state.mode = undefined;
        resolveEnd(entry.status);
      }
    }
  });

  const simulated = runtime.simulated;
  if (simulated === undefined) throw new Error('the terminal phone needs the simulated driver');
  const call = simulated.inbound({ from: options.from, to: options.to });
  const farEnd: SimulatedFarEnd = call.farEnd;

  const onKey = (data: Buffer | string) => {
    for (const ch of data.toString()) {
      if (/^[0-9*#A-D]$/.test(ch)) void farEnd.dtmf(ch);
      else if (/^[a-d]$/.test(ch)) void farEnd.dtmf(ch.toUpperCase());
      else if (ch === 's') {
        log.add({ kind: 'party', at: clock.now(), text: `speaks for ${SPEAK_SECONDS} s` });
        void farEnd.speak(SPEAK_SECONDS);
      } else if (ch === 'h' || ch === 'q' || ch === '\u0003' || ch === '\u0004') {
        if (state.ended === undefined) {
          log.add({ kind: 'party', at: clock.now(), text: 'hangs up' });
          void farEnd.hangup();
        }
      }
    }
  };
  terminal.input.setRawMode?.(true);
  terminal.input.on('data', onKey);
  terminal.input.resume();

  const screen = terminal.output.isTTY === true;
  if (!screen) {
    log.listen((entry) => {
      const line = formatLine(entry, { t0 });
      if (line !== undefined) terminal.output.write(`${line}\n`);
    });
  }
  let lastFrame = '';
  const draw = () => {
    if (!screen) return;
    const width = Math.max(40, terminal.output.columns ?? 100);
    const height = Math.max(12, (terminal.output.rows ?? 30) - 1);
    const frame = renderFrame(state, options.url, clock.now(), width, height);
    if (frame === lastFrame) return;
    lastFrame = frame;
    terminal.output.write(`\u001b[H${frame.split('\n').join('\u001b[K\n')}\u001b[K\u001b[J`);
  };
  if (screen) terminal.output.write('\u001b[2J\u001b[H\u001b[?25l');
  const ticker = setInterval(draw, FRAME_MS);

  try {
    engine.inbound(
      { From: options.from, To: options.to, Url: options.url, Method: options.method },
      runtime.observe(call.channel),
    );
    const status = await ended;
    await runtime.close({ deadlineMs: 3000 });
    draw();
    return status;
  } finally {
    clearInterval(ticker);
    for (const t of timers) clearTimeout(t);
    terminal.input.off('data', onKey);
    terminal.input.setRawMode?.(false);
    terminal.input.pause();
    if (screen) terminal.output.write('\u001b[?25h\n');
    await runtime.close({ deadlineMs: 0 }).catch(() => undefined);
  }
}
