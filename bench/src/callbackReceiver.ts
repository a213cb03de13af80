/**
 * The application side of the callback benchmark, run in its own process (forked) so that
 * receiving does not share an event loop with sending. It listens on 127.0.0.1 for several
 * destinations and checks, per call, that `SequenceNumber` arrives in order with nothing lost.
 *
 * Protocol (IPC): the parent sends `{ type: 'start', destinations, slow }`, then
 * `{ type: 'round', faults, slowDelayMs }` before each round and `{ type: 'stats' }` after it.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Faults injected into a round; decided per request by a seeded generator. */
export interface Faults {
  /** Share of requests answered 500. */
  readonly errorRate: number;
  /** Share of requests answered after `delayMs`. */
  readonly delayRate: number;
  readonly delayMs: number;
  readonly seed: number;
}

export type ReceiverCommand =
  | { readonly type: 'start'; readonly destinations: number }
  | {
      readonly type: 'round';
      readonly faults: Faults;
      readonly slow: readonly number[];
      readonly slowDelayMs: number;
    }
  | { readonly type: 'stats' }
  | { readonly type: 'stop' };

/** What the receiver saw in one round. */
export interface ReceiverStats {
  readonly requests: number;
  /** Callbacks answered 2xx, each counted once per (call, sequence number). */
  readonly accepted: number;
  /** A SequenceNumber that arrived before its predecessor was accepted. */
  readonly orderingViolations: number;
  /** Same (call, sequence number) accepted twice. */
  readonly duplicates: number;
  /** Per destination index: lag (ms) from `IssuedAt` to arrival, of accepted callbacks. */
  readonly lags: readonly (readonly number[])[];
  /** call → highest accepted SequenceNumber + 1. */
  readonly acceptedPerCall: Readonly<Record<string, number>>;
}

export type ReceiverReply =
  | { readonly type: 'ready'; readonly ports: readonly number[] }
  | { readonly type: 'stats'; readonly stats: ReceiverStats };

/**
 * Milliseconds on the system's monotonic clock, comparable across processes of one machine
 * (`process.hrtime` reads CLOCK_MONOTONIC). `performance.timeOrigin + performance.now()` is
 * not: each process fixes its own origin at start-up, off by as much as the start was slow.
 */
export function monotonicNow(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function main(): void {
  let faults: Faults = { errorRate: 0, delayRate: 0, delayMs: 0, seed: 1 };
  let random = mulberry32(1);
  let slow = new Set<number>();
  let slowDelayMs = 0;
  let requests = 0;
  let violations = 0;
  let duplicates = 0;
  let accepted = 0;
  let next = new Map<string, number>();
  let lags: number[][] = [];

  const handle = (index: number, req: IncomingMessage, res: ServerResponse, body: string): void => {
    const arrived = monotonicNow();
    requests += 1;
    const params = new URLSearchParams(body);
    const call = params.get('CallSid') ?? '';
    const seq = Number(params.get('SequenceNumber'));
    const issuedAt = Number(params.get('IssuedAt'));
    const expected = next.get(call) ?? 0;
    if (seq > expected) violations += 1;
    const roll = random();
    const fail = roll < faults.errorRate;
    const delay = slow.has(index)
      ? slowDelayMs
      : roll >= faults.errorRate && roll < faults.errorRate + faults.delayRate
        ? faults.delayMs
        : 0;
    const answer = (): void => {
      if (fail) {
        res.writeHead(500).end();
        return;
      }
      const current = next.get(call) ?? 0;
      if (seq === current) {
        next.set(call, current + 1);
        accepted += 1;
        lags[index]!.push(arrived - issuedAt);
      } else if (seq < current) {
        duplicates += 1;
      }
      res.writeHead(204).end();
    };
    if (delay > 0) setTimeout(answer, delay);
    else answer();
    void req;
  };

  const servers: ReturnType<typeof createServer>[] = [];
  process.on('message', (command: ReceiverCommand) => {
    switch (command.type) {
      case 'start': {
        lags = Array.from({ length: command.destinations }, () => []);
        const ports: number[] = [];
        let pending = command.destinations;
        for (let i = 0; i < command.destinations; i++) {
          const server = createServer((req, res) => {
            const chunks: Buffer[] = [];
            req.on('data', (c: Buffer) => chunks.push(c));
            req.on('end', () => handle(i, req, res, Buffer.concat(chunks).toString('utf-8')));
          });
          server.keepAliveTimeout = 30_000;
          servers.push(server);
          server.listen(0, '127.0.0.1', () => {
            ports[i] = (server.address() as AddressInfo).port;
            pending -= 1;
            if (pending === 0) process.send?.({ type: 'ready', ports } satisfies ReceiverReply);
          });
        }
        break;
      }
      case 'round':
        faults = command.faults;
        random = mulberry32(command.faults.seed);
        slow = new Set(command.slow);
        slowDelayMs = command.slowDelayMs;
        requests = 0;
        violations = 0;
        duplicates = 0;
        accepted = 0;
        next = new Map();
        lags = lags.map(() => []);
        process.send?.({ type: 'ready', ports: [] } satisfies ReceiverReply);
        break;
      case 'stats':
        process.send?.({
          type: 'stats',
          stats: {
            requests,
            accepted,
            orderingViolations: violations,
            duplicates,
            lags,
            acceptedPerCall: Object.fromEntries(next),
          },
        } satisfies ReceiverReply);
        break;
      case 'stop':
        for (const server of servers) server.closeAllConnections();
        for (const server of servers) server.close();
        process.disconnect?.();
        break;
    }
  });
}

/** The argument that makes this module run as the receiver process. */
export const RECEIVER_FLAG = '--rcml-callback-receiver';

if (process.send !== undefined && process.argv.includes(RECEIVER_FLAG)) main();
