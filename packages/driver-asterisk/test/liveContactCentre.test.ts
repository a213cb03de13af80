/**
 * The live suite of queues, conferences and recordings: the real engine, the REST API handler
 * (as `rcml serve` runs it: Conferences, Participants, Recordings with the driver's
 * `recordingAudio`) and the Asterisk driver on a real Asterisk 22. Skipped unless
 * `RCML_ARI_URL` is set. It runs its own Stasis application (`rcml-cc`, or `RCML_ARI_CC_APP`)
 * so it can run beside the other live suites, with the `[stasis-cc]` context of
 * docs/asterisk.md ("The live suite"):
 *   RCML_ARI_URL=http://127.0.0.1:8088 RCML_ARI_USER=rcml RCML_ARI_PASSWORD=… \
 *   node_modules/.bin/vitest run packages/driver-asterisk/test/liveContactCentre.test.ts
 * Callers are Local channel pairs: the `;2` half runs `Stasis(rcml-cc,inbound)` (the call), the
 * `;1` half is in the application with `caller`; its voice is a tone played into a bridge of
 * its own, and what it hears is recorded from a snoop channel on the call's `;2` half
 * (`spy=out`) and measured.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Engine, EngineEvent } from '@rcml/core';
import { createEngine } from '@rcml/core';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CallsApiServer,
  createCallsApiServer,
  createFolderRecordingStore,
} from '../../api/src/index.js';
import { type AsteriskDriver, createAsteriskDriver, type InboundCall } from '../src/index.js';
import { wav8k } from './helpers.js';
import {
  APP,
  ari,
  ariStatusOf,
  delay,
  finalStatus,
  LIVE,
  LOUD,
  storedWav,
  type WebApp,
  waitFor,
  webApp,
  windows,
} from './live/harness.js';

const CC_APP = process.env.RCML_ARI_CC_APP ?? 'rcml-cc';
const CONTEXT = process.env.RCML_ARI_CC_CONTEXT ?? 'stasis-cc';
const TOKEN = 'live-contact-centre-token';

const live = describe.skipIf(LIVE.url === undefined);

/** A caller into `[stasis-cc]`: the `;1` half, driven over plain ARI. */
let callers = 0;
/** Every caller placed (the leftovers check hangs up those a failed test left). */
const placed: { hangup(): Promise<void> }[] = [];
async function placeCaller(number: string) {
  callers += 1;
  const id = `live-cc-caller-${process.pid}-${callers}-${Date.now()}`;
  await ari(
    'POST',
    `/channels?endpoint=Local/s@${CONTEXT}/n&app=${CC_APP}&appArgs=caller&channelId=${id}&callerId=${encodeURIComponent(number)}`,
  );
  const phone = `${id}-phone`;
  let inPhone = false;
  let listening = 0;
  let recording = '';
  let ear = '';
  let voice = '';
  const caller = {
    id,
    /** The call's own channel (the `;2` half the driver has), once the engine has it. */
    line: '',
    /**
     * The caller's voice: 1.5 s of a 1004 Hz tone then 3 s of silence (a line sends frames all
     * the time, and without them TALK_DETECT never hears the voice stop), played into a bridge
     * of its own (a line). A file, not `tone:`: after a `tone:` playback ended ("Playback
     * failed" in Asterisk's log) the bridge played nothing more.
     */
    talk: async () => {
      if (!inPhone) {
        await ari('POST', `/bridges/${phone}?type=mixing`);
        await ari('POST', `/bridges/${phone}/addChannel?channel=${id}`);
        // The 204 comes before the channel is in: a tone played at once could reach nobody.
        await waitFor(
          async () =>
            ((await ari('GET', `/bridges/${phone}`)) as { channels: string[] }).channels.includes(id),
          "the caller's line bridge",
          2000,
        );
        inPhone = true;
      }
      // The previous turn's silence is cut first.
      if (voice !== '') await ari('DELETE', `/playbacks/${voice}`).catch(() => undefined);
      voice = `${id}-voice-${Date.now()}`;
      await ari('POST', `/bridges/${phone}/play?media=sound:${VOICE}&playbackId=${voice}`);
    },
    /**
     * Start recording what the caller hears: a snoop channel on the call's own channel
     * (`spy=out`: what it sends down the line). (Snoops on the `;1` half once it was in its
     * line bridge often recorded nothing.)
     */
    listen: async () => {
      listening += 1;
      ear = `${id}-ear-${listening}`;
      recording = `${id}-heard-${listening}`;
      await ari('POST', `/channels/${caller.line}/snoop?spy=out&app=${CC_APP}&appArgs=probe&snoopId=${ear}`);
      // The snoop is in the application a moment after its 200 (409 until then).
      await waitFor(
        async () =>
          (await ariStatusOf(
            'POST',
            `/channels/${ear}/record?name=${recording}&format=wav&ifExists=overwrite`,
          )) !== 409,
        'the snoop channel in the application',
        2000,
      );
    },
    /** Stop recording; the 20 ms windows of what the caller heard, as RMS levels. */
    heard: async (): Promise<number[]> => {
      await ari('POST', `/recordings/live/${recording}/stop`).catch(() => undefined);
      await ari('DELETE', `/channels/${ear}`).catch(() => undefined);
      const wav = await storedWav(recording);
      await ari('DELETE', `/recordings/stored/${recording}`).catch(() => undefined);
      return windows(wav);
    },
    hangup: async () => {
      await ari('DELETE', `/channels/${id}`).catch(() => undefined);
      await ari('DELETE', `/bridges/${phone}`).catch(() => undefined);
    },
  };
  placed.push(caller);
  return caller;
}

