import { describe, expect, it } from 'vitest';
import { createProgressDisplay } from '../../src/check/progress.js';

function stream(isTTY: boolean) {
  const chunks: string[] = [];
  return { chunks, isTTY, write: (text: string) => chunks.push(text) };
}

describe('createProgressDisplay', () => {
  it('prints a plain line every tenth of the run when not on a terminal', () => {
    const out = stream(false);
    let t = 0;
    const display = createProgressDisplay(out, () => t);
    for (let done = 1; done <= 100; done++) {
      t = done * 10;
      display.update({ done, total: 100, failing: done > 50 ? 1 : 0, phase: 'run' });
    }
    display.done();
    expect(out.chunks).toHaveLength(10);
    expect(out.chunks[0]).toBe('fuzz: 10/100 runs, 100 calls/s, 0 failing\n');
    expect(out.chunks[9]).toBe('fuzz: 100/100 runs, 100 calls/s, 1 failing\n');
    expect(out.chunks.join('')).not.toContain('\r');
  });

  it('redraws one bar in place on a terminal, at most ten times a second, and ends the line', () => {
    const out = stream(true);
    let t = 0;
    const display = createProgressDisplay(out, () => t);
    for (let done = 1; done <= 100; done++) {
      t = done * 5;
      display.update({ done, total: 100, failing: 0, phase: 'run' });
    }
    display.done();
    const frames = out.chunks.filter((c) => c.startsWith('\r'));
    expect(frames.length).toBeLessThanOrEqual(6);
    expect(frames.at(-1)).toContain('[##############################] 100% 100/100  200 calls/s  0 failing');
    expect(out.chunks.at(-1)).toBe('\n');
  });

  it('announces shrinking once', () => {
    const out = stream(false);
    const display = createProgressDisplay(out, () => 0);
    display.update({ done: 5, total: 5, failing: 2, phase: 'shrink' });
    display.update({ done: 5, total: 5, failing: 2, phase: 'shrink' });
    expect(out.chunks).toEqual(['fuzz: shrinking counterexamples (2 failing run(s))...\n']);
  });
});
