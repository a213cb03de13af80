/** `<Dial>` attributes (spec 4.6). Warning code 13201 (also for its nouns). */
import type { DialRecord, DialVerb, Position } from '../ast.js';
import type { ElementScope } from '../attributes.js';

const RECORD_VALUES: readonly DialRecord[] = [
  'do-not-record',
  'record-from-answer',
  'record-from-ringing',
  'record-from-answer-dual',
  'record-from-ringing-dual',
];

const RECORD_SET: ReadonlySet<string> = new Set(RECORD_VALUES);

/** `<Dial>` with its attributes read; `nouns` is the (still empty) array the caller fills. */
export function parseDial(scope: ElementScope, position: Position, nouns: DialVerb['nouns']): DialVerb {
  return {
    kind: 'Dial',
    action: scope.string('action'),
    method: scope.method('method'),
    timeout: scope.integer('timeout', 30, 5, 600),
    timeLimit: scope.integer('timeLimit', 14_400, 1),
    callerId: scope.string('callerId'),
    hangupOnStar: scope.boolean('hangupOnStar', false),
    record: parseRecordMode(scope),
    nouns,
    position,
  };
}

function parseRecordMode(scope: ElementScope): DialRecord {
  const raw = scope.raw('record');
  if (raw === undefined) return 'do-not-record';
  if (raw === 'true') return 'record-from-answer';
  if (raw === 'false') return 'do-not-record';
  if (RECORD_SET.has(raw)) return raw as DialRecord;
  scope.warn(
    'record',
    `"${raw}" is not true, false or one of ${RECORD_VALUES.join(', ')}; using do-not-record`,
  );
  return 'do-not-record';
}
