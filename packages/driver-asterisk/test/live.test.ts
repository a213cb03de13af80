/**
 * The live suite: the real engine runs RCML documents on a real Asterisk 22 through the
 * driver. Skipped unless `RCML_ARI_URL` is set, because CI has no Asterisk (and Asterisk is
 * not in Debian 12: it is built by hand, see docs/asterisk.md "Verified with"). Needs the
 * dialplan of docs/asterisk.md ("The live suite"): `[stasis-test]` and `[callee]`.
 *   RCML_ARI_URL=http://127.0.0.1:8088 RCML_ARI_USER=rcml RCML_ARI_PASSWORD=… \
 *   RCML_ASTERISK_STOP='asterisk -rx "core stop now"' RCML_ASTERISK_START='asterisk' \
 *   node_modules/.bin/vitest run packages/driver-asterisk/test/live.test.ts
 * The restart test also needs `RCML_ASTERISK_STOP` and `RCML_ASTERISK_START` (shell commands).
 */
import { execSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP,
  ari,
  type Caller,
  delay,
  finalStatus,
  LIVE,
  type LiveStack,
  leftovers,
  placeCall,
  startStack,
  waitFor,
} from './live/harness.js';

const live = describe.skipIf(LIVE.url === undefined);

let s: LiveStack;
let media: Server;
let mediaUrl = '';

/** The inbound call that arrived for `caller` (the newest one). */
async function arrived(count: number) {
  await waitFor(() => s.inbound.length > count, 'the inbound call');
  return s.inbound[count]!;
}

/** Wait until the engine has started verb `verb` on call `sid`. */
async function verbStarted(sid: string, verb: string, nth = 1) {
  await waitFor(
    () =>
      s.events.filter((e) => e.type === 'verb' && e.phase === 'start' && e.callSid === sid && e.verb === verb)
        .length >= nth,
    `${verb} to start`,
  );
}

const notices = (sid: string) =>
  s.events
    .filter((e) => e.type === 'notice' && e.callSid === sid)
    .map((e) => (e.type === 'notice' ? `${e.code} ${e.message}` : ''));

