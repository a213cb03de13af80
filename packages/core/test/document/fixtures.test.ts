/**
 * Data-driven: every document of fixtures/documents/{valid,invalid} against the outcome written
 * in it, in its first comment: `<!-- expect: {"ok": false, "code": 12200, "path": "…"} -->`
 * (inside the file, so `rcml validate fixtures/documents/valid/*` sees only documents).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { FIXTURES } from './paths.js';

interface Expectation {
  readonly ok: boolean;
  readonly warnings?: readonly number[];
  readonly code?: number;
  readonly path?: string;
  readonly line?: number;
}

function load(kind: 'valid' | 'invalid'): [string, string, Expectation][] {
  const dir = join(FIXTURES, kind);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => {
      const xml = readFileSync(join(dir, f), 'utf8');
      return [f.slice(0, -4), xml, expectationOf(xml, f)];
    });
}

/** The expected outcome written in a fixture's `<!-- expect: {...} -->` comment. */
export function expectationOf(xml: string, file: string): Expectation {
  const match = /<!-- expect: (\{.*?\}) -->/.exec(xml);
  if (match === null) throw new Error(`${file} has no <!-- expect: {...} --> comment`);
  return JSON.parse(match[1] as string) as Expectation;
}

const valid = load('valid');
const invalid = load('invalid');

describe('document fixtures', () => {
  it('has at least 60 documents, each with its expectation', () => {
    expect(valid.length + invalid.length).toBeGreaterThanOrEqual(60);
    expect(valid.every(([, , e]) => e.ok)).toBe(true);
    expect(invalid.every(([, , e]) => !e.ok)).toBe(true);
  });

  it.each(valid)('valid/%s parses with the expected warnings', (_name, xml, expectation) => {
    const result = parseDocument(xml);
    if (!result.ok) expect.fail(`failed with ${result.error.code}: ${result.error.message}`);
    expect(result.warnings.map((w) => w.code)).toEqual(expectation.warnings ?? []);
    for (const warning of result.warnings) {
      expect(warning.path).toMatch(/^Response\//);
      expect(warning.line).toBeGreaterThan(0);
    }
  });

  it.each(invalid)('invalid/%s fails with its code, path and line', (_name, xml, expectation) => {
    const result = parseDocument(xml);
    if (result.ok) expect.fail('parsed without error');
    expect(result.error.code).toBe(expectation.code);
    if (expectation.path !== undefined) {
      expect(result.error.path).toBe(expectation.path);
      expect(result.error.message).toContain(expectation.path);
    }
    if (expectation.line !== undefined) expect(result.error.line).toBe(expectation.line);
  });

  it('covers every document code of spec sections 3 and 7', () => {
    const seen = new Set<number>();
    for (const [, , e] of valid) for (const w of e.warnings ?? []) seen.add(w);
    for (const [, , e] of invalid) if (e.code !== undefined) seen.add(e.code);
    for (const code of [
      12100, 12102, 12200, 12400, 13201, 13301, 13401, 13501, 13521, 13601, 13701, 13801, 13901, 13910,
    ]) {
      expect(seen, `code ${code}`).toContain(code);
    }
  });
});
