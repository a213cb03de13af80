/** `rcml validate`: verdicts, codes, paths, lines, exit status and JSON output. */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function capture() {
  const out = { stdout: '', stderr: '' };
  const io = {
    stdout: { write: (t: string) => (out.stdout += t) },
    stderr: { write: (t: string) => (out.stderr += t) },
    cwd: ROOT,
  };
  return { io, out };
}

function fixtures(kind: 'valid' | 'invalid'): string[] {
  return readdirSync(join(ROOT, 'fixtures', 'documents', kind))
    .filter((f) => f.endsWith('.xml'))
    .sort()
    .map((f) => `fixtures/documents/${kind}/${f}`);
}

describe('rcml validate', () => {
  it('exits 0 on every valid fixture and prints each verdict and warning', async () => {
    const { io, out } = capture();
    const files = fixtures('valid');
    // What the shell passes for `rcml validate fixtures/documents/valid/*`: documents only.
    expect(readdirSync(join(ROOT, 'fixtures', 'documents', 'valid'))).toHaveLength(files.length);
    expect(await main(['validate', ...files], io)).toBe(0);
    for (const file of files) expect(out.stdout).toContain(`${file}: valid`);
    expect(out.stdout).toMatch(
      /say-bad-loop\.xml: valid \(1 warning\)\n {2}warning 13501 Response\/Say\[1\] line 4: <Say> loop: "twice"/,
    );
    expect(out.stdout).toContain(`${files.length} files: ${files.length} valid, 0 invalid or unreadable`);
  });

  it.each(fixtures('invalid'))('exits 1 on %s with its expected code', async (file) => {
    const comment = /<!-- expect: (\{.*?\}) -->/.exec(readFileSync(join(ROOT, file), 'utf8'));
    const expectation = JSON.parse(comment?.[1] ?? '{}') as { code: number; path?: string; line?: number };
    const { io, out } = capture();
    expect(await main(['validate', file], io)).toBe(1);
    expect(out.stdout).toContain(`${file}: invalid`);
    const where = [expectation.path, expectation.line === undefined ? undefined : `line ${expectation.line}`]
      .filter((p) => p !== undefined)
      .join(' ');
    expect(out.stdout).toContain(`  error ${expectation.code}${where === '' ? '' : ` ${where}`}: `);
  });

  it('exits 1 when any one file is invalid', async () => {
    const { io } = capture();
    const [valid] = fixtures('valid');
    const [invalid] = fixtures('invalid');
    expect(await main(['validate', valid as string, invalid as string], io)).toBe(1);
  });

  it('prints machine-readable JSON with --json', async () => {
    const { io, out } = capture();
    const status = await main(
      [
        'validate',
        '--json',
        'fixtures/documents/valid/gather-bad-timeout.xml',
        'fixtures/documents/invalid/dial-in-gather.xml',
      ],
      io,
    );
    expect(status).toBe(1);
    expect(JSON.parse(out.stdout)).toEqual([
      {
        file: 'fixtures/documents/valid/gather-bad-timeout.xml',
        ok: true,
        warnings: [
          {
            code: 13301,
            message: expect.stringContaining('timeout'),
            path: 'Response/Gather[1]',
            line: 4,
            attribute: 'timeout',
          },
        ],
      },
      {
        file: 'fixtures/documents/invalid/dial-in-gather.xml',
        ok: false,
        error: {
          code: 12200,
          message: expect.stringContaining('<Dial>'),
          path: 'Response/Gather[1]/Dial[1]',
          line: 4,
        },
        warnings: [],
      },
    ]);
  });

  it('says clearly when a file cannot be read, and exits 1', async () => {
    const { io, out } = capture();
    expect(await main(['validate', 'no/such/file.xml', 'fixtures'], io)).toBe(1);
    expect(out.stdout).toContain('no/such/file.xml: unreadable\n  error: cannot read the file: no such file');
    expect(out.stdout).toContain('fixtures: unreadable\n  error: cannot read the file: it is a directory');
  });

  it('exits 2 with the usage when no file is given or an option is unknown', async () => {
    const none = capture();
    expect(await main(['validate'], none.io)).toBe(2);
    expect(none.out.stderr).toContain('usage: rcml validate');
    const bad = capture();
    expect(await main(['validate', '--strict', 'a.xml'], bad.io)).toBe(2);
    expect(bad.out.stderr).toContain('unknown option --strict');
  });
});
