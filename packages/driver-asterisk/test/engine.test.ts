/**
 * The whole stack without Asterisk: the real engine runs RCML documents (served by an
 * in-memory web application) on calls of the Asterisk driver, against the fake Asterisk.
 */
import type { EngineEvent } from '@rcml/core';
import { createEngine } from '@rcml/core';
import { expect, it } from 'vitest';
import { advance, settle, useModel } from './fake/modelHarness.js';
import { until, webApp } from './helpers.js';

const { start } = useModel();

it('an inbound call runs Say, Gather (with barge-in), Play digits and Hangup on Asterisk', async () => {
  const setup = await start();
  const { fake, clock, t } = setup;
  const app = webApp({
    'http://app.test/start':
      '<Response><Say>Welcome</Say><Gather numDigits="1" action="/menu"><Say loop="3">Press a key</Say></Gather></Response>',
    'http://app.test/menu': '<Response><Play digits="42"/><Hangup/></Response>',
  });
  const engine = createEngine({ driver: t.driver, http: app.http, clock });
  const events: EngineEvent[] = [];
  engine.subscribe((e) => events.push(e));
  // What `rcml serve` does with each arriving call.
  const handled = t.inbound.length;
  const model = fake.state.inbound('+15551230001', '+15550001000');
  await until(() => t.inbound.length > handled, 'the inbound call');
  const call = t.inbound[handled]!;
  const record = engine.inbound({ From: call.from, To: call.to, Url: 'http://app.test/start' }, call.channel);
  // Welcome (1 s) then the Gather prompt starts; a key during it stops the prompt.
  await advance(fake, clock, 1500);
  fake.state.farDtmf(model, '7');
  await advance(fake, clock, 2000);
  await until(() => model.destroyed, 'the hang-up');
  await settle(fake);

  const menu = app.requests.find((r) => r.url === 'http://app.test/menu');
  expect(menu?.params.Digits).toBe('7');
  expect(app.requests[0]?.params).toMatchObject({
    From: '+15551230001',
    To: '+15550001000',
    Direction: 'inbound',
  });
  const asked = fake.log
    .filter((l) => l.startsWith('REQ ') && !l.includes('/applications/'))
    .map((l) => l.replace(/pb-test-\d+/, 'pb-N'));
  expect(asked).toEqual([
    `REQ POST /ari/channels/${model.id}/answer`,
    `REQ POST /ari/channels/${model.id}/variable?variable=TALK_DETECT(set)&value=700,256`,
    `REQ POST /ari/channels/${model.id}/play?media=sound:/tts/say1&playbackId=pb-N`,
    `REQ POST /ari/channels/${model.id}/play?media=sound:/tts/say1,sound:/tts/say1,sound:/tts/say1&playbackId=pb-N`,
    'REQ DELETE /ari/playbacks/pb-N',
    `REQ POST /ari/channels/${model.id}/dtmf?dtmf=42&before=0&between=100&duration=100`,
    `REQ DELETE /ari/channels/${model.id}`,
  ]);
  expect(t.said.map((s) => s.text)).toEqual(['Welcome', 'Press a key']);
  expect(engine.get(record.sid)?.status).toBe('completed');
  expect(events.filter((e) => e.type === 'notice')).toEqual([]);
});

it('an outbound call through the Calls API rings, is answered and runs its document', async () => {
  const setup = await start();
  const { fake, clock, t } = setup;
  const app = webApp({ 'http://app.test/out': '<Response><Say>Hi there</Say></Response>' });
  const engine = createEngine({ driver: t.driver, http: app.http, clock });
  const created = engine.create({ To: '+15557654321', From: '+15551112222', Url: 'http://app.test/out' });
  await settle(fake);
  const model = [...fake.state.channels.values()].find((c) => c.kind === 'originated')!;
  expect(model.id).toBe(`rcml-${created.sid}`);
  fake.state.far(model, 'ring');
  await settle(fake);
  expect(engine.get(created.sid)?.status).toBe('ringing');
  fake.state.far(model, 'answer');
  await advance(fake, clock, 1500);
  await until(() => model.destroyed, 'the end of the call');
  await settle(fake);
  expect(app.requests[0]?.params).toMatchObject({ CallStatus: 'in-progress', Direction: 'outbound-api' });
  expect(engine.get(created.sid)?.status).toBe('completed');
});

it('Record hears the caller through TALK_DETECT and posts RecordingUrl; Dial bridges the answered leg', async () => {
  const setup = await start();
  const { fake, clock, t } = setup;
  const app = webApp({
    'http://app.test/start': '<Response><Record maxLength="20" timeout="2" action="/recorded"/></Response>',
    'http://app.test/recorded':
      '<Response><Dial timeout="20" action="/dialled">+15550009999</Dial></Response>',
    'http://app.test/dialled': '<Response><Hangup/></Response>',
  });
  const engine = createEngine({ driver: t.driver, http: app.http, clock });
  const handled = t.inbound.length;
  const model = fake.state.inbound('+15551230001', '+15550001000');
  await until(() => t.inbound.length > handled, 'the inbound call');
  const call = t.inbound[handled]!;
  engine.inbound({ From: call.from, To: call.to, Url: 'http://app.test/start' }, call.channel);
  await advance(fake, clock, 500);
  fake.state.farSpeak(model, 3); // 3 s of voice, then silence: 2 s later the engine stops
  await advance(fake, clock, 6000);
  await until(() => app.requests.some((r) => r.url === 'http://app.test/recorded'), 'the action request');
  const recorded = app.requests.find((r) => r.url === 'http://app.test/recorded')!;
  expect(recorded.params.RecordingUrl).toMatch(
    /^http:\/\/rcml\.test\/recordings\/RE[0-9a-f]{32}\.wav\?bytes=\d+$/,
  );
  expect(recorded.params.RecordingDuration).toBe('5');

  await advance(fake, clock, 100);
  const leg = [...fake.state.channels.values()].find((c) => c.kind === 'created')!;
  expect(leg.endpoint).toBe('Local/+15550009999/n');
  fake.state.far(leg, 'answer');
  await advance(fake, clock, 3000);
  expect([...fake.state.bridges.values()][0]?.channels).toEqual([model.id, leg.id]);
  fake.state.hangup(leg, { soft: false, cause: 16 });
  await advance(fake, clock, 100);
  await until(() => model.destroyed, 'the end of the call');
  const dialled = app.requests.find((r) => r.url === 'http://app.test/dialled')!;
  expect(dialled.params).toMatchObject({ DialCallStatus: 'completed', DialCallDuration: '3' });
  expect(fake.state.bridges.size).toBe(0);
});
