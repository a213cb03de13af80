/**
 * The one module that touches fast-xml-parser. It turns trimmed, well-formed RCML text (see
 * wellFormed.ts) into the parser's order-preserving tree. Entities are NOT
 * expanded here (`processEntities: false`): the walker decodes the five XML entities and
 * numeric references itself, so no DOCTYPE-declared or HTML entity can ever be expanded.
 */
import { XMLParser } from 'fast-xml-parser';

/**
 * The fast-xml-parser options of every parse; exported so the parse benchmark can run the raw
 * parser with exactly the same options as its baseline.
 */
export const XML_PARSER_OPTIONS = {
  preserveOrder: true,
  parseTagValue: false,
  parseAttributeValue: false,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  processEntities: false,
  htmlEntities: false,
  trimValues: false,
  cdataPropName: '#cdata',
  captureMetaData: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Depth is checked before parsing (limits.ts); this is only a backstop.
  maxNestedTags: 10_000,
} as const;

/** Key of the text entries of the ordered tree. */
export const TEXT_KEY = '#text';
/** Key of CDATA entries (their text is literal: no entity decoding). */
export const CDATA_KEY = '#cdata';
/** Key of the attribute map of an element entry. */
export const ATTR_KEY = ':@';

/**
 * One entry of the ordered tree: either `{ '#text': string }`, `{ '#cdata': [{ '#text' }] }`
 * or `{ [tagName]: XmlEntry[], ':@'?: attributes }` with a metadata symbol holding the
 * element's start index.
 */
export type XmlEntry = Record<string, unknown>;

/** Raw attribute map (values undecoded). */
export type XmlAttributes = Readonly<Record<string, string>>;

const parser = new XMLParser(XML_PARSER_OPTIONS);
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

/** Parse well-formed text into the ordered tree. Throws on what the parser itself refuses. */
export function parseXmlTree(text: string): XmlEntry[] {
  return parser.parse(text) as XmlEntry[];
}

/** The start index (in the parsed text) of an element entry, or -1. */
export function startIndexOf(entry: XmlEntry): number {
  const meta = (entry as Record<string | symbol, unknown>)[META] as { startIndex?: number } | undefined;
  return meta?.startIndex ?? -1;
}
