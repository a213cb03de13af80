/**
 * The markup scan that runs before the XML parser: one pass from `<` to `<` (native `indexOf`
 * jumps, no regular expressions) that refuses a DOCTYPE before anything else can read it, stops
 * at the first element nested deeper than the limit, and checks the well-formedness rules the
 * lenient parser does not: matching end tags, quoted and unique attributes, names, references,
 * one root element, no text outside it. The parser then only ever sees well-formed text.
 */
import { referenceLength } from './entities.js';

/** What the scan found wrong, with the index where it was found. */
export type ScanProblem =
  | { readonly kind: 'doctype'; readonly index: number }
  | { readonly kind: 'depth'; readonly index: number }
  | { readonly kind: 'malformed'; readonly index: number; readonly message: string };

/** Scan trimmed text; null when it is well-formed and within the depth limit. */
export function scanMarkup(text: string, maxDepth: number): ScanProblem | null {
  return new Scanner(text, maxDepth).run();
}

class Scanner {
  private readonly names: string[] = [];
  private readonly starts: number[] = [];
  // Stryker disable next-line UnaryOperator: any start value below every region start behaves the same; the first references() call starts at index 3 or more ('<a>' or '<a b="'), so 2 is refreshed like -2
  private nextAmp = -2;

  constructor(
    private readonly text: string,
    private readonly maxDepth: number,
  ) {}

  run(): ScanProblem | null {
    const text = this.text;
    const n = text.length;
    let rootDone = false;
    let rootSeen = false;
    let pos = 0;
    while (pos < n) {
      const lt = text.indexOf('<', pos);
      const textEnd = lt === -1 ? n : lt;
      if (textEnd > pos) {
        const problem =
          this.names.length === 0 ? outsideText(text, pos, textEnd) : this.references(pos, textEnd);
        if (problem !== null) return problem;
      }
      if (lt === -1) break;
      const c1 = text.charCodeAt(lt + 1);
      if (c1 === 33 /* ! */) {
        if (text.startsWith('<!--', lt)) {
          const end = text.indexOf('-->', lt + 4);
          if (end === -1) return malformed(lt, 'unterminated comment');
          pos = end + 3;
        } else if (text.startsWith('<![CDATA[', lt)) {
          if (this.names.length === 0) return malformed(lt, 'CDATA outside the root element');
          const end = text.indexOf(']]>', lt + 9);
          if (end === -1) return malformed(lt, 'unterminated CDATA section');
          pos = end + 3;
        } else if (text.startsWith('<!DOCTYPE', lt) || text.startsWith('<!doctype', lt)) {
          return { kind: 'doctype', index: lt };
        } else {
          return malformed(lt, "unexpected '<!'");
        }
      } else if (c1 === 63 /* ? */) {
        const end = text.indexOf('?>', lt + 2);
        if (end === -1) return malformed(lt, 'unterminated processing instruction');
        if (lt !== 0 && isXmlDeclaration(text, lt))
          return malformed(lt, 'the XML declaration must come first');
        pos = end + 2;
      } else if (c1 === 47 /* / */) {
        const result = this.endTag(lt);
        if (typeof result !== 'number') return result;
        pos = result;
        if (this.names.length === 0) rootDone = true;
      } else {
        if (rootDone) return malformed(lt, 'more than one root element');
        const result = this.startTag(lt);
        if (typeof result !== 'number') return result;
        pos = result;
        rootSeen = true;
        if (this.names.length === 0) rootDone = true;
      }
    }
    const open = this.names.length;
    if (open > 0) {
      return malformed(this.starts[open - 1] as number, `<${this.names[open - 1]}> is not closed`);
    }
    if (!rootSeen) return malformed(0, 'no root element');
    return null;
  }

  /** Scan `</name>`; returns the index after it or a problem. */
  private endTag(lt: number): number | ScanProblem {
    const text = this.text;
    const nameEnd = nameEndAt(text, lt + 2);
    const expected = this.names.pop();
    this.starts.pop();
    if (expected === undefined)
      return malformed(lt, `end tag </${text.slice(lt + 2, nameEnd)}> without a start tag`);
    if (nameEnd - lt - 2 !== expected.length || !text.startsWith(expected, lt + 2)) {
      return malformed(lt, `expected </${expected}> but found </${text.slice(lt + 2, nameEnd)}>`);
    }
    const name = expected;
    const gt = skipSpace(text, nameEnd);
    if (text.charCodeAt(gt) !== 62 /* > */) return malformed(lt, `end tag </${name}> is not closed with '>'`);
    return gt + 1;
  }