live('live Asterisk (RCML_ARI_URL)', () => {
  beforeAll(async () => {
    const wav = readFileSync('/var/lib/asterisk/sounds/en/beep.wav');
    media = createServer((_req, res) => res.writeHead(200, { 'content-type': 'audio/wav' }).end(wav));
    await new Promise<void>((resolve) => media.listen(0, '127.0.0.1', resolve));
    mediaUrl = `http://127.0.0.1:${(media.address() as AddressInfo).port}/beep.wav`;
    s = await startStack();
  });

  afterAll(async () => {
    await s?.stop();
    media?.closeAllConnections();
    await new Promise<void>((resolve) => media?.close(() => resolve()));
  });

  it('an inbound call runs Say, Play (URL and digits), Pause, Gather, Record (key-ended) and Hangup', async () => {
    s.inboundPath = '/verbs';
    s.app.page(
      '/verbs',
      `<Response><Say>Welcome</Say><Play>${mediaUrl}</Play><Play digits="12"/><Pause length="1"/>` +
        '<Gather numDigits="2" timeout="8" action="/gathered"><Say>Enter two digits</Say></Gather></Response>',
    );
    s.app.page(
      '/gathered',
      '<Response><Record maxLength="10" finishOnKey="#" playBeep="true" action="/recorded"/></Response>',
    );
    s.app.page('/recorded', '<Response><Say>Goodbye</Say><Hangup/></Response>');
    const before = s.inbound.length;
    const caller = await placeCall('+15551230001');
    const { call, record } = await arrived(before);
    expect({ from: call.from, to: call.to }).toEqual({ from: '+15551230001', to: 's' });
    await verbStarted(record.sid, 'Gather');
    await delay(500);
    await caller.keys('42');
    await verbStarted(record.sid, 'Record');
    await delay(300);
    await caller.speak(); // 1.4 s of voice
    await delay(2000);
    await caller.keys('#');
    expect(await finalStatus(s.engine, record.sid)).toBe('completed');
    expect(s.app.to('/gathered')[0]?.params.Digits).toBe('42');
    const recorded = s.app.to('/recorded')[0]!.params;
    expect(recorded.RecordingUrl).toMatch(/^http:\/\/rcml\.test\/recordings\/RE[0-9a-f]{32}\.wav$/);
    const file = join(s.recordingsDir, `${recorded.RecordingSid}.wav`);
    expect(statSync(file).size).toBeGreaterThan(44 + 8000);
    expect(notices(record.sid)).toEqual([]);
    await waitFor(() => caller.gone(), 'the caller to be hung up');
  }, 60_000);

  it('30 sequential single dials all complete', async () => {
    s.inboundPath = '/dial';
    const results: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      const to = `+1555100${String(i).padStart(4, '0')}`;
      s.app.page('/dial', `<Response><Dial timeout="10" action="/dialled">${to}</Dial></Response>`);
      s.app.page('/dialled', '<Response><Hangup/></Response>');
      const before = s.inbound.length;
      const asked = s.app.to('/dialled').length;
      await placeCall('+15551230001');
      const { record } = await arrived(before);
      expect(await finalStatus(s.engine, record.sid)).toBe('completed');
      await waitFor(() => s.app.to('/dialled').length > asked, 'the dial action');
      results.push(s.app.to('/dialled')[asked]!.params.DialCallStatus ?? '');
    }
    expect(results).toEqual(Array(30).fill('completed'));
  }, 180_000);

  it('a callerId dial shows the given caller ID to the callee; without it the caller’s own', async () => {
    s.inboundPath = '/cid';
    s.app.page('/cid', '<Response><Dial callerId="+15550000042" timeout="10">+15551009001</Dial></Response>');
    let before = s.inbound.length;
    await placeCall('+15551230001');
    let call = await arrived(before);
    expect(await finalStatus(s.engine, call.record.sid)).toBe('completed');
    const seen = (await ari('GET', '/asterisk/variable?variable=CID_15551009001')) as { value: string };
    expect(seen.value).toBe('+15550000042');

    s.app.page('/cid', '<Response><Dial timeout="10">+15551009002</Dial></Response>');
    before = s.inbound.length;
    await placeCall('+15551230077');
    call = await arrived(before);
    expect(await finalStatus(s.engine, call.record.sid)).toBe('completed');
    const own = (await ari('GET', '/asterisk/variable?variable=CID_15551009002')) as { value: string };
    expect(own.value).toBe('+15551230077');
  }, 60_000);

  it('busy and unanswered dial targets give busy and no-answer', async () => {
    s.inboundPath = '/dialfail';
    s.app.page('/dialfail', '<Response><Dial timeout="5" action="/after">+15553000001</Dial></Response>');
    s.app.page('/after', '<Response><Hangup/></Response>');
    let before = s.inbound.length;
    await placeCall();
    let call = await arrived(before);
    expect(await finalStatus(s.engine, call.record.sid)).toBe('completed');
    expect(s.app.to('/after').at(-1)?.params.DialCallStatus).toBe('busy');
    s.app.page('/dialfail', '<Response><Dial timeout="5" action="/after">+15554000001</Dial></Response>');
    before = s.inbound.length;
    await placeCall();
    call = await arrived(before);
    expect(await finalStatus(s.engine, call.record.sid)).toBe('completed');
    expect(s.app.to('/after').at(-1)?.params.DialCallStatus).toBe('no-answer');
  }, 60_000);

  it('a conference: three members join and leave; startConferenceOnEnter="false" waits; endConferenceOnExit ends it', async () => {
    s.inboundPath = '/conf';
    const room = `live-${Date.now()}`;
    const bridge = `/bridges/rcml-conf-${room}`;
    const members = () =>
      ari('GET', bridge).then(
        (b) => (b as { channels: string[] }).channels.length,
        () => -1,
      );
    // 1: waits (startConferenceOnEnter=false); 2: starts the room; 3: ends it when leaving.
    const docs = [
      `<Response><Dial><Conference startConferenceOnEnter="false">${room}</Conference></Dial></Response>`,
      `<Response><Dial><Conference>${room}</Conference></Dial></Response>`,
      `<Response><Dial><Conference endConferenceOnExit="true">${room}</Conference></Dial></Response>`,
    ];
    const calls: { caller: Caller; sid: string }[] = [];
    for (const doc of docs) {
      s.app.page('/conf', doc);
      const before = s.inbound.length;
      const caller = await placeCall();
      const { record } = await arrived(before);
      calls.push({ caller, sid: record.sid });
      await verbStarted(record.sid, 'Dial');
      await delay(700);
      if (calls.length === 1) {
        // Waiting outside the bridge with music on hold.
        expect(await members()).toBe(0);
        const waiting = (await ari('GET', `/channels/${s.inbound[before]!.call.channel.id}`)) as {
          id: string;
        };
        expect(waiting.id).toBeTruthy();
      }
    }
    await waitFor(async () => (await members()) === 3, 'three members in the bridge');
    // The starting member leaves: the others stay.
    await calls[1]!.caller.hangup();
    await waitFor(async () => (await members()) === 2, 'two members left');
    expect(s.engine.get(calls[0]!.sid)?.status).toBe('in-progress');
    // The ending member leaves: the room ends for everyone.
    await calls[2]!.caller.hangup();
    expect(await finalStatus(s.engine, calls[0]!.sid)).toBe('completed');
    await waitFor(async () => (await members()) === -1, 'the bridge to go');
    for (const c of calls) await waitFor(() => c.caller.gone(), 'every caller to be gone');
  }, 60_000);

  it('25 key-ended recordings all have their files', async () => {
    s.inboundPath = '/rec';
    s.app.page(
      '/rec',
      '<Response><Record maxLength="20" finishOnKey="#" playBeep="false" action="/saved"/></Response>',
    );
    s.app.page('/saved', '<Response><Hangup/></Response>');
    const sizes: number[] = [];
    for (let i = 0; i < 25; i += 1) {
      const before = s.inbound.length;
      const asked = s.app.to('/saved').length;
      const caller = await placeCall();
      const { record } = await arrived(before);
      await verbStarted(record.sid, 'Record');
      await caller.speak('beep');
      await delay(700);
      await caller.keys('#');
      expect(await finalStatus(s.engine, record.sid)).toBe('completed');
      await waitFor(() => s.app.to('/saved').length > asked, 'the action');
      const params = s.app.to('/saved')[asked]!.params;
      expect(params.RecordingUrl).not.toBe('');
      sizes.push(statSync(join(s.recordingsDir, `${params.RecordingSid}.wav`)).size);
    }
    expect(sizes.filter((n) => n > 44)).toHaveLength(25);
  }, 240_000);

  it('an anonymous caller (empty caller number) runs as From=anonymous', async () => {
    s.inboundPath = '/anon';
    s.app.page('/anon', '<Response><Say>Hello stranger</Say><Hangup/></Response>');
    const before = s.inbound.length;
    await placeCall('', 'anon');
    const { call, record } = await arrived(before);
    expect(call.from).toBe('anonymous');
    expect(await finalStatus(s.engine, record.sid)).toBe('completed');
    expect(s.app.to('/anon')[0]?.params.From).toBe('anonymous');
  }, 30_000);

  it('outbound calls through the Calls API: answered, busy, no-answer', async () => {
    s.app.page('/out', '<Response><Say>This is an outbound call</Say><Hangup/></Response>');
    const answered = s.engine.create({ To: '+15552000001', From: '+15551112222', Url: `${APP}/out` });
    const busy = s.engine.create({ To: '+15553000002', From: '+15551112222', Url: `${APP}/out` });
    const none = s.engine.create({ To: '+15554000002', From: '+15551112222', Url: `${APP}/out`, Timeout: 3 });
    expect(await finalStatus(s.engine, answered.sid)).toBe('completed');
    expect(await finalStatus(s.engine, busy.sid)).toBe('busy');
    expect(await finalStatus(s.engine, none.sid)).toBe('no-answer');
    expect(s.app.to('/out').length).toBe(1);
  }, 60_000);

  it('MachineDetection on real calls: a greeting is a machine, a short hello a human', async () => {
    s.app.page('/amd', '<Response><Hangup/></Response>');
    const create = (To: string, MachineDetection: string) =>
      s.engine.create({ To, From: '+15551112222', Url: `${APP}/amd`, MachineDetection });
    const machine = create('+15555000001', 'Enable');
    const human = create('+15556000001', 'Enable');
    const messageEnd = create('+15555000002', 'DetectMessageEnd');
    const silent = create('+15552000009', 'Enable');
    for (const call of [machine, human, messageEnd, silent]) await finalStatus(s.engine, call.sid, 40_000);
    const by = (sid: string) => s.app.requests.find((r) => r.callSid === sid)?.params.AnsweredBy;
    expect({
      machine: by(machine.sid),
      human: by(human.sid),
      messageEnd: by(messageEnd.sid),
      silent: by(silent.sid),
    }).toEqual({
      machine: 'machine_start',
      human: 'human',
      messageEnd: 'machine_end_silence',
      silent: 'unknown',
    });
  }, 60_000);

  it('Reject: busy and rejected end the inbound call unanswered', async () => {
    s.inboundPath = '/reject';
    for (const [reason, status] of [
      ['busy', 'busy'],
      ['rejected', 'no-answer'],
    ] as const) {
      s.app.page('/reject', `<Response><Reject reason="${reason}"/></Response>`);
      const before = s.inbound.length;
      const caller = await placeCall();
      const { record } = await arrived(before);
      expect(await finalStatus(s.engine, record.sid)).toBe(status);
      await waitFor(() => caller.gone(), 'the caller to be gone');
    }
  }, 30_000);

  it('Gather: a timeout moves on, finishOnKey ends the input; Play loop, Say voice and language, Redirect', async () => {
    s.inboundPath = '/g1';
    s.app.page(
      '/g1',
      '<Response><Gather timeout="1" numDigits="3"><Play loop="2">' +
        mediaUrl +
        '</Play></Gather><Say voice="woman" language="en-GB">No input</Say><Redirect>/g2</Redirect></Response>',
    );
    s.app.page(
      '/g2',
      '<Response><Gather finishOnKey="*" timeout="5" action="/g3"><Say>Keys then star</Say></Gather></Response>',
    );
    s.app.page('/g3', '<Response><Hangup/></Response>');
    const before = s.inbound.length;
    const caller = await placeCall();
    const { record } = await arrived(before);
    await verbStarted(record.sid, 'Gather', 2);
    await delay(300);
    await caller.keys('78*');
    expect(await finalStatus(s.engine, record.sid)).toBe('completed');
    expect(s.app.to('/g2')).toHaveLength(1);
    expect(s.app.to('/g3')[0]?.params.Digits).toBe('78');
    expect(notices(record.sid)).toEqual([]);
  }, 30_000);

  it('Record: ended by silence (timeout), by maxLength, and with trim="do-not-trim"', async () => {
    s.inboundPath = '/rec2';
    const results: Record<string, string>[] = [];
    for (const attrs of [
      'timeout="2" maxLength="30"',
      'timeout="0" maxLength="2"',
      'timeout="2" trim="do-not-trim"',
    ]) {
      s.app.page(
        '/rec2',
        `<Response><Record ${attrs} playBeep="false" finishOnKey="" action="/rec2done"/></Response>`,
      );
      s.app.page('/rec2done', '<Response><Hangup/></Response>');
      const before = s.inbound.length;
      const asked = s.app.to('/rec2done').length;
      const caller = await placeCall();
      const { record } = await arrived(before);
      await verbStarted(record.sid, 'Record');
      await caller.speak('hello-world');
      expect(await finalStatus(s.engine, record.sid)).toBe('completed');
      await waitFor(() => s.app.to('/rec2done').length > asked, 'the action');
      results.push({ ...s.app.to('/rec2done')[asked]!.params });
    }
    for (const r of results) {
      expect(r.RecordingUrl).not.toBe('');
      expect(statSync(join(s.recordingsDir, `${r.RecordingSid}.wav`)).size).toBeGreaterThan(44);
    }
    // hello-world is 1.4 s: silence ends the first after about 1.4 + 2 s; maxLength the second at 2 s.
    expect(Number(results[0]!.RecordingDuration)).toBeGreaterThanOrEqual(3);
    expect(Number(results[1]!.RecordingDuration)).toBe(2);
    // Asterisk trims the silence it stopped on (trim-silence); with do-not-trim the file keeps it.
    const size = (r: Record<string, string>) => statSync(join(s.recordingsDir, `${r.RecordingSid}.wav`)).size;
    expect(size(results[2]!) - size(results[0]!)).toBeGreaterThan(16000 * 1);
  }, 60_000);

  it('Dial: two targets ring at once (the first to answer wins), hangupOnStar, timeLimit, record-from-answer', async () => {
    s.inboundPath = '/d2';
    s.app.page(
      '/d2',
      '<Response><Dial timeout="10" hangupOnStar="true" record="record-from-answer" action="/d2done">' +
        '<Number>+15554000100</Number><Number>+15552000100</Number></Dial><Say>Back</Say></Response>',
    );
    s.app.page('/d2done', '<Response><Dial timeLimit="2" action="/d3done">+15552000101</Dial></Response>');
    s.app.page('/d3done', '<Response><Hangup/></Response>');
    const before = s.inbound.length;
    const caller = await placeCall();
    const { record } = await arrived(before);
    // Bridged with +15552000100 (the other keeps ringing and is cancelled); * leaves the bridge.
    await waitFor(
      () =>
        s.events.some((e) => e.type === 'status' && e.callSid !== record.sid && e.status === 'in-progress'),
      'a leg to answer',
    );
    await delay(1500);
    await caller.keys('*');
    expect(await finalStatus(s.engine, record.sid)).toBe('completed');
    const first = s.app.to('/d2done')[0]!.params;
    expect(first.DialCallStatus).toBe('completed');
    expect(first.RecordingUrl).toMatch(/\.wav$/);
    expect(statSync(join(s.recordingsDir, `${first.RecordingSid}.wav`)).size).toBeGreaterThan(44);
    const limited = s.app.to('/d3done')[0]!.params;
    expect(limited.DialCallStatus).toBe('completed');
    expect(Number(limited.DialCallDuration)).toBe(2);
    expect(notices(record.sid)).toEqual([]);
  }, 60_000);

  it('Dial: Client and Sip targets, and record-from-ringing', async () => {
    s.inboundPath = '/d4';
    s.app.page(
      '/d4',
      '<Response><Dial timeout="10" action="/d4client"><Client>alice</Client></Dial></Response>',
    );
    s.app.page(
      '/d4client',
      '<Response><Dial timeout="10" record="record-from-ringing" action="/d4sip"><Sip>sip:+15551000200@callee</Sip></Dial></Response>',
    );
    s.app.page('/d4sip', '<Response><Hangup/></Response>');
    const before = s.inbound.length;
    await placeCall();
    const { record } = await arrived(before);
    expect(await finalStatus(s.engine, record.sid)).toBe('completed');
    expect(s.app.to('/d4client')[0]?.params.DialCallStatus).toBe('completed');
    const sip = s.app.to('/d4sip')[0]!.params;
    expect(sip.DialCallStatus).toBe('completed');
    expect(statSync(join(s.recordingsDir, `${sip.RecordingSid}.wav`)).size).toBeGreaterThan(44);
    expect(notices(record.sid)).toEqual([]);
  }, 30_000);

  it('Conference with muted and beep attributes runs without notices', async () => {
    s.inboundPath = '/confmb';
    const room = `mb-${Date.now()}`;
    s.app.page(
      '/confmb',
      `<Response><Dial><Conference muted="true" beep="true" endConferenceOnExit="true">${room}</Conference></Dial></Response>`,
    );
    const before = s.inbound.length;
    const caller = await placeCall();
    const { record } = await arrived(before);
    await waitFor(
      () =>
        ari('GET', `/bridges/rcml-conf-${room}`).then(
          () => true,
          () => false,
        ),
      'the room',
    );
    await delay(500);
    await caller.hangup();
    expect(await finalStatus(s.engine, record.sid)).toBe('completed');
    await waitFor(
      () =>
        ari('GET', `/bridges/rcml-conf-${room}`).then(
          () => false,
          () => true,
        ),
      'the room to go',
    );
    expect(notices(record.sid)).toEqual([]);
  }, 30_000);

  it('50 simultaneous calls all complete, with nothing left over', async () => {
    s.inboundPath = '/many';
    s.app.page(
      '/many',
      '<Response><Say>Please hold</Say><Pause length="2"/><Dial timeout="10">+15551000050</Dial><Hangup/></Response>',
    );
    const before = s.inbound.length;
    await Promise.all(
      Array.from({ length: 50 }, (_, i) => placeCall(`+1555123${String(i).padStart(4, '0')}`)),
    );
    await waitFor(() => s.inbound.length >= before + 50, '50 inbound calls', 30_000);
    const statuses = await Promise.all(
      s.inbound.slice(before, before + 50).map((c) => finalStatus(s.engine, c.record.sid, 60_000)),
    );
    expect(statuses).toEqual(Array(50).fill('completed'));
    await waitFor(async () => {
      const left = await leftovers();
      return left.channels.length === 0 && left.bridges.length === 0;
    }, 'Asterisk to have no channels and no bridges left');
  }, 120_000);

  it.skipIf(LIVE.stopCommand === undefined || LIVE.startCommand === undefined)(
    'Asterisk killed under live calls: they end at once, new calls are refused, calls run again after a restart',
    async () => {
      s.inboundPath = '/long';
      s.app.page(
        '/long',
        '<Response><Gather timeout="60" numDigits="5"><Say>Hold on</Say></Gather></Response>',
      );
      const before = s.inbound.length;
      await placeCall();
      await placeCall();
      const first = await arrived(before);
      const second = await arrived(before + 1);
      const outbound = s.engine.create({ To: '+15552000003', From: '+15551112222', Url: `${APP}/long` });
      await waitFor(
        () => s.engine.get(outbound.sid)?.status === 'in-progress',
        'the outbound call to be answered',
      );
      await verbStarted(first.record.sid, 'Gather');
      const killedAt = Date.now();
      execSync(LIVE.stopCommand!, { stdio: 'ignore' });
      let started = false;
      try {
        const statuses = await Promise.all(
          [first.record.sid, second.record.sid, outbound.sid].map((sid) =>
            finalStatus(s.engine, sid, 10_000),
          ),
        );
        expect(statuses).toEqual(['completed', 'completed', 'completed']);
        expect(Date.now() - killedAt).toBeLessThan(5000);
        await waitFor(
          () => s.log.some((l) => l.level === 'error' && l.message.startsWith('ARI connection lost')),
          'the connection-lost log line',
          5000,
        );
        const refused = s.engine.create({ To: '+15552000004', From: '+15551112222', Url: `${APP}/long` });
        expect(await finalStatus(s.engine, refused.sid, 5000)).toBe('failed');
        expect(notices(refused.sid).join('\n')).toMatch(/Asterisk is unreachable/);
        execSync(LIVE.startCommand!, { stdio: 'ignore' });
        started = true;
      } finally {
        // Whatever failed above, Asterisk is started again for whoever uses it next.
        if (!started) execSync(LIVE.startCommand!, { stdio: 'ignore' });
      }
      await waitFor(
        () => s.log.some((l) => l.message === 'ARI connection is back'),
        'ARI to be back',
        60_000,
      );
      s.app.page('/after', '<Response><Say>Back again</Say><Hangup/></Response>');
      s.inboundPath = '/after';
      const again = s.inbound.length;
      await placeCall();
      const { record } = await arrived(again);
      expect(await finalStatus(s.engine, record.sid)).toBe('completed');
    },
    120_000,
  );
});
