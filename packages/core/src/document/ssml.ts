/**
 * The content of `<Say>`: plain text, or text mixed with the SSML elements of spec 4.1. For SSML
 * the inner markup is re-serialized canonically (double-quoted, escaped attributes; empty
 * elements self-closed) and the plain text is the text with the tags removed, nothing inserted
 * (`Hello<break/>world` is `Helloworld`), trimmed at both ends only: inner whitespace stays as
 * written, exactly as in a `<Say>` without SSML (spec 4.1 "plain text (tags removed)", 3).
 */
import type { WalkContext } from './context.js';
import { decodeEntities, escapeAttribute, escapeText } from './entities.js';
import { misplacedMessage, SSML_NAMES, tagOf } from './schema.js';
import { ATTR_KEY, CDATA_KEY, startIndexOf, TEXT_KEY, type XmlAttributes, type XmlEntry } from './xml.js';

/** What a `<Say>` holds. */
export interface SayContent {
  readonly text: string;
  /** Present when at least one SSML element was found. */
  readonly ssml?: string;
}

/** Read the children of a `<Say>`; fails the walk with 12200 on a non-SSML element. */
export function readSayContent(
  children: readonly XmlEntry[],
  path: string,
  context: WalkContext,
): SayContent {
  // Fast path: only text (the common case).
  let plain = '';
  let simple = true;
  for (const entry of children) {
    const tag = tagOf(entry);
    if (tag === TEXT_KEY) plain += decodeOrFail(entry[TEXT_KEY] as string, path, context);
    else if (tag === CDATA_KEY) plain += cdataText(entry);
    else if (tag !== undefined) {
      simple = false;
      break;
    }
  }
  if (simple) return { text: plain.trim() };
  const state: SsmlState = { ssml: '', text: '' };
  appendChildren(children, path, 'Say', context, state);
  return { text: state.text.trim(), ssml: state.ssml.trim() };
}

interface SsmlState {
  ssml: string;
  text: string;
}

function appendChildren(
  children: readonly XmlEntry[],
  path: string,
  parent: string,
  context: WalkContext,
  state: SsmlState,
): void {
  const counters = new Map<string, number>();
  for (const entry of children) {
    const tag = tagOf(entry);
    if (tag === undefined) continue;
    if (tag === TEXT_KEY) {
      const text = decodeOrFail(entry[TEXT_KEY] as string, path, context);
      state.text += text;
      state.ssml += escapeText(text);
      continue;
    }
    if (tag === CDATA_KEY) {
      const text = cdataText(entry);
      state.text += text;
      state.ssml += escapeText(text);
      continue;
    }
    const index = (counters.get(tag) ?? 0) + 1;
    counters.set(tag, index);
    const childPath = `${path}/${tag}[${index}]`;
    if (!SSML_NAMES.has(tag)) {
      const line = context.lineOf(startIndexOf(entry));
      context.fail(
        12200,
        misplacedMessage(tag, parent, childPath),
        line === undefined ? { path: childPath } : { path: childPath, line },
      );
    }
    const attributes = entry[ATTR_KEY] as XmlAttributes | undefined;
    let open = `<${tag}`;
    if (attributes !== undefined) {
      for (const name in attributes) {
        const value = decodeEntities(attributes[name] as string);
        if (value === null)
          context.fail(12100, `<${tag}> ${name}: invalid character reference`, { path: childPath });
        open += ` ${name}="${escapeAttribute(value)}"`;
      }
    }
    const inner = entry[tag] as XmlEntry[];
    if (inner.length === 0) {
      state.ssml += `${open}/>`;
    } else {
      state.ssml += `${open}>`;
      appendChildren(inner, childPath, tag, context, state);
      state.ssml += `</${tag}>`;
    }
  }
}

/** The literal text of a CDATA entry. */
export function cdataText(entry: XmlEntry): string {
  const parts = entry[CDATA_KEY] as XmlEntry[];
  let out = '';
  for (const part of parts) out += (part[TEXT_KEY] as string | undefined) ?? '';
  return out;
}

/** Decoded text; fails the walk with 12100 on a reference XML does not allow. */
export function decodeOrFail(raw: string, path: string, context: WalkContext): string {
  const decoded = decodeEntities(raw);
  // Stryker disable next-line StringLiteral,ObjectLiteral: unreachable through parseDocument: scanMarkup (parse.ts) refuses every '&' that referenceLength refuses before the walk, and decodeEntities refuses exactly those, so decoded is never null here
  if (decoded === null) context.fail(12100, `invalid character reference in the text of ${path}`, { path });
  return decoded;
}
