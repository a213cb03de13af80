/**
 * Drawing the terminal phone: a header, the phone on the left (what was said, what is being
 * said now, character by character, a progress bar for `<Play>`, the keys pressed) and the
 * side log on the right (below on narrow terminals). Returns whole frames as text; the
 * caller writes them with cursor-home so the screen does not flicker.
 */
import { type PhoneState, spokenSoFar } from './phoneState.js';

const HELP = '0-9 * # A-D: keys   s: speak (words, Enter; Enter alone: 2 s)   h: hang up';

/** Wrap text to lines of at most `width` columns. */
export function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/)) {
      if (word === '') continue;
      let w = word;
      while ([...w].length > width) {
        if (line !== '') {
          out.push(line);
          line = '';
        }
        out.push([...w].slice(0, width).join(''));
        w = [...w].slice(width).join('');
      }
      if (line === '') line = w;
      else if ([...line].length + 1 + [...w].length <= width) line += ` ${w}`;
      else {
        out.push(line);
        line = w;
      }
    }
    out.push(line);
  }
  return out;
}

function fit(text: string, width: number): string {
  const chars = [...text];
  return chars.length > width
    ? `${chars.slice(0, width - 1).join('')}…`
    : text + ' '.repeat(width - chars.length);
}

function bar(fraction: number, width: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${Math.round(Math.min(1, fraction) * 100)}%`;
}

function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

function phoneLines(state: PhoneState, now: number, width: number, height: number): string[] {
  const current: string[] = [];
  const a = state.activity;
  if (a?.kind === 'say') current.push(...wrap(`“${spokenSoFar(a, now)}▌`, width));
  else if (a?.kind === 'play') {
    current.push(`♪ Playing ${a.url}`);
    current.push(bar((now - a.startedAt) / Math.max(1, a.durationMs), Math.max(10, width - 8)));
  } else if (a?.kind === 'pause') current.push(`(silence ${clock(now - a.startedAt)})`);
  else if (a?.kind === 'digits') current.push(`(tones ${a.digits})`);
  else if (a?.kind === 'dial') current.push(`Connecting to ${a.targets}…`);
  if (state.mode !== undefined) current.push(state.mode);
  if (state.typing !== undefined)
    current.push(...wrap(`You say: ${state.typing}▌ (Enter speaks, Esc cancels)`, width));
  const footer = ['', `Keys pressed: ${state.keys.join(' ') || '-'}`, HELP];
  const room = Math.max(0, height - current.length - footer.length - 1);
  const past = state.transcript.flatMap((line) => wrap(line, width)).slice(-room);
  return ['PHONE', ...past, ...current, ...Array(Math.max(0, room - past.length)).fill(''), ...footer];
}

/** One full frame, `width` x `height` characters, lines joined with `\n`. */
export function renderFrame(
  state: PhoneState,
  url: string,
  now: number,
  width: number,
  height: number,
): string {
  const elapsed = state.answeredAt === null ? 0 : (state.endedAt ?? now) - state.answeredAt;
  const header = fit(` rcml call  ${url}   ${state.ended ?? state.status}   ${clock(elapsed)}`, width);
  const body = height - 1;
  if (width >= 90) {
    const left = Math.floor(width * 0.55);
    const right = width - left - 3;
    const phone = phoneLines(state, now, left, body);
    const log = ['LOG', ...state.log.flatMap((l) => wrap(l, right)).slice(-(body - 1))];
    const rows = phone.map((line, i) => `${fit(line, left)} │ ${fit(log[i] ?? '', right)}`);
    return [header, ...rows].join('\n');
  }
  const phoneHeight = Math.ceil(body * 0.6);
  const phone = phoneLines(state, now, width, phoneHeight);
  const logHeight = body - phone.length;
  const log = ['LOG', ...state.log.flatMap((l) => wrap(l, width)).slice(-(logHeight - 1))];
  return [header, ...phone.map((l) => fit(l, width)), ...log.map((l) => fit(l, width))]
    .slice(0, height)
    .join('\n');
}
