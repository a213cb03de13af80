/**
 * `rcml serve --driver asterisk`: what the CLI does with calls arriving at Asterisk, against
 * the driver package's fake Asterisk. A call the engine refuses is rejected and logged (it
 * used to throw inside the driver's WebSocket handler and end the process); a withheld caller
 * number arrives as `From=anonymous`; the driver logs through the CLI's log sink.
 */
import { createSimulatedClock, type InboundParams, RcmlError } from '@rcml/core';
import { afterEach, describe, expect, it } from 'vitest';
import { ModelAri } from '../../driver-asterisk/test/fake/modelAri.js';
import { settle } from '../../driver-asterisk/test/fake/modelHarness.js';
import { until } from '../../driver-asterisk/test/helpers.js';
import type { Runtime } from '../src/runtime/createRuntime.js';
import { type LoadedAsterisk, loadAsteriskDriver, sinkLogger } from '../src/serve/asterisk.js';

let fake: ModelAri | null = null;
let loaded: LoadedAsterisk | null = null;

afterEach(async () => {
  await loaded?.stop().catch(() => undefined);
  await fake?.close();
  loaded = null;
  fake = null;
});

/** Just enough of a runtime for the inbound handler: an engine whose `inbound` is given. */
function runtimeWith(inbound: (params: InboundParams) => void): Runtime {
  return {
    engine: { inbound: (params: InboundParams) => inbound(params) },
    observe: (channel: unknown) => channel,
  } as unknown as Runtime;
}

async function startWith(runtime: Runtime, inboundUrl: string | undefined) {
  fake = await ModelAri.start({ clock: createSimulatedClock() });
  const lines: string[] = [];
  loaded = await loadAsteriskDriver(
    ['--ari-url', fake.url, '--ari-user', 'rcml', '--ari-password', 'secret'],
    { write: (text: string) => lines.push(text) },
  );
  await loaded.start(runtime, inboundUrl);
  await settle(fake);
  return { fake, lines };
}

describe('rcml serve --driver asterisk: arriving calls', () => {
  it('a call the engine refuses is rejected and logged; the server keeps taking calls', async () => {
    const seen: InboundParams[] = [];
    const runtime = runtimeWith((params) => {
      seen.push(params);
      if (seen.length === 1) throw new RcmlError(20001, 'From: required', { field: 'From' });
    });
    const { fake, lines } = await startWith(runtime, 'http://app.test/voice');
    const first = fake.state.inbound('+15551230001', '+15550001000');
    await until(() => first.destroyed, 'the refused call to be rejected');
    expect(
      lines.some(
        (l) => l.includes('error inbound call refused by the engine') && l.includes('From: required'),
      ),
    ).toBe(true);
    fake.state.inbound('+15551230002', '+15550001000');
    await until(() => seen.length === 2, 'the next call');
    expect(seen[1]).toMatchObject({ From: '+15551230002', To: '+15550001000', Url: 'http://app.test/voice' });
  });

  it('a withheld caller number arrives as From=anonymous', async () => {
    const seen: InboundParams[] = [];
    const { fake } = await startWith(
      runtimeWith((params) => seen.push(params)),
      'http://app.test/voice',
    );
    fake.state.inbound('', '+15550001000');
    await until(() => seen.length === 1, 'the call');
    expect(seen[0]).toMatchObject({ From: 'anonymous', To: '+15550001000' });
  });

  it('without --inbound-url calls are rejected, with one log line saying why', async () => {
    const { fake, lines } = await startWith(
      runtimeWith(() => undefined),
      undefined,
    );
    const a = fake.state.inbound('+15551230001', '+15550001000');
    const b = fake.state.inbound('+15551230002', '+15550001000');
    await until(() => a.destroyed && b.destroyed, 'both calls to be rejected');
    expect(lines.filter((l) => l.includes('without --inbound-url'))).toHaveLength(1);
  });
});

describe('the driver logger', () => {
  it('writes one line per message with its fields, and leaves debug out', () => {
    const lines: string[] = [];
    const logger = sinkLogger({ write: (text: string) => lines.push(text) });
    logger.debug('noise');
    logger.error('ARI request failed', { method: 'POST', path: '/channels/1/play', status: 0 });
    expect(lines).toEqual([
      'asterisk: error ARI request failed method=POST path=/channels/1/play status=0\n',
    ]);
  });
});
