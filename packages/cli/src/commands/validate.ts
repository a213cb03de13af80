/**
 * `rcml validate <file...> [--json]`: parse each file as an RCML document and print its
 * verdict, then every error and warning with its code, element path and line. Exit status 1
 * when any file is invalid or cannot be read, 0 otherwise, 2 on a usage error.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type DocumentIssue, parseDocument } from '@rcml/core';
import type { CliIo, Command } from '../io.js';

const USAGE = `usage: rcml validate <file...> [--json]

Checks RCML documents. For each file: the verdict, then each error and warning with its
code, element path and line. Exit status 1 when any file is invalid or unreadable.
  --json   one JSON array on stdout: [{ file, ok, error?, warnings }]
`;

/** The verdict for one file, as printed with `--json`. */
export interface FileReport {
  readonly file: string;
  readonly ok: boolean;
  /** The failure (document error or unreadable file: code null). */
  readonly error?: {
    readonly code: number | null;
    readonly message: string;
    readonly path?: string;
    readonly line?: number;
  };
  readonly warnings: readonly DocumentIssue[];
}

async function validateFile(file: string, cwd: string): Promise<FileReport> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, file), 'utf8');
  } catch (error) {
    return {
      file,
      ok: false,
      error: { code: null, message: `cannot read the file: ${readReason(error)}` },
      warnings: [],
    };
  }
  const result = parseDocument(text);
  if (result.ok) return { file, ok: true, warnings: result.warnings };
  return { file, ok: false, error: result.error, warnings: result.warnings };
}

function readReason(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (code === 'ENOENT') return 'no such file';
  if (code === 'EISDIR') return 'it is a directory';
  if (code === 'EACCES') return 'permission denied';
  return error instanceof Error ? error.message : String(error);
}

function where(issue: { readonly path?: string; readonly line?: number }): string {
  const parts: string[] = [];
  if (issue.path !== undefined) parts.push(issue.path);
  if (issue.line !== undefined) parts.push(`line ${issue.line}`);
  return parts.length === 0 ? '' : ` ${parts.join(' ')}`;
}

function formatReport(report: FileReport): string {
  const warnings = report.warnings.length;
  const counted = warnings === 0 ? '' : ` (${warnings} warning${warnings === 1 ? '' : 's'})`;
  let out = `${report.file}: ${report.ok ? 'valid' : report.error?.code === null ? 'unreadable' : 'invalid'}${counted}\n`;
  if (report.error !== undefined) {
    const code = report.error.code === null ? '' : ` ${report.error.code}`;
    out += `  error${code}${where(report.error)}: ${report.error.message}\n`;
  }
  for (const w of report.warnings) out += `  warning ${w.code}${where(w)}: ${w.message}\n`;
  return out;
}

/** The `validate` command. */
export const command: Command = {
  summary: 'check RCML documents: verdict, errors and warnings with code, path, line',
  async run(args, io: CliIo) {
    const json = args.includes('--json');
    const files = args.filter((a) => a !== '--json');
    if (args.includes('--help') || args.includes('-h')) {
      io.stdout.write(USAGE);
      return 0;
    }
    const unknown = files.find((a) => a.startsWith('--'));
    if (unknown !== undefined || files.length === 0) {
      io.stderr.write(unknown === undefined ? USAGE : `rcml validate: unknown option ${unknown}\n\n${USAGE}`);
      return 2;
    }
    const reports: FileReport[] = [];
    for (const file of files) reports.push(await validateFile(file, io.cwd));
    const failed = reports.filter((r) => !r.ok).length;
    if (json) {
      io.stdout.write(`${JSON.stringify(reports, null, 2)}\n`);
    } else {
      for (const report of reports) io.stdout.write(formatReport(report));
      if (reports.length > 1) {
        io.stdout.write(
          `${reports.length} files: ${reports.length - failed} valid, ${failed} invalid or unreadable\n`,
        );
      }
    }
    return failed === 0 ? 0 : 1;
  },
};
