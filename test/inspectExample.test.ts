/**
 * The inspector example (examples/src/inspect.ts, docs/embedding.md): a live call watched
 * through the engine's `inspect` option goes through the call machine's states in order, and
 * `engine.snapshot` tells the state while a verb runs.
 */
import { createExampleApp, runInspectedCall } from '@rcml/example-app';
import { describe, expect, it } from 'vitest';

describe('a live call in an inspector', () => {
  it('sees the call move through the call machine', async () => {
    const app = await createExampleApp();
    try {
      const lines: string[] = [];
      const call = await runInspectedCall(app.url, (line) => lines.push(line));
      expect(call.status).toBe('completed');
      expect(call.midCall).toEqual({ session: 'verb' });
      expect(call.states.slice(0, 4)).toEqual([
        '"queued"',
        '{"dialing":"initiated"}',
        '{"session":"fetching"}',
        '{"session":"verb"}',
      ]);
      // The caller pressed 9: the menu's action is fetched, then the caller hangs up.
      expect(call.states.at(-1)).toBe('"completed"');
      expect(call.states.filter((s) => s === '{"session":"fetching"}').length).toBeGreaterThan(1);
      expect(lines.length).toBe(call.states.length);
    } finally {
      await app.close();
    }
  });
});