/**
 * The callers' voice file (without extension, as ARI's `sound:` takes it): 1.5 s of a 1004 Hz
 * tone, then 3 s of silence, 8 kHz 16-bit mono. Asterisk reads it from this machine's disk.
 */
const VOICE = (() => {
  const dir = mkdtempSync(join(tmpdir(), 'rcml-live-cc-voice-'));
  const wav = wav8k(8000 * 4.5);
  for (let i = 0; i < 8000 * 1.5; i += 1) {
    wav.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 1004 * i) / 8000)), 44 + i * 2);
  }
  writeFileSync(join(dir, 'voice.wav'), wav);
  return join(dir, 'voice');
})();

const loud = (levels: readonly number[]) => levels.filter((l) => l > LOUD).length;

live('live Asterisk: queues, conferences and recordings (RCML_ARI_URL)', () => {
  let driver: AsteriskDriver;
  let engine: Engine;
  let web: WebApp;
  let api: CallsApiServer;
  let apiUrl = '';
  const events: EngineEvent[] = [];
  const inbound: { call: InboundCall; sid: string; accountSid: string }[] = [];
  const paths: string[] = [];

  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rcml-live-cc-'));
    web = webApp();
    driver = createAsteriskDriver({
      ariUrl: LIVE.url!,
      ariUser: LIVE.user,
      ariPassword: LIVE.password,
      ariApp: CC_APP,
      endpoints: { number: 'Local/{to}@callee/n' },
      recordingsDir: join(dir, 'driver-recordings'),
    });
    // As `rcml serve`: recordings in a folder store, RecordingUrl on the API's own address.
    engine = createEngine({
      driver,
      http: web.http,
      recordingStore: createFolderRecordingStore(join(dir, 'recordings')),
      recordingUrl: ({ sid, accountSid }) => `${apiUrl}/2010-04-01/Accounts/${accountSid}/Recordings/${sid}`,
    });
    engine.subscribe((e) => events.push(e));
    api = createCallsApiServer({ engine, accounts: () => TOKEN });
    apiUrl = await api.listen({ port: 0, host: '127.0.0.1' });
    await driver.start((call) => {
      const path = paths.shift() ?? '/none';
      const record = engine.inbound({ From: call.from, To: call.to, Url: `${APP}${path}` }, call.channel);
      inbound.push({ call, sid: record.sid, accountSid: record.accountSid });
    });
  });

  afterAll(async () => {
    await driver?.stop();
    await api?.close();
  });

  /** Place a caller whose call runs the document at `path`; resolves once the engine has it. */
  async function arrive(path: string, number: string) {
    paths.push(path);
    const count = inbound.length;
    const caller = await placeCaller(number);
    await waitFor(() => inbound.length > count, 'the inbound call');
    caller.line = inbound[count]!.call.channel.id;
    return { caller, ...inbound[count]! };
  }

  const notices = (sid: string) =>
    events
      .filter((e) => e.type === 'notice' && e.callSid === sid)
      .map((e) => (e.type === 'notice' ? `${e.code} ${e.message}` : ''));

  /** The REST API as a client calls it (Basic auth, form bodies); parsed JSON, or the bytes. */
  async function rest(
    accountSid: string,
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    form?: Record<string, string>,
  ) {
    const res = await request(`${apiUrl}/2010-04-01/Accounts/${accountSid}${path}`, {
      method,
      headers: {
        authorization: `Basic ${Buffer.from(`${accountSid}:${TOKEN}`).toString('base64')}`,
        ...(form === undefined ? {} : { 'content-type': 'application/x-www-form-urlencoded' }),
      },
      ...(form === undefined ? {} : { body: new URLSearchParams(form).toString() }),
    });
    const bytes = Buffer.from(await res.body.arrayBuffer());
    return {
      status: res.statusCode,
      bytes,
      json: () => JSON.parse(bytes.toString()) as Record<string, unknown>,
    };
  }

  async function bridgesOf(channelId: string): Promise<{ id: string; channels: string[] }[]> {
    const bridges = (await ari('GET', '/bridges')) as { id: string; channels: string[] }[];
    return bridges.filter((b) => b.channels.includes(channelId));
  }

  it('a queue: the caller hears the wait document; <Dial><Queue> bridges the agent with it; QueueResult=bridged', async () => {
    const queue = `live-support-${Date.now()}`;
    web.page('/caller', `<Response><Enqueue action="/left" waitUrl="/wait">${queue}</Enqueue></Response>`);
    web.page('/wait', '<Response><Say>Please hold. An agent will be with you shortly.</Say></Response>');
    web.page('/left', '<Response><Hangup/></Response>');
    web.page(
      '/agent',
      `<Response><Dial action="/agent-done"><Queue url="/connecting">${queue}</Queue></Dial></Response>`,
    );
    web.page('/connecting', '<Response><Say>Connecting you now.</Say></Response>');
    web.page('/agent-done', '<Response><Hangup/></Response>');

    const caller = await arrive('/caller', '+15551230001');
    await waitFor(() => web.to('/wait').length > 0, 'the wait document');
    expect(web.to('/wait')[0]?.params).toMatchObject({ QueuePosition: '1', CurrentQueueSize: '1' });
    await caller.caller.listen();
    await delay(3000);
    const waiting = await caller.caller.heard();
    // The wait document's speech reaches the caller.
    expect(loud(waiting)).toBeGreaterThan(10);

    const agent = await arrive('/agent', '+15551230002');
    await waitFor(
      async () =>
        (await bridgesOf(caller.call.channel.id)).some((b) => b.channels.includes(agent.call.channel.id)),
      'the agent and the caller in one bridge',
    );
    // Audio crosses: the caller's tone reaches the agent. (A snoop made while its channel was
    // moving into a bridge sometimes recorded nothing: the move settles first.)
    await delay(500);
    await agent.caller.listen();
    await caller.caller.talk();
    await delay(2000);
    const agentHeard = await agent.caller.heard();
    expect(loud(agentHeard)).toBeGreaterThan(25);

    await agent.caller.hangup();
    expect(await finalStatus(engine, agent.sid)).toBe('completed');
    expect(await finalStatus(engine, caller.sid)).toBe('completed');
    expect(web.to('/left')[0]?.params).toMatchObject({ QueueResult: 'bridged' });
    // The whisper to the dequeued caller came first.
    expect(web.to('/connecting')).toHaveLength(1);
    expect(web.to('/agent-done')[0]?.params.DialCallStatus).toBe('completed');
    // The engine reports `completed` as it hangs up; the bridge goes just before the channel.
    await waitFor(
      async () => (await bridgesOf(caller.call.channel.id)).length === 0,
      'the queue bridge removed',
    );
    expect([...notices(caller.sid), ...notices(agent.sid)]).toEqual([]);
    await caller.caller.hangup();
  });

  it('a conference driven through the REST API: mute silences a participant, hold takes it out; speaker events; the room recording downloads', async () => {
    const room = `live-room-${Date.now()}`;
    const conf = `<Response><Dial action="/conf-done"><Conference statusCallback="/conf-events" statusCallbackEvent="start end join leave mute hold speaker" record="record-from-start">${room}</Conference></Dial></Response>`;
    web.page('/conf', conf);
    web.page('/conf-events', '<Response/>');
    web.page('/conf-done', '<Response><Hangup/></Response>');

    const a = await arrive('/conf', '+15551230011');
    const b = await arrive('/conf', '+15551230012');
    const bridge = `rcml-conf-${room}`;
    await waitFor(async () => {
      const found = (await bridgesOf(a.call.channel.id)).find((x) => x.id === bridge);
      return found?.channels.includes(b.call.channel.id) === true;
    }, 'both participants in the room');
    const account = a.accountSid;
    const listed = await rest(account, 'GET', `/Conferences.json?FriendlyName=${room}&Status=in-progress`);
    const conference = (listed.json().conferences as { sid: string }[])[0]!;
    const participant = `/Conferences/${conference.sid}/Participants/${a.sid}.json`;

    // A talks: B hears it; A's voice activity is a speaker event.
    await b.caller.listen();
    await a.caller.talk();
    await delay(2000);
    expect(loud(await b.caller.heard())).toBeGreaterThan(25);
    await waitFor(
      () => web.to('/conf-events').some((r) => r.params.StatusCallbackEvent === 'participant-speech-start'),
      'a speaker event',
    );

    // Muted through the API: B no longer hears A.
    expect((await rest(account, 'POST', participant, { Muted: 'true' })).status).toBe(200);
    await delay(300);
    await b.caller.listen();
    await a.caller.talk();
    await delay(2000);
    const mutedHeard = await b.caller.heard();
    // Nothing but, on a loaded machine, a moment before the mute took effect (ARI answers 204
    // and the channel's own thread applies it).
    expect(loud(mutedHeard)).toBeLessThan(10);
    expect((await rest(account, 'POST', participant, { Muted: 'false' })).status).toBe(200);
    // Unmuted: heard again (the muted turn was silent because of the mute).
    await b.caller.listen();
    await a.caller.talk();
    await delay(2000);
    expect(loud(await b.caller.heard())).toBeGreaterThan(25);

    // On hold: out of the room's bridge (hearing music on hold), then back.
    expect((await rest(account, 'POST', participant, { Hold: 'true' })).status).toBe(200);
    await waitFor(async () => (await bridgesOf(a.call.channel.id)).length === 0, 'A out of the bridge');
    // The music starts right after (a snoop made while the channel was leaving the bridge
    // sometimes recorded nothing).
    await delay(500);
    await a.caller.listen();
    await delay(2000);
    const held = await a.caller.heard();
    // Music on hold is quieter than a tone: most of it is above a low level, none of silence is.
    expect(held.filter((l) => l > 50).length).toBeGreaterThan(held.length / 2);
    expect((await rest(account, 'POST', participant, { Hold: 'false' })).status).toBe(200);
    // On hold with a HoldUrl: its document is what the participant hears.
    web.page('/hold-doc', '<Response><Say>You are on hold.</Say></Response>');
    const holdUrl = `${APP}/hold-doc`;
    expect((await rest(account, 'POST', participant, { Hold: 'true', HoldUrl: holdUrl })).status).toBe(200);
    await waitFor(() => web.to('/hold-doc').length > 0, 'the HoldUrl document');
    await a.caller.listen();
    await delay(2000);
    expect(loud(await a.caller.heard())).toBeGreaterThan(10);
    expect((await rest(account, 'POST', participant, { Hold: 'false' })).status).toBe(200);
    await waitFor(
      async () => (await bridgesOf(a.call.channel.id)).some((x) => x.id === bridge),
      'A back in the bridge',
    );
    const fetched = (await rest(account, 'GET', participant)).json();
    expect(fetched).toMatchObject({ muted: false, hold: false });

    await a.caller.hangup();
    await b.caller.hangup();
    expect(await finalStatus(engine, a.sid)).toBe('completed');
    expect(await finalStatus(engine, b.sid)).toBe('completed');
    const kinds = web.to('/conf-events').map((r) => r.params.StatusCallbackEvent);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'conference-start',
        'participant-join',
        'participant-mute',
        'participant-unmute',
        'participant-hold',
        'participant-unhold',
        'participant-speech-start',
        'participant-speech-stop',
        'conference-end',
      ]),
    );
    expect([...notices(a.sid), ...notices(b.sid)]).toEqual([]);

    // The room's recording: listed with source Conference, its audio served by the API.
    let recordings: { sid: string; source: string }[] = [];
    await waitFor(async () => {
      const page = await rest(account, 'GET', `/Conferences/${conference.sid}/Recordings.json`);
      recordings = (page.json().recordings ?? []) as typeof recordings;
      return recordings.length > 0;
    }, 'the conference recording');
    expect(recordings[0]!.source).toBe('Conference');
    const audio = await rest(account, 'GET', `/Recordings/${recordings[0]!.sid}.wav`);
    expect(audio.status).toBe(200);
    expect(audio.bytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
    // The tones A played while B listened are in the room's mix.
    expect(loud(windows(audio.bytes))).toBeGreaterThan(25);
  });

  it('a conference waitUrl: a participant waiting for the room hears the documents, then the host once it starts', async () => {
    const room = `live-wait-${Date.now()}`;
    web.page(
      '/waiter',
      `<Response><Dial><Conference startConferenceOnEnter="false" waitUrl="/room-wait">${room}</Conference></Dial></Response>`,
    );
    web.page('/room-wait', '<Response><Say>Please wait for the host to join.</Say></Response>');
    web.page(
      '/host',
      `<Response><Dial><Conference endConferenceOnExit="true">${room}</Conference></Dial></Response>`,
    );
    const waiter = await arrive('/waiter', '+15551230031');
    await waitFor(() => web.to('/room-wait').length > 0, 'the wait document');
    expect(web.to('/room-wait')[0]?.params.FriendlyName).toBe(room);
    await waiter.caller.listen();
    await delay(3000);
    const waiting = await waiter.caller.heard();
    expect(loud(waiting)).toBeGreaterThan(10);
    const bridge = `rcml-conf-${room}`;
    const host = await arrive('/host', '+15551230032');
    await waitFor(
      async () => (await bridgesOf(waiter.call.channel.id)).some((b) => b.id === bridge),
      'the waiting participant moved into the room',
    );
    const requested = web.to('/room-wait').length;
    // In the room: the host's voice, not the wait documents.
    await waiter.caller.listen();
    await host.caller.talk();
    await delay(2000);
    expect(loud(await waiter.caller.heard())).toBeGreaterThan(25);
    expect(web.to('/room-wait').length).toBeLessThanOrEqual(requested + 1);
    await host.caller.hangup();
    expect(await finalStatus(engine, host.sid)).toBe('completed');
    expect(await finalStatus(engine, waiter.sid)).toBe('completed');
    expect([...notices(waiter.sid), ...notices(host.sid)]).toEqual([]);
    await waiter.caller.hangup();
  });

  it('a participant added by dialling out through the REST API joins the room, and is kicked out of it', async () => {
    const room = `live-add-${Date.now()}`;
    web.page(
      '/host-room',
      `<Response><Dial action="/conf-done"><Conference>${room}</Conference></Dial></Response>`,
    );
    const host = await arrive('/host-room', '+15551230041');
    const bridge = `rcml-conf-${room}`;
    await waitFor(
      async () => (await bridgesOf(host.call.channel.id)).some((b) => b.id === bridge),
      'the host in the room',
    );
    const account = host.accountSid;
    const listed = await rest(account, 'GET', `/Conferences.json?FriendlyName=${room}&Status=in-progress`);
    const conference = (listed.json().conferences as { sid: string }[])[0]!;
    // [callee] answers +1555200NNNN and stays.
    const added = await rest(account, 'POST', `/Conferences/${conference.sid}/Participants.json`, {
      From: '+15550009999',
      To: '+15552000041',
    });
    expect(added.status).toBe(201);
    const callSid = added.json().call_sid as string;
    await waitFor(
      async () => ((await ari('GET', `/bridges/${bridge}`)) as { channels: string[] }).channels.length === 2,
      'the added participant in the room',
    );
    const people = await rest(account, 'GET', `/Conferences/${conference.sid}/Participants.json`);
    expect((people.json().participants as { call_sid: string }[]).map((p) => p.call_sid).sort()).toEqual(
      [host.sid, callSid].sort(),
    );
    const kicked = await rest(
      account,
      'DELETE',
      `/Conferences/${conference.sid}/Participants/${callSid}.json`,
    );
    expect(kicked.status).toBe(204);
    await waitFor(
      async () => ((await ari('GET', `/bridges/${bridge}`)) as { channels: string[] }).channels.length === 1,
      'the kicked participant out of the room',
    );
    expect(await finalStatus(engine, callSid)).toBe('completed');
    await host.caller.hangup();
    expect(await finalStatus(engine, host.sid)).toBe('completed');
    expect([...notices(host.sid), ...notices(callSid)]).toEqual([]);
  });

  it('<Record> on Asterisk: the recording downloads through the Recordings resource (wav and mp3)', async () => {
    web.page('/record', '<Response><Record maxLength="3" playBeep="false" action="/recorded"/></Response>');
    web.page('/recorded', '<Response><Hangup/></Response>');
    const c = await arrive('/record', '+15551230021');
    await delay(500);
    await c.caller.talk();
    expect(await finalStatus(engine, c.sid)).toBe('completed');
    const url = web.to('/recorded')[0]?.params.RecordingUrl ?? '';
    expect(url.startsWith(`${apiUrl}/2010-04-01/Accounts/`)).toBe(true);
    const sid = url.slice(url.lastIndexOf('/') + 1);
    const wav = await rest(c.accountSid, 'GET', `/Recordings/${sid}.wav`);
    expect(wav.status).toBe(200);
    expect(loud(windows(wav.bytes))).toBeGreaterThan(25);
    const mp3 = await rest(c.accountSid, 'GET', `/Recordings/${sid}.mp3`);
    expect(mp3.status).toBe(200);
    expect(mp3.bytes.length).toBeGreaterThan(100);
    await c.caller.hangup();
    expect(notices(c.sid)).toEqual([]);
  });

  it('leaves nothing in Asterisk: no channel of [stasis-cc], no bridge of the application', async () => {
    // Callers a failed test left on the line hang up now; the driver must clear up after them.
    await Promise.all(placed.map((c) => c.hangup()));
    await waitFor(
      async () => {
        const app = (await ari('GET', `/applications/${CC_APP}`)) as {
          channel_ids: string[];
          bridge_ids: string[];
        };
        const channels = (await ari('GET', '/channels')) as { name: string }[];
        const bridges = (await ari('GET', '/bridges')) as { id: string }[];
        return (
          app.channel_ids.length === 0 &&
          app.bridge_ids.length === 0 &&
          !channels.some((c) => c.name.includes(`@${CONTEXT}-`)) &&
          !bridges.some((b) => b.id.startsWith('live-cc-caller-') || b.id.startsWith('rcml-conf-live-room-'))
        );
      },
      'the calls, rooms and queue bridges to be gone',
      10_000,
    );
  });
});
