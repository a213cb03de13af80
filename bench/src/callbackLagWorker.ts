/**
 * One sending engine of the isolation measurement, run in its own process: its own transport
 * and per-call ordered sender, open-loop load on four normal destinations and one extra that
 * the receiver makes slow or not. Two of these run at the same time, one with a slow extra
 * destination and one without, so that whatever else the machine is doing hits both alike.
 *
 * Protocol (IPC): `{ type: 'run', ...LagLoad }` → `{ type: 'done' }`; `{ type: 'stop' }`.
 */
import { createHttpTransport } from '@rcml/webhook';
import { ACCOUNT, callbackParams, PER_CALL, sidOf } from './callbackParams.js';
import { OrderedSender } from './orderedSender.js';

/** The argument that makes this module run as a lag worker. */
export const LAG_WORKER_FLAG = '--rcml-callback-lag-worker';

/** One round of load. */
export interface LagLoad {
  /** Normal destinations, then the extra one (last). */
  readonly urls: readonly string[];
  readonly callsPerSecondPerDestination: number;
  readonly durationMs: number;
  /** Time between a call's callbacks, as between a call's events. */
  readonly gapMs: number;
  /** Makes this round's CallSids unique. */
  readonly round: number;
}

export type LagWorkerCommand = ({ readonly type: 'run' } & LagLoad) | { readonly type: 'stop' };

/**
 * Issues the load: calls start at a fixed rate over the destinations in turn, and callback k
 * of call i is issued at i / rate + k * gap. Resolves when the normal destinations' callbacks
 * are all delivered; the extra destination's are then abandoned.
 */
export async function issueLoad(sender: OrderedSender, stop: AbortController, load: LagLoad): Promise<void> {
  const destinations = load.urls;
  const normal = destinations.length - 1;
  const rate = load.callsPerSecondPerDestination * destinations.length;
  const totalCalls = Math.floor((load.durationMs / 1000) * rate);
  const last = load.durationMs + PER_CALL * load.gapMs;
  const normalCalls: string[] = [];
  // next[k]: the first call whose callback k is not issued yet (calls are due in order).
  const next = new Array<number>(PER_CALL).fill(0);
  const started = performance.now();
  for (let now = 0; now < last; now = performance.now() - started) {
    for (let seq = 0; seq < PER_CALL; seq++) {
      for (
        let call = next[seq]!;
        call < totalCalls && (call / rate) * 1000 + seq * load.gapMs <= now;
        call++
      ) {
        const sid = sidOf(load.round, call);
        const destination = call % destinations.length;
        if (seq === 0 && destination < normal) normalCalls.push(sid);
        sender.enqueue(sid, destinations[destination]!, callbackParams(sid, seq));
        next[seq] = call + 1;
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  await Promise.all(normalCalls.map((sid) => sender.whenIdle(sid)));
  stop.abort();
}

function main(): void {
  const transport = createHttpTransport({ callbackConcurrency: 32, callbackQueueLimit: 100_000 });
  process.on('message', (command: LagWorkerCommand) => {
    if (command.type === 'stop') {
      void transport.close().then(() => process.disconnect?.());
      return;
    }
    const stop = new AbortController();
    const sender = new OrderedSender({ http: transport, accountSid: ACCOUNT, signal: stop.signal });
    void issueLoad(sender, stop, command).then(() => process.send?.({ type: 'done' }));
  });
}

if (process.send !== undefined && process.argv.includes(LAG_WORKER_FLAG)) main();
