/**
 * Who answered an outbound call (`DetectVoicemail`, `MachineDetection`), judged by the driver
 * from `TALK_DETECT` voice activity with TwiML's thresholds, on the fake Asterisk; and the
 * engine's `AnsweredBy` on top of it.
 */
import type { DetectionMode } from '@rcml/core';
import { createEngine } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { advance, settle, useModel } from './fake/modelHarness.js';
import { recorder, until } from './helpers.js';

const { start } = useModel();

/** Originate with `mode`, answer at the far end; returns what the driver reported and the far end. */
async function answeredWith(mode: DetectionMode | null, detectVoicemail = false) {
  const setup = await start();
  const s = setup;
  const channel = s.t.driver.originate({
    callSid: 'CAdetect',
    to: '+15557654321',
    from: '+15551112222',
    timeout: 30,
    detectVoicemail,
    ...(mode === null ? {} : { detection: mode }),
  });
  const rec = recorder();
  channel.listen(rec);
  await settle(s.fake);
  const far = s.fake.state.channels.get('rcml-CAdetect')!;
  s.fake.state.far(far, 'answer');
  await settle(s.fake);
  expect(far.talkDetect).toBe(true);
  return { s, rec, far, detected: () => rec.events.filter((e) => e.startsWith('detected:')) };
}

describe('answering-machine detection from TALK_DETECT', () => {
  it('the driver says it can detect', async () => {
    const setup = await start();
    expect(setup.t.driver.capabilities.voicemailDetection).toBe(true);
  });

  it('a short "hello" then silence is a human, once the speech-end silence has passed', async () => {
    const { s, far, detected } = await answeredWith('Enable');
    await advance(s.fake, s.clock, 300);
    s.fake.state.farSpeak(far, 1); // ChannelTalkingFinished 1 s later (after Asterisk's 700 ms)
    await advance(s.fake, s.clock, 1000);
    await advance(s.fake, s.clock, 499);
    expect(detected()).toEqual([]);
    await advance(s.fake, s.clock, 1);
    expect(detected()).toEqual(['detected:human']);
  });

  it('speech lasting 2.4 s is a machine (Enable: at once)', async () => {
    const { s, far, detected } = await answeredWith('Enable');
    s.fake.state.farSpeak(far, 6);
    await advance(s.fake, s.clock, 2399);
    expect(detected()).toEqual([]);
    await advance(s.fake, s.clock, 1);
    expect(detected()).toEqual(['detected:machine']);
    await advance(s.fake, s.clock, 5000);
    expect(detected()).toEqual(['detected:machine']);
  });

  it('DetectMessageEnd waits for the greeting to end: machine_end_silence', async () => {
    const { s, far, detected } = await answeredWith('DetectMessageEnd');
    s.fake.state.farSpeak(far, 4);
    await advance(s.fake, s.clock, 4000);
    expect(detected()).toEqual([]);
    await advance(s.fake, s.clock, 500);
    expect(detected()).toEqual(['detected:machine_end_silence']);
  });

  it('no voice within 5 s of the answer is unknown', async () => {
    const { s, detected } = await answeredWith('voicemail', true);
    await advance(s.fake, s.clock, 4999);
    expect(detected()).toEqual([]);
    await advance(s.fake, s.clock, 1);
    expect(detected()).toEqual(['detected:unknown']);
  });

  it('without detection asked, nothing is reported', async () => {
    const { s, far, detected } = await answeredWith(null);
    s.fake.state.farSpeak(far, 4);
    await advance(s.fake, s.clock, 8000);
    expect(detected()).toEqual([]);
  });

  it('a call that ends during detection reports nothing', async () => {
    const { s, far, detected, rec } = await answeredWith('Enable');
    s.fake.state.farSpeak(far, 1);
    await advance(s.fake, s.clock, 200);
    s.fake.state.hangup(far, { soft: false, cause: 16 });
    await advance(s.fake, s.clock, 6000);
    expect(detected()).toEqual([]);
    expect(rec.events).toContain('hangup');
  });
});

describe('MachineDetection through the engine', () => {
  it('a machine greeting gives AnsweredBy=machine_start on the call and its first request', async () => {
    const setup = await start();
    const { fake, clock, t } = setup;
    const requests: Record<string, string>[] = [];
    const engine = createEngine({
      driver: t.driver,
      clock,
      http: {
        async send(request) {
          requests.push({ ...request.params });
          return {
            status: 200,
            contentType: 'text/xml',
            location: null,
            body: '<Response><Hangup/></Response>',
          };
        },
      },
    });
    const call = engine.create({
      To: '+15557654321',
      From: '+15551112222',
      Url: 'http://app.test/amd',
      MachineDetection: 'Enable',
    });
    await settle(fake);
    const far = fake.state.channels.get(`rcml-${call.sid}`)!;
    fake.state.far(far, 'answer');
    await settle(fake);
    fake.state.farSpeak(far, 5);
    await advance(fake, clock, 2400);
    await until(() => requests.length > 0, 'the document request');
    expect(requests[0]?.AnsweredBy).toBe('machine_start');
    expect(engine.get(call.sid)?.answeredBy).toBe('machine_start');
  });
});
