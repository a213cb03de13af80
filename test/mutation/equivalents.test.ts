/**
 * The registry of equivalent mutants (test/mutation/equivalent-mutants.json, read by
 * `npm run mutate:report`) stays true to the code: each entry names a line that is still in
 * its file, the code it changes is on that line, and it says why the program behaves the same.
 * When a change to the code breaks an entry, measure the line again (`npm run mutate -- --files
 * <file>:<line>-<line>`) and update or drop the entry.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadEquivalents } from '../../scripts/lib/equivalents.mjs';

const root = join(import.meta.dirname, '..', '..');
const collapse = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('the registry of equivalent mutants', () => {
  const entries = loadEquivalents(root);

  it('names, for each entry, a line still in its file that holds the code the mutant changes', () => {
    const stale = entries.filter((entry) => {
      const lines = readFileSync(join(root, entry.file), 'utf8').split('\n').map(collapse);
      const line = collapse(entry.line);
      const firstLineOfCode = collapse(entry.original.split('\n')[0] ?? '');
      return !lines.includes(line) || !line.includes(firstLineOfCode);
    });
    expect(stale.map((e) => `${e.file}: ${e.line}`)).toEqual([]);
  });

  it('gives each entry a reason a reviewer can check (a sentence, not a word)', () => {
    const thin = entries.filter((entry) => entry.reason.trim().split(/\s+/).length < 5);
    expect(thin.map((e) => `${e.file}: ${e.line}`)).toEqual([]);
  });

  it('lists each mutant once', () => {
    const keys = entries.map((e) =>
      [e.file, collapse(e.line), e.mutator, collapse(e.original), e.replacement].join('|'),
    );
    expect(keys.length - new Set(keys).size).toBe(0);
  });
});
