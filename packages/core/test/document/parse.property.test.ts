/**
 * Properties of the document model (fast-check, fixed seeds, bounded runs): the parser is total,
 * valid documents round-trip through the serializer, one-mutation documents give their known
 * outcome, and out-of-range attribute values always give the warning and the default.
 */
import { ERROR_CODES, type ErrorCode, parseDocument, serializeDocument, type Verb } from '@rcml/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  nearValidDocumentXml,
  stripPositions,
  validDocument,
  validDocumentXml,
} from '../../../testing/src/arbitraries/documents.js';

const DOCUMENT_FAILURES = new Set<number>([12100, 12102, 12200, 12400]);

/** Parse and check the result is a document or a coded failure (a hang fails the test by its timeout). */
function total(text: string): void {
  const result = parseDocument(text);
  if (result.ok) {
    expect(Array.isArray(result.document.verbs)).toBe(true);
  } else {
    expect(DOCUMENT_FAILURES.has(result.error.code)).toBe(true);
    expect(result.error.message.length).toBeGreaterThan(0);
  }
  for (const warning of result.warnings) expect(Object.hasOwn(ERROR_CODES, warning.code)).toBe(true);
}

/** One random edit of a text: delete, insert or replace a character with a markup-heavy one. */
const edit = fc.tuple(
  fc.constantFrom('delete', 'insert', 'replace'),
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.constantFrom('<', '>', '/', '&', '"', "'", '=', ' ', '!', '?', '[', ']', 'x', '\u00e9', ';', '#'),
);
function applyEdit(text: string, [kind, at, ch]: [string, number, string]): string {
  const i = Math.floor(at * text.length);
  if (kind === 'delete') return text.slice(0, i) + text.slice(i + 1);
  if (kind === 'insert') return text.slice(0, i) + ch + text.slice(i);
  return text.slice(0, i) + ch + text.slice(i + 1);
}

describe('the parser is total', () => {
  it('on random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => total(s)),
      { seed: 1101, numRuns: 500 },
    );
  });

  it('on random strings made of markup characters', () => {
    const markup = fc.string({
      unit: fc.constantFrom(
        '<',
        '>',
        '/',
        'Response',
        'Say',
        'Gather',
        '&amp;',
        '&',
        '"',
        '=',
        ' ',
        'a',
        '<!--',
        '-->',
        '<![CDATA[',
        ']]>',
        '<?xml ?>',
      ),
      maxLength: 60,
    });
    fc.assert(
      fc.property(markup, (s) => total(s)),
      { seed: 1102, numRuns: 500 },
    );
  });

  it('on random bytes read as text', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
        total(Buffer.from(bytes).toString('utf8'));
        total(Buffer.from(bytes).toString('latin1'));
      }),
      { seed: 1103, numRuns: 300 },
    );
  });

  it('on valid documents with random edits', () => {
    fc.assert(
      fc.property(validDocumentXml(), fc.array(edit, { minLength: 1, maxLength: 4 }), (xml, edits) => {
        total(edits.reduce((text, e) => applyEdit(text, e), xml));
      }),
      { seed: 1104, numRuns: 400 },
    );
  });
});

describe('serializer round trip', () => {
  it('parse(serialize(d)) equals d, positions aside, with no warning', () => {
    fc.assert(
      fc.property(validDocument(), (document) => {
        const result = parseDocument(serializeDocument(document));
        if (!result.ok) throw new Error(`${result.error.code} ${result.error.message}`);
        expect(result.warnings).toEqual([]);
        expect(stripPositions(result.document)).toEqual(stripPositions(document));
      }),
      { seed: 1201, numRuns: 400 },
    );
  });

  it('serialize is stable: serialize(parse(serialize(d))) is serialize(d)', () => {
    fc.assert(
      fc.property(validDocumentXml(), (xml) => {
        const result = parseDocument(xml);
        expect(result.ok && serializeDocument(result.document)).toBe(xml);
      }),
      { seed: 1202, numRuns: 200 },
    );
  });
});

describe('one-mutation documents', () => {
  it('give the outcome their mutation implies', () => {
    fc.assert(
      fc.property(nearValidDocumentXml(), ({ xml, ok, expectedCode }) => {
        const result = parseDocument(xml);
        if (ok) {
          expect(result.ok).toBe(true);
          expect(result.warnings.map((w) => w.code)).toEqual([expectedCode]);
        } else {
          expect(result.ok).toBe(false);
          if (!result.ok) expect(result.error.code).toBe(expectedCode);
        }
      }),
      { seed: 1301, numRuns: 400 },
    );
  });
});

/** [verb template with {v}, attribute, code, how to read the typed value, the default]. */
type Case = readonly [string, string, ErrorCode, (verb: Verb) => unknown, unknown];
const get =
  (key: string) =>
  (verb: Verb): unknown =>
    (verb as unknown as Record<string, unknown>)[key];
const firstNoun = (key: string) => (verb: Verb) =>
  ((verb as unknown as { nouns: Record<string, unknown>[] }).nouns[0] as Record<string, unknown>)[key];

