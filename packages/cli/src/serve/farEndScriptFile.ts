/**
 * `rcml serve --script FILE`: how the simulated far ends behave, in the shape of the replay
 * format's `party`, `dialed` and `media` sections. The `party` script is played against every
 * outbound call, with `at` counted from the moment that call is placed.
 */
import { readFile } from 'node:fs/promises';
import type { DialedScript, MediaTiming, PartyScript, ScriptAction, SimulatedFarEnd } from '@rcml/driver';
import { UsageError } from '../args.js';

export interface ServeScript {
  readonly party?: PartyScript;
  readonly dialed?: DialedScript;
  readonly media?: Partial<MediaTiming>;
}

const ACTIONS = new Set(['ring', 'answer', 'busy', 'fail', 'dtmf', 'speak', 'hangup']);

function checkActions(file: string, where: string, list: unknown, timeKey: 'at' | 'after'): void {
  if (!Array.isArray(list)) throw new UsageError(`${file}: ${where} must be a list of actions`);
  list.forEach((action: unknown, i) => {
    const a = action as Record<string, unknown> | null;
    if (a === null || typeof a !== 'object')
      throw new UsageError(`${file}: ${where}[${i}] must be an object`);
    if (typeof a[timeKey] !== 'number' || !Number.isFinite(a[timeKey]) || (a[timeKey] as number) < 0) {
      throw new UsageError(`${file}: ${where}[${i}].${timeKey} must be a number of seconds >= 0`);
    }
    if (typeof a.do !== 'string' || !ACTIONS.has(a.do)) {
      throw new UsageError(`${file}: ${where}[${i}].do must be one of ${[...ACTIONS].join(', ')}`);
    }
    if (a.do === 'dtmf' && (typeof a.digits !== 'string' || !/^[0-9*#A-D]+$/.test(a.digits))) {
      throw new UsageError(`${file}: ${where}[${i}].digits must be keys 0-9 * # A-D`);
    }
    if (a.do === 'speak' && (typeof a.for !== 'number' || a.for <= 0)) {
      throw new UsageError(`${file}: ${where}[${i}].for must be a positive number of seconds`);
    }
    if (a.do === 'speak' && a.text !== undefined && typeof a.text !== 'string') {
      throw new UsageError(`${file}: ${where}[${i}].text must be a string`);
    }
    const confidence = a.confidence;
    if (
      a.do === 'speak' &&
      confidence !== undefined &&
      (typeof confidence !== 'number' || !(confidence >= 0 && confidence <= 1))
    ) {
      throw new UsageError(`${file}: ${where}[${i}].confidence must be a number from 0 to 1`);
    }
    if (
      a.do === 'answer' &&
      a.greeting !== undefined &&
      (typeof a.greeting !== 'number' || !(a.greeting >= 0))
    ) {
      throw new UsageError(`${file}: ${where}[${i}].greeting must be a number of seconds >= 0`);
    }
  });
}

/** Read and check a script file; errors name the file and the field. */
export async function loadServeScript(file: string): Promise<ServeScript> {
  let data: unknown;
  try {
    data = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `${file}: cannot read the script (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    throw new UsageError(`${file}: the script must be a JSON object with party, dialed and/or media`);
  }
  const script = data as Record<string, unknown>;
  if (script.party !== undefined) checkActions(file, 'party', script.party, 'at');
  if (script.dialed !== undefined) {
    if (script.dialed === null || typeof script.dialed !== 'object') {
      throw new UsageError(`${file}: dialed must be an object keyed by target`);
    }
    for (const [to, list] of Object.entries(script.dialed))
      checkActions(file, `dialed["${to}"]`, list, 'after');
  }
  if (script.media !== undefined && (script.media === null || typeof script.media !== 'object')) {
    throw new UsageError(`${file}: media must be an object`);
  }
  return script as ServeScript;
}

/** Play a party script against one call's far end, on real timers. */
export function playParty(
  farEnd: SimulatedFarEnd,
  party: PartyScript,
  later: (fn: () => void, ms: number) => unknown,
): void {
  for (const action of party) {
    later(() => void perform(farEnd, action), action.at * 1000);
  }
}

function perform(farEnd: SimulatedFarEnd, action: ScriptAction): Promise<void> {
  switch (action.do) {
    case 'ring':
      return farEnd.ring();
    case 'answer':
      return farEnd.answer(action.by ?? 'human', action.greeting ?? 0);
    case 'busy':
      return farEnd.busy();
    case 'fail':
      return farEnd.fail();
    case 'hangup':
      return farEnd.hangup();
    case 'dtmf':
      return farEnd.dtmf(action.digits, action.gap ?? 0);
    case 'speak':
      return farEnd.speak(action.for, action.text, action.confidence);
  }
}
