/** One equivalent mutant of test/mutation/equivalent-mutants.json (scripts/lib/equivalents.mjs). */
export interface EquivalentMutant {
  /** The source file, relative to the repository. */
  file: string;
  /** The text of the line the mutant starts on. */
  line: string;
  /** Stryker's mutator name, e.g. `ConditionalExpression`. */
  mutator: string;
  /** The code the mutant changes. */
  original: string;
  /** What Stryker puts in its place. */
  replacement: string;
  /** Why the program behaves the same. */
  reason: string;
}
export const EQUIVALENTS_FILE: string;
export function loadEquivalents(root: string): EquivalentMutant[];
