/**
 * The main job: start the example voice application, place one call to it through the
 * engine on the simulated driver (real clock, real HTTP, fast media), with a far end that
 * presses keys and leaves a message; print the live timeline and write a Mermaid diagram.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { callMachine, type FinalStatus, isFinalStatus, machineToMermaid } from '@rcml/core';
import { AGENT_NUMBER, createExampleApp } from '@rcml/example-app';
import { createRuntime } from '../runtime/createRuntime.js';
import type { LogEntry } from '../timeline/callLog.js';
import { formatEntry } from '../timeline/format.js';
import { toMermaid } from '../timeline/mermaid.js';
import { createFarEndScript } from './farEndScript.js';

export interface DemoOptions {
  /** Where the diagram goes (absolute or relative to the working directory). */
  readonly out: string;
  /** How to name `out` in the summary (default: `out` itself). */
  readonly outLabel?: string;
  /** Keys the caller presses at successive menus (default `91`: a wrong key, then 1). */
  readonly keys?: string;
  /** Seconds per spoken character (default 0.004: fast, on the real clock). */
  readonly sayCharSeconds?: number;
  /** Give up (hang up) after this many ms (default 20,000). */
  readonly timeoutMs?: number;
  readonly write: (text: string) => void;
  readonly color?: boolean;
}

export interface DemoResult {
  readonly callSid: string;
  /** The call machine's diagram (`<out>` with `.machine.mmd`), the call's states highlighted. */
  readonly machineDiagramPath: string;
  /** The call machine's states the call went through (state ids, in order of first visit). */
  readonly states: readonly string[];
  readonly status: FinalStatus | 'timeout';
  readonly duration: number | null;
  readonly entries: readonly LogEntry[];
  readonly diagramPath: string;
}

const CALLER = '+15550001234';

/** Run the demo call; resolves when the call has ended and its callbacks are delivered. */
export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const app = await createExampleApp();
  let farEndScript: ReturnType<typeof createFarEndScript> | undefined;
  // The call machine's states the call goes through, seen by the engine's inspector.
  const visited = new Set<string>();
  const runtime = createRuntime({
    inspect: (event) => {
      if (event.type !== '@xstate.snapshot') return;
      const snapshot = event.snapshot as { _nodes?: readonly { id: string }[] };
      for (const node of snapshot._nodes ?? []) visited.add(node.id);
    },
    media: {
      sayCharSeconds: options.sayCharSeconds ?? 0.004,
      defaultPlaySeconds: 0.5,
      digitSeconds: 0.02,
      recordingBaseUrl: `${app.url}/recordings/`,
    },
    // The called phone rings and answers; the agent of option 2 answers and talks briefly.
    party: [
      { at: 0.05, do: 'ring' },
      { at: 0.25, do: 'answer' },
    ],
    dialed: {
      [AGENT_NUMBER]: [
        { after: 0.1, do: 'ring' },
        { after: 0.4, do: 'answer' },
        { after: 1.2, do: 'hangup' },
      ],
    },
    fetchTimeoutMs: 5000,
    callbackRetryMs: [200],
    onCall: (call) => {
      if (call.kind === 'outbound') farEndScript?.attach(call.farEnd, call.channel.id);
    },
    onOperation: (op) => farEndScript?.onOperation(op),
  });
  const { engine, log, clock } = runtime;
  farEndScript = createFarEndScript({
    keys: options.keys ?? '91',
    speakSeconds: 1.2,
    note: log.add,
    now: () => clock.now(),
    later: (fn, ms) => clock.setTimeout(fn, ms),
  });

  const t0 = clock.now();
  options.write(
    `Example voice app: ${app.url}/voice\nCalling ${CALLER} (the simulated phone answers and follows a script)\n\n`,
  );
  let sid = '';
  const stopPrinting = log.listen((entry) => {
    // The call's own SID is printed once, when it is created; status lines then omit it.
    const line = formatEntry(entry, t0, options.color ?? false, sid === '' ? undefined : sid);
    if (line !== undefined) options.write(`${line}\n`);
  });

  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await runtime.close({ deadlineMs: 5000 });
  };
  try {
    const ended = new Promise<FinalStatus | 'timeout'>((resolve) => {
      const timer = clock.setTimeout(() => resolve('timeout'), options.timeoutMs ?? 20_000);
      const stop = engine.subscribe((event) => {
        if (event.type === 'status' && event.callSid === sid && isFinalStatus(event.status)) {
          clock.clearTimeout(timer);
          stop();
          resolve(event.status as FinalStatus);
        }
      });
    });
    const call = engine.create({
      To: CALLER,
      From: '+15550009876',
      Url: `${app.url}/voice`,
      StatusCallback: `${app.url}/status`,
      StatusCallbackEvent: 'initiated ringing answered completed',
    });
    sid = call.sid;
    options.write(`Call ${sid} created: ${call.status}\n`);
    const status = await ended;
    // Drain: the `completed` callback (and any retry) is delivered before we stop.
    await close();
    stopPrinting();
    const record = engine.get(sid);
    const diagram = toMermaid(log.entries, { callSid: sid, caller: CALLER, app: app.url });
    await mkdir(dirname(options.out), { recursive: true });
    await writeFile(options.out, diagram, 'utf8');
    const machinePath = machineDiagramPath(options.out);
    await writeFile(machinePath, machineToMermaid(callMachine, { visited }), 'utf8');
    const duration = record?.duration ?? null;
    options.write(
      `\nFinal status: ${status}${duration === null ? '' : ` (${duration} s answered)`}\n` +
        `Requests to the app: ${app.received.length}\nSequence diagram: ${options.outLabel ?? options.out}\n` +
        `Call machine (its states highlighted): ${machineDiagramPath(options.outLabel ?? options.out)}\n`,
    );
    return {
      callSid: sid,
      status,
      duration,
      entries: [...log.entries],
      diagramPath: options.out,
      machineDiagramPath: machinePath,
      states: [...visited],
    };
  } finally {
    stopPrinting();
    await close().catch(() => undefined);
    await app.close();
  }
}

/** `out/demo-call.mmd` → `out/demo-call.machine.mmd`. */
function machineDiagramPath(out: string): string {
  return out.endsWith('.mmd') ? `${out.slice(0, -4)}.machine.mmd` : `${out}.machine.mmd`;
}
