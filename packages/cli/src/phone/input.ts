/**
 * What the caller types, turned into actions: keys `0-9 * # A-D` (and `a-d`) are DTMF, `h`
 * (or `q`, Ctrl-C, Ctrl-D) hangs up, and `s` starts a phrase: the words typed up to Enter
 * are spoken (for a speech `<Gather>`); Enter alone speaks for two seconds without words
 * (voice activity, for `<Record>`). The same byte stream works typed in a terminal and piped.
 */

/** One thing the caller does. */
export type CallerAction =
  | { readonly kind: 'dtmf'; readonly digit: string }
  /** `text` empty: voice without words. */
  | { readonly kind: 'speak'; readonly text: string }
  | { readonly kind: 'hangup' };

export interface InputReader {
  /** Feed typed text; returns the actions it completes, in order. */
  feed(text: string): CallerAction[];
  /** The phrase being typed after `s`, or undefined when not typing one. */
  readonly typing: string | undefined;
}

const ESCAPE = '\u001b';
const BACKSPACE = new Set(['\u007f', '\b']);

/** A fresh reader. */
export function createInputReader(): InputReader {
  let typing: string | undefined;
  return {
    get typing() {
      return typing;
    },
    feed(text) {
      const actions: CallerAction[] = [];
      for (const ch of text) {
        if (typing !== undefined) {
          if (ch === '\r' || ch === '\n') {
            actions.push({ kind: 'speak', text: typing.trim().replace(/\s+/g, ' ') });
            typing = undefined;
          } else if (ch === ESCAPE) typing = undefined;
          else if (ch === '\u0003' || ch === '\u0004') {
            typing = undefined;
            actions.push({ kind: 'hangup' });
          } else if (BACKSPACE.has(ch)) typing = [...typing].slice(0, -1).join('');
          else if (ch >= ' ') typing += ch;
          continue;
        }
        if (/^[0-9*#A-D]$/.test(ch)) actions.push({ kind: 'dtmf', digit: ch });
        else if (/^[a-d]$/.test(ch)) actions.push({ kind: 'dtmf', digit: ch.toUpperCase() });
        else if (ch === 's') typing = '';
        else if (ch === 'h' || ch === 'q' || ch === '\u0003' || ch === '\u0004') {
          actions.push({ kind: 'hangup' });
        }
      }
      return actions;
    },
  };
}

/** How long a spoken phrase lasts: 0.3 s a word, at least one second. */
export function phraseSeconds(text: string): number {
  const words = text.split(/\s+/).filter((w) => w !== '').length;
  return Math.max(1, Math.round(words * 0.3 * 10) / 10);
}
