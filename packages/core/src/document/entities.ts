/**
 * Character references of XML text: the five predefined entities and numeric references,
 * nothing else. Anything else after `&` makes the document not well-formed, as in XML.
 */

const NAMED: Readonly<Record<string, string>> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decoded text, or null when the text holds a reference XML does not allow. */
export function decodeEntities(raw: string): string | null {
  let amp = raw.indexOf('&');
  if (amp === -1) return raw;
  let out = '';
  let last = 0;
  while (amp !== -1) {
    const semi = raw.indexOf(';', amp + 1);
    // Stryker disable next-line LogicalOperator,UnaryOperator: unreachable through parseDocument: the well-formedness scan (referenceLength) refuses every '&' with no ';' within 12 characters before any text is decoded, so here semi is never -1, never more than 12 past amp, and never 1 (the shortest reference, &lt;, puts ';' 3 past '&')
    if (semi === -1 || semi - amp > 12) return null;
    const name = raw.slice(amp + 1, semi);
    let value: string | undefined;
    if (name.charCodeAt(0) === 35 /* # */) {
      value = numeric(name);
    } else {
      value = Object.hasOwn(NAMED, name) ? NAMED[name] : undefined;
    }
    if (value === undefined) return null;
    out += raw.slice(last, amp) + value;
    last = semi + 1;
    amp = raw.indexOf('&', last);
  }
  return out + raw.slice(last);
}

function numeric(name: string): string | undefined {
  const hex = name.charCodeAt(1) === 120; /* x */
  const digits = name.slice(hex ? 2 : 1);
  if (!(hex ? /^[0-9a-fA-F]+$/ : /^[0-9]+$/).test(digits)) return undefined;
  const code = Number.parseInt(digits, hex ? 16 : 10);
  // XML Char production: no NUL, no surrogates, no U+FFFE/U+FFFF, nothing above U+10FFFF.
  const ok =
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff);
  return ok ? String.fromCodePoint(code) : undefined;
}

/** Escape text content for XML. */
export function escapeText(text: string): string {
  return text.replace(/[&<>\r]/g, (c) => ATTR_ESCAPES[c] ?? c);
}

/** Escape an attribute value for a double-quoted XML attribute. */
export function escapeAttribute(value: string): string {
  return value.replace(/[&<>"\n\r\t]/g, (c) => ATTR_ESCAPES[c] ?? c);
}

const ATTR_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  '\n': '&#10;',
  '\r': '&#13;',
  '\t': '&#9;',
};

/**
 * Length of the character reference starting at `amp` (`&amp;` → 5), or -1 when it is not one
 * XML allows (the five predefined entities, decimal or hexadecimal references to XML chars).
 */
export function referenceLength(text: string, amp: number): number {
  const semi = text.indexOf(';', amp + 1);
  if (semi === -1 || semi - amp > 12) return -1;
  const name = text.slice(amp + 1, semi);
  if (name.charCodeAt(0) === 35 /* # */) return numeric(name) === undefined ? -1 : semi - amp + 1;
  return Object.hasOwn(NAMED, name) ? semi - amp + 1 : -1;
}