  /** Scan a start tag with its attributes; returns the index after it or a problem. */
  private startTag(lt: number): number | ScanProblem {
    const text = this.text;
    const nameEnd = nameEndAt(text, lt + 1);
    if (nameEnd === lt + 1) return malformed(lt, "invalid element name after '<'");
    // Attribute names as [start, end) pairs, for the repeated-attribute check.
    let seen: number[] | null = null;
    // Stryker disable next-line UnaryOperator: k (an attribute's opening quote) is at least lt + 4, so a start value of 2 is refreshed at the first attribute exactly like -2
    let nextLess = -2; // next '<' at or after the current value, searched once per tag
    let i = nameEnd;
    for (;;) {
      const j = skipSpace(text, i);
      const c = text.charCodeAt(j);
      if (c === 62 /* > */) {
        this.names.push(text.slice(lt + 1, nameEnd));
        this.starts.push(lt);
        if (this.names.length > this.maxDepth) return { kind: 'depth', index: lt };
        // Stryker disable next-line ArithmeticOperator: j - 1 only makes the text region after the tag start at the last character before the '>' (a name character, a space or a closing quote), and neither that character nor the '>' is a '&', so references() finds the same '&'s; the next '<' is after the '>'
        return j + 1;
      }
      if (c === 47 /* / */) {
        if (text.charCodeAt(j + 1) !== 62)
          return malformed(j, `${tagAt(text, lt)}: '/' must be followed by '>'`);
        return j + 2;
      }
      if (Number.isNaN(c)) return malformed(lt, `${tagAt(text, lt)} is not closed with '>'`);
      if (j === i) return malformed(j, `${tagAt(text, lt)}: attributes must be separated by white space`);
      const attributeEnd = nameEndAt(text, j);
      if (attributeEnd === j) return malformed(j, `${tagAt(text, lt)}: unexpected character '${text[j]}'`);
      let k = skipSpace(text, attributeEnd);
      if (text.charCodeAt(k) !== 61 /* = */) {
        return malformed(j, `${tagAt(text, lt)} attribute ${text.slice(j, attributeEnd)} has no value`);
      }
      k = skipSpace(text, k + 1);
      const quote = text.charCodeAt(k);
      if (quote !== 34 && quote !== 39) {
        return malformed(
          k,
          `${tagAt(text, lt)} attribute ${text.slice(j, attributeEnd)}: value is not quoted`,
        );
      }
      const close = text.indexOf(quote === 34 ? '"' : "'", k + 1);
      if (close === -1)
        return malformed(
          k,
          `${tagAt(text, lt)} attribute ${text.slice(j, attributeEnd)}: value is not closed`,
        );
      if (nextLess !== -1 && nextLess <= k) nextLess = text.indexOf('<', k + 1);
      if (nextLess !== -1 && nextLess < close) {
        return malformed(
          nextLess,
          `${tagAt(text, lt)} attribute ${text.slice(j, attributeEnd)}: '<' in a value`,
        );
      }
      // Stryker disable next-line ArithmeticOperator: k - 1 only adds the opening quote and the '=' or white space before it to the region, none of them a '&', so references() finds the same '&'s
      const problem = this.references(k + 1, close);
      if (problem !== null) return problem;
      if (seen === null) seen = [j, attributeEnd];
      else {
        if (isRepeated(text, seen, j, attributeEnd)) {
          return malformed(j, `${tagAt(text, lt)} attribute ${text.slice(j, attributeEnd)} is repeated`);
        }
        seen.push(j, attributeEnd);
      }
      i = close + 1;
    }
  }

  /** Check every `&` in [from, to) starts an allowed reference. Amortised: `&` is searched once. */
  private references(from: number, to: number): ScanProblem | null {
    const text = this.text;
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator,UnaryOperator: a cache: regions come in increasing order and nextAmp is the first '&' after the last one read, so searching again from `from` (always, or when nextAmp is -1 or equals from) finds the same '&'
    if (this.nextAmp !== -1 && this.nextAmp < from) this.nextAmp = text.indexOf('&', from);
    while (this.nextAmp !== -1 && this.nextAmp < to) {
      const length = referenceLength(text, this.nextAmp);
      // A valid reference holds only '&', letters, digits, '#' and ';', never the '<' or quote
      // that ends the region, so it always ends within the region.
      if (length === -1) {
        return malformed(
          this.nextAmp,
          "'&' must start a reference such as &amp; (only the five XML entities and numeric references)",
        );
      }
      this.nextAmp = text.indexOf('&', this.nextAmp + length);
    }
    return null;
  }
}

function malformed(index: number, message: string): ScanProblem {
  return { kind: 'malformed', index, message };
}

function outsideText(text: string, from: number, to: number): ScanProblem | null {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 9 && c !== 13) return malformed(i, 'text outside the root element');
  }
  return null;
}

function isXmlDeclaration(text: string, lt: number): boolean {
  if (!text.startsWith('<?xml', lt)) return false;
  const c = text.charCodeAt(lt + 5);
  return c === 32 || c === 9 || c === 10 || c === 13 || c === 63;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 9 && c !== 13) return i;
    i++;
  }
}

/** `<name` of the start tag at `lt`, for messages. */
function tagAt(text: string, lt: number): string {
  return `<${text.slice(lt + 1, nameEndAt(text, lt + 1))}>`;
}

/** Whether the name [start, end) equals one of the [start, end) pairs already seen. */
function isRepeated(text: string, seen: readonly number[], start: number, end: number): boolean {
  const length = end - start;
  for (let p = 0; p < seen.length; p += 2) {
    const other = seen[p] as number;
    if ((seen[p + 1] as number) - other !== length) continue;
    let i = 0;
    while (i < length && text.charCodeAt(start + i) === text.charCodeAt(other + i)) i++;
    if (i === length) return true;
  }
  return false;
}

/** 1 for characters that may go on an XML name (ASCII part), 2 for those that may start one too. */
const NAME_CHARS = (() => {
  const table = new Uint8Array(128);
  for (let c = 0; c < 128; c++) {
    const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 58;
    if (letter) table[c] = 2;
    else if ((c >= 48 && c <= 57) || c === 45 || c === 46) table[c] = 1;
  }
  return table;
})();

/**
 * End of an XML name starting at `from` (== from when there is none). Names start with a
 * letter, `_`, `:` or any non-ASCII character and go on with those, digits, `-` and `.`.
 */
function nameEndAt(text: string, from: number): number {
  const n = text.length;
  if (from >= n) return from;
  const first = text.charCodeAt(from);
  if (first < 128 && NAME_CHARS[first] !== 2) return from;
  let i = from + 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c < 128 && NAME_CHARS[c] === 0) break;
    i++;
  }
  return i;
}
