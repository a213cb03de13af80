import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mismatch, runWorld, type World } from './harness.js';

const dir = join(import.meta.dirname, 'examples');

describe('the spec examples (shared/spec/examples) on the engine', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    it(file, async () => {
      const world = JSON.parse(readFileSync(join(dir, file), 'utf8')) as World;
      const run = await runWorld(world);
      const problem = mismatch(world.expect?.timeline ?? [], run.timeline);
      expect(problem, JSON.stringify(run.timeline, null, 1)).toBeNull();
      if (world.expect?.final !== undefined) expect(run.final).toMatchObject(world.expect.final);
      expect(run.clock.pending).toBe(0);
      expect(run.engine.activeCalls).toBe(0);
    });
  }
});
