/**
 * The recorded ARI traces (Asterisk 22.10.1) in `fixtures/ari-traces` of the repository.
 * Tests fail with a clear message when the directory is missing.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface TraceRequest {
  readonly t: number;
  readonly dir: 'request';
  readonly id: number;
  readonly by: 'app' | 'harness' | 'observer';
  readonly method: string;
  readonly path: string;
}
export interface TraceResponse {
  readonly t: number;
  readonly dir: 'response';
  readonly id: number;
  readonly status: number;
  readonly body: unknown;
  readonly bodyBase64?: string;
  readonly contentType?: string;
}
export interface TraceEvent {
  readonly t: number;
  readonly dir: 'event';
  readonly event: Record<string, unknown> & { type: string };
}
export interface TraceWs {
  readonly t: number;
  readonly dir: 'ws';
  readonly action: 'open' | 'close';
  readonly path?: string;
}
export type TraceStep = TraceRequest | TraceResponse | TraceEvent | TraceWs;

export interface Trace {
  readonly scenario: string;
  readonly notes: string;
  readonly steps: readonly TraceStep[];
}

function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (pnpm-workspace.yaml)');
    dir = up;
  }
  return dir;
}

/** `fixtures/ari-traces` of the repository. */
export const TRACES_DIR = join(repoRoot(), 'fixtures', 'ari-traces');

export function traceNames(): string[] {
  assertTraces();
  return readdirSync(TRACES_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -'.json'.length))
    .sort();
}

export function loadTrace(name: string): Trace {
  assertTraces();
  const file = join(TRACES_DIR, `${name}.json`);
  if (!existsSync(file)) throw new Error(`ARI trace ${file} is missing`);
  return JSON.parse(readFileSync(file, 'utf8')) as Trace;
}

function assertTraces(): void {
  if (!existsSync(TRACES_DIR)) {
    throw new Error(
      `The recorded ARI traces are missing: expected ${TRACES_DIR} (the "fixtures/ari-traces" directory of the repository).`,
    );
  }
}
