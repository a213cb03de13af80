/**
 * A failed answer's body as one short line, for notices and logs: why the application said
 * no (`Twilio Request Validation Failed.`, a framework's error page's text).
 */

/** The longest line {@link bodyLine} returns, in characters. */
export const BODY_LINE_CHARS = 120;

/**
 * The first non-empty line of `body`'s text, spaces collapsed and cut to
 * {@link BODY_LINE_CHARS} (ending `…` when cut). A body starting with `<` is read as
 * markup: `head`, `script` and `style` are dropped and tags end lines. Empty when no text.
 */
export function bodyLine(body: string): string {
  const text = /^\s*</.test(body)
    ? body
        .replace(/<(script|style|head)\b[\s\S]*?<\/\1\s*>/gi, ' ')
        .replace(/<[^>]*>/g, '\n')
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&amp;/g, '&')
    : body;
  let line: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const flat = raw.replace(/\s+/g, ' ').trim();
    if (flat !== '') {
      line = flat;
      break;
    }
  }
  if (line === undefined) return '';
  const chars = [...line];
  return chars.length <= BODY_LINE_CHARS ? line : `${chars.slice(0, BODY_LINE_CHARS - 1).join('')}…`;
}
