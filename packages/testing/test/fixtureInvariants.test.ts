/**
 * Every replay scenario at the top of `fixtures/replay/` breaks no invariant of `@rcml/testing`:
 * the invariants and the hand-worked corpus agree on what the spec says (for instance that a
 * `MachineDetection` call counts as answered from the pick-up, spec 9.3).
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenarios } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../src/index.js';

const dir = join(import.meta.dirname, '../../../fixtures/replay');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => join(dir, f));
const loaded = await loadScenarios(files);

describe('replay fixtures break no invariant', () => {
  it('finds the corpus', () => {
    expect(loaded.length).toBeGreaterThan(200);
  });
  for (const item of loaded) {
    it(item.file, async () => {
      expect(item.error).toBeUndefined();
      const result = await checkScenario(item.scenario!);
      expect(result.violations).toEqual([]);
    });
  }
});
