/** `<Record>` attributes (spec 4.5). Warning code 13601. */
import type { Position, RecordVerb } from '../ast.js';
import { type ElementScope, onlyChars } from '../attributes.js';

/** Keys that end a recording by default (spec 4.5). */
export const DEFAULT_RECORD_FINISH_KEYS = '1234567890*#';

const TRIMS = ['trim-silence', 'do-not-trim'] as const;

/** `<Record>` with every attribute read and defaulted. */
export function parseRecord(scope: ElementScope, position: Position): RecordVerb {
  const finishRaw = scope.raw('finishOnKey');
  let finishOnKey = DEFAULT_RECORD_FINISH_KEYS;
  if (finishRaw !== undefined) {
    if (onlyChars(finishRaw, DEFAULT_RECORD_FINISH_KEYS)) finishOnKey = finishRaw;
    else
      scope.warn('finishOnKey', `"${finishRaw}" holds characters other than 0-9 * #; using ${finishOnKey}`);
  }
  return {
    kind: 'Record',
    action: scope.string('action'),
    method: scope.method('method'),
    timeout: scope.integer('timeout', 5, 0),
    finishOnKey,
    maxLength: scope.integer('maxLength', 3600, 1, 14_400),
    playBeep: scope.boolean('playBeep', true),
    trim: scope.oneOf('trim', TRIMS, 'trim-silence'),
    recordingStatusCallback: scope.string('recordingStatusCallback'),
    recordingStatusCallbackMethod: scope.method('recordingStatusCallbackMethod'),
    position,
  };
}
