/** `<Gather>` attributes (spec 4.4). Warning code 13301. */
import type { GatherInput, GatherVerb, Position } from '../ast.js';
import { type ElementScope, onlyChars, parseWhole } from '../attributes.js';

const KEYS = '0123456789*#';

/**
 * `<Gather>` with its attributes read; `children` is the (still empty) array the caller fills
 * with the nested verbs, so their warnings come after the Gather's own.
 */
export function parseGather(
  scope: ElementScope,
  position: Position,
  children: GatherVerb['children'],
): GatherVerb {
  const finishRaw = scope.raw('finishOnKey');
  let finishOnKey = '#';
  if (finishRaw !== undefined) {
    if (finishRaw.length <= 1 && onlyChars(finishRaw, KEYS)) finishOnKey = finishRaw;
    else scope.warn('finishOnKey', `"${finishRaw}" is not one key of 0-9 * # (or empty); using #`);
  }
  const numRaw = scope.raw('numDigits');
  let numDigits: number | null = null;
  if (numRaw !== undefined) {
    const n = parseWhole(numRaw);
    if (n !== null && n >= 1) numDigits = n;
    else scope.warn('numDigits', `"${numRaw}" is not a whole number of at least 1; using unlimited`);
  }
  return {
    kind: 'Gather',
    action: scope.string('action'),
    method: scope.method('method'),
    timeout: scope.integer('timeout', 5, 1),
    finishOnKey,
    numDigits,
    input: parseInput(scope),
    actionOnEmptyResult: scope.boolean('actionOnEmptyResult', false),
    bargeIn: scope.boolean('bargeIn', true),
    ...parseSpeech(scope),
    children,
    position,
  };
}

/** The speech attributes (spec 4.4 "Speech"), each only when written. */
function parseSpeech(scope: ElementScope): Partial<GatherVerb> {
  const out: {
    -readonly [K in
      | 'language'
      | 'hints'
      | 'speechTimeout'
      | 'partialResultCallback'
      | 'partialResultCallbackMethod']?: GatherVerb[K];
  } = {};
  const language = scope.string('language');
  if (language !== null) out.language = language;
  const hints = scope.raw('hints');
  if (hints !== undefined) {
    const list = hints
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '');
    if (list.length > 0) out.hints = list;
  }
  const speechTimeout = scope.raw('speechTimeout');
  if (speechTimeout !== undefined) {
    if (speechTimeout === 'auto') out.speechTimeout = 'auto';
    else {
      const n = parseWhole(speechTimeout);
      if (n !== null && n >= 1) out.speechTimeout = n;
      else
        scope.warn(
          'speechTimeout',
          `"${speechTimeout}" is not a whole number of at least 1 or auto; using the timeout`,
        );
    }
  }
  const partial = scope.string('partialResultCallback');
  if (partial !== null) out.partialResultCallback = partial;
  if (scope.raw('partialResultCallbackMethod') !== undefined) {
    out.partialResultCallbackMethod = scope.method('partialResultCallbackMethod');
  }
  return out;
}

function parseInput(scope: ElementScope): GatherInput {
  const raw = scope.raw('input');
  if (raw === undefined || raw === 'dtmf') return 'dtmf';
  if (raw === 'speech') return 'speech';
  // The value is trimmed: any other right value is both names, once each, in either order.
  const parts = raw.split(/\s+/);
  if (parts.length === 2 && parts.includes('dtmf') && parts.includes('speech')) return 'dtmf speech';
  scope.warn('input', `"${raw}" is not dtmf, speech or both; using dtmf`);
  return 'dtmf';
}
