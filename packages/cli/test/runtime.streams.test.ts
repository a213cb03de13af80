/**
 * `rcml call` / `rcml serve` run media streams: the runtime gives the engine the WebSocket
 * client (signed with the runtime's token, under its SSRF guard) and its observed channels
 * keep the simulated driver's `mediaStream`. A real HTTP app on 127.0.0.1 answers
 * `<Connect><Stream>` to a real echo agent.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { computeSignature } from '@rcml/webhook';
import { afterEach, describe, expect, it } from 'vitest';
import { type Agent, echo, markClear, startAgent } from '../../../test/streams/agents.js';
import { createRuntime, type Runtime } from '../src/runtime/createRuntime.js';
import { formatLine } from '../src/timeline/format.js';

const TOKEN = 'runtime-stream-token';
let server: Server | undefined;
let agent: Agent | undefined;
let runtime: Runtime | undefined;

afterEach(async () => {
  await runtime?.close({ drainMs: 0, deadlineMs: 1000 });
  await agent?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
  agent = undefined;
  runtime = undefined;
});

async function startApp(document: string): Promise<string> {
  server = createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/xml' }).end(document);
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

function callIn(rt: Runtime, url: string) {
  const arriving = rt.simulated?.inbound({ from: '+15550001111', to: '+15552223333' });
  if (arriving === undefined) throw new Error('no simulated driver');
  const done = new Promise<string[]>((resolve) => {
    const notices: string[] = [];
    rt.engine.subscribe((e) => {
      if (e.type === 'notice') notices.push(`${e.code}`);
      if (e.type === 'status' && e.status === 'completed') resolve(notices);
    });
  });
  rt.engine.inbound(
    { From: '+15550001111', To: '+15552223333', Url: `${url}/voice` },
    rt.observe(arriving.channel),
  );
  return { arriving, done };
}

describe('the CLI runtime streams', () => {
  it('connects a signed <Connect><Stream> to an echo agent; the echoed audio reaches the caller', async () => {
    agent = await startAgent(echo);
    const streamUrl = `${agent.url}/echo`;
    const app = await startApp(`<Response><Connect><Stream url="${streamUrl}"/></Connect></Response>`);
    runtime = createRuntime({ authToken: TOKEN });
    const { arriving, done } = callIn(runtime, app);
    const connection = await agent.connection();
    await connection.until((r) => r.filter((m) => m.event === 'media').length >= 10);
    connection.socket.close(1000);
    expect(await done).toEqual([]);
    expect(connection.headers['x-twilio-signature']).toBe(computeSignature(TOKEN, streamUrl, {}));
    expect(connection.received.slice(0, 2).map((m) => m.event)).toEqual(['connected', 'start']);
    expect(arriving.channel.mediaStreams[0]?.played.length).toBeGreaterThan(0);
  });

  // Found trying twilio/media-streams' connect-basic under `rcml call`: the whole stream was a
  // silent gap in the log between two <Say>s.
  it('logs the stream: connected (URL, SID), then who closed it and what the app sent back', async () => {
    agent = await startAgent(markClear);
    const app = await startApp(
      `<Response><Connect><Stream url="${agent.url}/agent" name="bot"/></Connect><Say>next</Say></Response>`,
    );
    runtime = createRuntime({});
    const { done } = callIn(runtime, app);
    const connection = await agent.connection();
    await connection.until((r) =>
      r.some((m) => m.event === 'mark' && (m.mark as { name: string }).name === 'after-clear'),
    );
    connection.socket.close(1000, 'bye');
    await done;
    const lines = runtime.log.entries
      .filter((e) => e.kind === 'stream' || (e.kind === 'media' && e.op === 'say'))
      .map((e) => formatLine(e)?.slice(14));
    expect(lines).toEqual([
      expect.stringMatching(/^stream {4}connected ws:\/\/127\.0\.0\.1:\d+\/agent name=bot {2}\(MZ…\w{4}\)$/),
      // markClear sends 10 frames, mark, 100 frames, mark; then clear, 2 frames, mark: 112 frames of 160 bytes.
      expect.stringMatching(
        /^stream {4}closed by the app \(1000 "bye"\) after \d+\.\d s; the app sent 3 media \(2\.24 s of audio\), 3 marks, 1 clear {2}\(MZ…\w{4}\)$/,
      ),
      'say       "next"',
    ]);
  });

  // Found with cweems/media-streams-retry: its agent terminates the socket (no close frame) and
  // it restarts the stream on stream-error; here it got stream-stopped and never did.
  it('an agent that terminates its socket (1006) is notice 31921; the next verb runs', async () => {
    agent = await startAgent((message, connection) => {
      if (message.event === 'start') connection.socket.terminate();
    });
    const app = await startApp(
      `<Response><Connect><Stream url="${agent.url}/drop"/></Connect><Say>again</Say></Response>`,
    );
    runtime = createRuntime({});
    const { done } = callIn(runtime, app);
    expect(await done).toEqual(['31921']);
    expect(runtime.log.entries.some((e) => e.kind === 'media' && e.op === 'say')).toBe(true);
  });

  it('with the SSRF guard on, a stream to an internal address is refused (11210); the next verb runs', async () => {
    agent = await startAgent(echo);
    const app = await startApp(
      `<Response><Connect><Stream url="${agent.url}"/></Connect><Say>next</Say></Response>`,
    );
    // The app is reached by an allowed name (mapped to 127.0.0.1); the stream's 127.0.0.1 is not allowed.
    const lookup = ((_host: string, options: unknown, callback: (...args: unknown[]) => void) => {
      const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all;
      if (all) callback(null, [{ address: '127.0.0.1', family: 4 }]);
      else callback(null, '127.0.0.1', 4);
    }) as never;
    runtime = createRuntime({ ssrfGuard: { allow: ['app.test'] }, lookup });
    const { done } = callIn(runtime, app.replace('127.0.0.1', 'app.test'));
    expect(await done).toEqual(['11210']);
    expect(agent.connections).toHaveLength(0);
  });
});
