/**
 * `loadScenarios`: read scenario files and folders (recursively, `*.json`, sorted), parse and
 * validate each. A file that cannot be read, parsed or validated is reported, not thrown.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Scenario } from './scenario.js';
import { validateScenario } from './validate.js';

/** One scenario file: its scenario, or why it could not be used. */
export type LoadedScenario =
  | {
      readonly file: string;
      readonly scenario: Scenario;
      readonly error?: undefined;
      /** Unknown fields that were ignored. */
      readonly warnings: readonly string[];
    }
  | { readonly file: string; readonly scenario?: undefined; readonly error: string };

async function collect(path: string, out: string[]): Promise<void> {
  const info = await stat(path);
  if (!info.isDirectory()) {
    out.push(path);
    return;
  }
  const names = (await readdir(path)).sort();
  for (const name of names) {
    const child = join(path, name);
    if ((await stat(child)).isDirectory()) await collect(child, out);
    else if (name.endsWith('.json')) out.push(child);
  }
}

/** Parse and validate one file's text. */
export function parseScenario(text: string, file: string): LoadedScenario {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      file,
      error: `${file}: not valid JSON: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
  try {
    const warnings: string[] = [];
    return { file, scenario: validateScenario(json, file, warnings), warnings };
  } catch (error) {
    return { file, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Load every scenario under the given files and folders, in path order. */
export async function loadScenarios(paths: readonly string[]): Promise<LoadedScenario[]> {
  const out: LoadedScenario[] = [];
  for (const path of paths) {
    const files: string[] = [];
    try {
      await collect(path, files);
    } catch {
      out.push({ file: path, error: `${path}: no such file or folder` });
      continue;
    }
    for (const file of files) {
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        out.push({
          file,
          error: `${file}: cannot be read: ${error instanceof Error ? error.message : String(error)}`,
        });
        continue;
      }
      out.push(parseScenario(text, file));
    }
  }
  return out;
}