/** Integer attributes and their valid ranges: values outside must warn and use the default. */
const RANGES: readonly (readonly [Case, number, number])[] = [
  [['<Pause length="{v}"/>', 'length', 13901, get('length'), 1], 1, 2_147_483],
  [['<Gather timeout="{v}"/>', 'timeout', 13301, get('timeout'), 5], 1, 2_147_483],
  [['<Record timeout="{v}"/>', 'timeout', 13601, get('timeout'), 5], 0, 2_147_483],
  [['<Record maxLength="{v}"/>', 'maxLength', 13601, get('maxLength'), 3600], 1, 14_400],
  [['<Dial timeout="{v}">1</Dial>', 'timeout', 13201, get('timeout'), 30], 5, 600],
  [['<Dial timeLimit="{v}">1</Dial>', 'timeLimit', 13201, get('timeLimit'), 14_400], 1, 2_147_483],
  [
    [
      '<Dial><Conference maxParticipants="{v}">r</Conference></Dial>',
      'maxParticipants',
      13201,
      firstNoun('maxParticipants'),
      250,
    ],
    2,
    250,
  ],
];

/** Attributes with a fixed set of values: anything else must warn and use the default. */
const ENUMS: readonly (readonly [Case, readonly string[]])[] = [
  [['<Say voice="man" language="{v}">x</Say>', 'language', 13501, get('language'), 'en-US'], []],
  [
    ['<Gather finishOnKey="{v}"/>', 'finishOnKey', 13301, get('finishOnKey'), '#'],
    ['', ...'0123456789*#'],
  ],
  [
    ['<Gather input="{v}"/>', 'input', 13301, get('input'), 'dtmf'],
    ['dtmf', 'speech', 'dtmf speech', 'speech dtmf'],
  ],
  [
    ['<Gather bargeIn="{v}"/>', 'bargeIn', 13301, get('bargeIn'), true],
    ['true', 'false'],
  ],
  [
    ['<Gather method="{v}"/>', 'method', 13301, get('method'), 'POST'],
    ['GET', 'POST'],
  ],
  [
    ['<Record trim="{v}"/>', 'trim', 13601, get('trim'), 'trim-silence'],
    ['trim-silence', 'do-not-trim'],
  ],
  [
    ['<Record playBeep="{v}"/>', 'playBeep', 13601, get('playBeep'), true],
    ['true', 'false'],
  ],
  [
    ['<Dial record="{v}">1</Dial>', 'record', 13201, get('record'), 'do-not-record'],
    [
      'true',
      'false',
      'do-not-record',
      'record-from-answer',
      'record-from-ringing',
      'record-from-answer-dual',
      'record-from-ringing-dual',
    ],
  ],
  [
    ['<Dial><Conference beep="{v}">r</Conference></Dial>', 'beep', 13201, firstNoun('beep'), 'true'],
    ['true', 'false', 'onEnter', 'onExit'],
  ],
  [
    ['<Redirect method="{v}">/x</Redirect>', 'method', 13701, get('method'), 'POST'],
    ['GET', 'POST'],
  ],
  [
    ['<Reject reason="{v}"/>', 'reason', 13801, get('reason'), 'rejected'],
    ['rejected', 'busy'],
  ],
  [
    ['<Sms method="{v}">x</Sms>', 'method', 13801, get('method'), 'POST'],
    ['GET', 'POST'],
  ],
];

function expectDefault([template, attribute, code, read, fallback]: Case, value: string): void {
  const escaped = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  const result = parseDocument(`<Response>${template.replace('{v}', () => escaped)}</Response>`);
  if (!result.ok) throw new Error(`${result.error.code} ${result.error.message}`);
  expect(result.warnings.map((w) => [w.code, w.attribute])).toEqual([[code, attribute]]);
  expect(read(result.document.verbs[0] as Verb)).toEqual(fallback);
}

describe('invalid attribute values', () => {
  it('out-of-range integers warn and use the default', () => {
    const arb = fc
      .constantFrom(...RANGES)
      .chain(([c, min, max]) =>
        fc.tuple(
          fc.constant(c),
          fc.oneof(
            fc.integer({ min: -1_000_000, max: min - 1 }),
            fc.integer({ min: max + 1, max: 999_999_999 }),
          ),
        ),
      );
    fc.assert(
      fc.property(arb, ([c, n]) => expectDefault(c, String(n))),
      { seed: 1401, numRuns: 300 },
    );
  });

  it('non-numeric values of integer attributes warn and use the default', () => {
    const arb = fc.tuple(
      fc.constantFrom(...RANGES.map(([c]) => c)),
      fc.string({ minLength: 1, maxLength: 8 }).filter((s) => !/^\s*\d+\s*$/.test(s) && s.trim() !== ''),
    );
    fc.assert(
      fc.property(arb, ([c, s]) => expectDefault(c, s)),
      { seed: 1402, numRuns: 300 },
    );
  });

  it('values outside a fixed set warn and use the default', () => {
    const arb = fc.constantFrom(...ENUMS).chain(([c, allowed]) =>
      fc.tuple(
        fc.constant(c),
        fc.string({ maxLength: 10 }).filter((s) => {
          const v = s.trim();
          const lower = v.toLowerCase();
          if (allowed.includes(v) || (c[1] === 'method' && (lower === 'get' || lower === 'post')))
            return false;
          if (['true', 'false'].includes(lower) && allowed.includes('true')) return false;
          if (c[1] === 'language') return !/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/.test(v);
          return true;
        }),
      ),
    );
    fc.assert(
      fc.property(arb, ([c, s]) => expectDefault(c, s)),
      { seed: 1403, numRuns: 400 },
    );
  });
});
