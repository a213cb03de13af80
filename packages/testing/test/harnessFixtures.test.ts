/**
 * Scenarios that earlier versions of the invariants reported although the engine was right
 * (found by fuzzing, then the invariant fixed). On the real engine every invariant must hold
 * for them, so the same false alarm cannot come back.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateScenario } from '@rcml/replay';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../src/check/checkScenario.js';

const folder = join(import.meta.dirname, 'fixtures');
const files = readdirSync(folder)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('harness regression scenarios (engine right, invariant once wrong)', () => {
  it('has scenarios', () => {
    expect(files.length).toBeGreaterThan(0);
  });
  for (const file of files) {
    const scenario = validateScenario(JSON.parse(readFileSync(join(folder, file), 'utf8')), file);
    it(`${file}: ${scenario.name}`, async () => {
      const { violations } = await checkScenario(scenario);
      expect(violations).toEqual([]);
    });
  }
});
