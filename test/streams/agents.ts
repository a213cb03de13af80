/**
 * Media-stream applications for the tests: real WebSocket servers on 127.0.0.1 (the `ws`
 * package) speaking TwiML's protocol from the application's side, each recording what it
 * received. `startAgent` takes the behaviour; the four agents of the suite are below.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';

/** A message as the agent received it (parsed JSON). */
export type Received = Record<string, unknown> & { event: string };

/** One connection the agent accepted. */
export interface AgentConnection {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly received: Received[];
  /** Milliseconds (performance.now) each message arrived. */
  readonly arrivals: number[];
  readonly socket: WebSocket;
  /** Settles when the socket closed. */
  readonly closed: Promise<void>;
  streamSid(): string;
  send(message: Record<string, unknown>): void;
  /** Resolves once `predicate` holds for the messages received so far (checked on each message). */
  until(predicate: (received: readonly Received[]) => boolean): Promise<void>;
}

/** What an agent does with each message. */
export type Behaviour = (message: Received, connection: AgentConnection) => void;

/** A running agent. */
export interface Agent {
  /** `ws://127.0.0.1:<port>` */
  readonly url: string;
  readonly connections: AgentConnection[];
  /** Resolves with the n-th connection (0-based) once it was accepted. */
  connection(n?: number): Promise<AgentConnection>;
  close(): Promise<void>;
}

/** A WebSocket server on 127.0.0.1 running `behaviour` on every connection. */
export async function startAgent(behaviour: Behaviour = () => {}): Promise<Agent> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const connections: AgentConnection[] = [];
  const waiting: ((c: AgentConnection) => void)[] = [];
  server.on('connection', (socket, request) => {
    let resolveClosed!: () => void;
    const closed = new Promise<void>((r) => {
      resolveClosed = r;
    });
    const watchers: { predicate: (r: readonly Received[]) => boolean; resolve: () => void }[] = [];
    const connection: AgentConnection = {
      path: request.url ?? '/',
      headers: request.headers,
      received: [],
      arrivals: [],
      socket,
      closed,
      streamSid: () => String(connection.received.find((m) => m.event === 'start')?.streamSid ?? ''),
      send: (message) => socket.send(JSON.stringify(message)),
      until: (predicate) =>
        predicate(connection.received)
          ? Promise.resolve()
          : new Promise<void>((resolve) => watchers.push({ predicate, resolve })),
    };
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as Received;
      connection.received.push(message);
      connection.arrivals.push(performance.now());
      behaviour(message, connection);
      for (const watcher of [...watchers]) {
        if (!watcher.predicate(connection.received)) continue;
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve();
      }
    });
    socket.on('close', () => resolveClosed());
    connections.push(connection);
    const next = waiting.shift();
    next?.(connection);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    connections,
    connection(n = 0) {
      const existing = connections[n];
      if (existing !== undefined) return Promise.resolve(existing);
      return new Promise((resolve) => {
        const check = (c: AgentConnection) =>
          connections[n] === undefined ? waiting.push(check) : resolve(c);
        waiting.push(check);
      });
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/** Echo: every inbound frame goes straight back as audio for the caller. */
export const echo: Behaviour = (message, connection) => {
  if (message.event !== 'media') return;
  const media = message.media as { payload: string };
  connection.send({ event: 'media', streamSid: connection.streamSid(), media: { payload: media.payload } });
};

/**
 * Mark/clear: on `start`, queues 10 frames (200 ms) of audio then mark `first`, 100 more (2 s)
 * then mark `second`; when `first` comes back it sends `clear` (dropping the rest: `second`
 * comes back at once), then 2 frames and mark `after-clear`.
 */
export const markClear: Behaviour = (message, connection) => {
  const sid = connection.streamSid();
  const audio = (frames: number) =>
    connection.send({
      event: 'media',
      streamSid: sid,
      media: { payload: Buffer.alloc(160 * frames, 0x55).toString('base64') },
    });
  const mark = (name: string) => connection.send({ event: 'mark', streamSid: sid, mark: { name } });
  if (message.event === 'start') {
    audio(10);
    mark('first');
    audio(100);
    mark('second');
  } else if (message.event === 'mark' && (message.mark as { name: string }).name === 'first') {
    connection.send({ event: 'clear', streamSid: sid });
    audio(2);
    mark('after-clear');
  }
};

/** DTMF: each key comes back as a mark named after it; `#` closes the socket. */
export const dtmfAgent: Behaviour = (message, connection) => {
  if (message.event !== 'dtmf') return;
  const digit = (message.dtmf as { digit: string }).digit;
  if (digit === '#') connection.socket.close(1000);
  else connection.send({ event: 'mark', streamSid: connection.streamSid(), mark: { name: `key-${digit}` } });
};

/**
 * Hang up after a while: closes the socket once `frames` media frames have arrived (counted,
 * not timed, so a busy machine changes nothing).
 */
export function hangUpAfter(frames: number): Behaviour {
  let received = 0;
  return (message, connection) => {
    if (message.event === 'media' && ++received === frames) connection.socket.close(1000);
  };
}
