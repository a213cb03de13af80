// The equivalent mutants that a Stryker comment cannot exclude (another mutant of the same
// mutator on that line is killed, and a comment would hide it too): listed in
// test/mutation/equivalent-mutants.json with the reason, and left out of the score by
// `npm run mutate:report` (docs/testing.md, "Equivalent mutants").
//
// An entry names the mutant by what a reader sees, not by line number, so that it survives
// edits elsewhere in the file: the file, the text of the line it starts on (trimmed), the
// mutator, the code it changes and the replacement.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const EQUIVALENTS_FILE = 'test/mutation/equivalent-mutants.json';

const collapse = (text) => text.replace(/\s+/g, ' ').trim();

/** The registry's entries; throws with the entry and field at fault when one is malformed. */
export function loadEquivalents(root) {
  const entries = JSON.parse(readFileSync(join(root, EQUIVALENTS_FILE), 'utf8'));
  if (!Array.isArray(entries)) throw new Error(`${EQUIVALENTS_FILE}: expected a list of entries`);
  for (const [index, entry] of entries.entries()) {
    for (const field of ['file', 'line', 'mutator', 'original', 'replacement', 'reason']) {
      if (typeof entry[field] !== 'string' || (field !== 'replacement' && entry[field].trim() === '')) {
        throw new Error(`${EQUIVALENTS_FILE}: entry ${index + 1}: "${field}" must be a non-empty string`);
      }
    }
  }
  return entries;
}

/** The code a mutant replaces (1-based lines and columns, end exclusive). */
export function originalCode(source, location) {
  const lines = source.split('\n');
  const { start, end } = location;
  if (start.line === end.line) return lines[start.line - 1].slice(start.column - 1, end.column - 1);
  return [
    lines[start.line - 1].slice(start.column - 1),
    ...lines.slice(start.line, end.line - 1),
    lines[end.line - 1].slice(0, end.column - 1),
  ].join('\n');
}

/** Whether `entry`'s line is among `lines` (the texts of a file's lines a report measured). */
export function onMeasuredLine(entry, lines) {
  return lines.has(collapse(entry.line));
}

/** The texts of the lines of `source` that hold one of `mutants`, as `onMeasuredLine` reads them. */
export function measuredLines(source, mutants) {
  const text = source.split('\n');
  return new Set(mutants.map((m) => collapse(text[m.location.start.line - 1] ?? '')));
}

/** Whether `entry` names this mutant of `file` (path relative to the repository). */
export function matches(entry, file, source, mutant) {
  if (entry.file !== file || entry.mutator !== mutant.mutatorName) return false;
  if (collapse(entry.replacement) !== collapse(mutant.replacement ?? '')) return false;
  const line = source.split('\n')[mutant.location.start.line - 1] ?? '';
  if (collapse(line) !== collapse(entry.line)) return false;
  return collapse(originalCode(source, mutant.location)) === collapse(entry.original);
}
