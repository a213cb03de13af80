/**
 * `<Dial><Conference>` edges over the real engine and simulated driver: a statusCallback that
 * is not http(s), a room without `record`, a driver leg that cannot mute, hold or record,
 * hold documents stopped by an unhold, and a caller leaving during the wait documents.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type AppRoutes, type Centre, requestsTo, startCentre } from './centreHarness.js';

const APP = 'http://app.test';
let centre: Centre;
afterEach(async () => {
  await centre.close();
});

function arrive(url: string, from: string) {
  const party = centre.driver.inbound({ from, to: '+15550009999' });
  const call = centre.engine.inbound({ From: from, To: '+15550009999', Url: url }, party.channel);
  return { party, sid: call.sid };
}

function notices(code: number): { message: string; level: string }[] {
  return centre.events.flatMap((e) =>
    e.type === 'notice' && e.code === code ? [{ message: String(e.message), level: String(e.level) }] : [],
  );
}

const legs = () => centre.driver.calls.filter((c) => c.kind === 'leg').map((c) => c.channel);

const ROOM = (attrs: string) =>
  `<Response><Dial action="${APP}/done"><Conference ${attrs}>Room</Conference></Dial></Response>`;

describe('<Dial><Conference> edges', () => {
  it('a statusCallback that is not http(s) is a warning naming it; an http one is none', async () => {
    centre = await startCentre({
      [`POST ${APP}/bad`]: ROOM('statusCallback="ftp://app.test/status"'),
      [`POST ${APP}/good`]: ROOM('statusCallback="/status"'),
      [`POST ${APP}/status`]: '<Response/>',
    });
    arrive(`${APP}/good`, '+15550001111');
    await centre.advance(1);
    expect(notices(13201)).toEqual([]);
    arrive(`${APP}/bad`, '+15550002222');
    await centre.advance(1);
    expect(notices(13201)).toEqual([
      {
        message: 'Conference: statusCallback "ftp://app.test/status" is not an http(s) URL',
        level: 'warning',
      },
    ]);
  });

  it('a room without record is not recorded', async () => {
    const routes: AppRoutes = { [`POST ${APP}/join`]: ROOM('') };
    centre = await startCentre(routes);
    const a = arrive(`${APP}/join`, '+15550001111');
    arrive(`${APP}/join`, '+15550002222');
    await centre.advance(3);
    await a.party.farEnd.hangup();
    await centre.advance(1);
    expect(centre.engine.recordings.list().total).toBe(0);
  });

  it('a recorded room without recordingStatusCallback (or with a non-http one) sends none and reports no failure', async () => {
    centre = await startCentre({
      [`POST ${APP}/join`]: ROOM('record="record-from-start" recordingStatusCallback="ftp://app.test/rec"'),
      [`POST ${APP}/plain`]: `<Response><Dial><Conference record="record-from-start">Other</Conference></Dial></Response>`,
    });
    const a = arrive(`${APP}/join`, '+15550001111');
    const b = arrive(`${APP}/plain`, '+15550002222');
    await centre.advance(3);
    await a.party.farEnd.hangup();
    await b.party.farEnd.hangup();
    await centre.advance(1);
    expect(notices(14103)).toEqual([]);
    expect(centre.engine.recordings.list().total).toBe(2);
    expect(
      centre.requests.filter(
        (r) => !r.url.endsWith('/join') && !r.url.endsWith('/plain') && !r.url.endsWith('/done'),
      ),
    ).toEqual([]);
  });

  it('a leg the driver cannot mute, hold or record: 14103 for each, the participant stays', async () => {
    centre = await startCentre({
      [`POST ${APP}/host`]: ROOM('startConferenceOnEnter="false" record="record-from-start"'),
      [`POST ${APP}/mod`]: ROOM(''),
    });
    arrive(`${APP}/host`, '+15550001111');
    await centre.advance(1);
    const leg = legs()[0]! as unknown as Record<string, unknown>;
    leg.mute = undefined;
    leg.hold = undefined;
    leg.recordCall = undefined;
    const b = arrive(`${APP}/mod`, '+15550002222');
    await centre.advance(1);
    const [room] = await centre.client.conferences.list();
    const first = (await centre.client.conferences(room!.sid).participants.list())[0]!;
    await centre.client.conferences(room!.sid).participants(first.callSid).update({ muted: true });
    await centre.client.conferences(room!.sid).participants(first.callSid).update({ hold: true });
    await centre.advance(1);
    expect(notices(14103).map((n) => n.message)).toEqual([
      'Conference: the media driver cannot record the conference',
      'Conference: the media driver cannot mute a participant',
      'Conference: the media driver cannot hold a participant',
    ]);
    expect((await centre.client.conferences(room!.sid).participants.list()).length).toBe(2);
    await b.party.farEnd.hangup();
  });

  it('unhold stops the hold documents; a hold without HoldUrl fetches nothing', async () => {
    centre = await startCentre({
      [`POST ${APP}/join`]: ROOM(''),
      [`POST ${APP}/hold`]: '<Response><Pause length="2"/></Response>',
    });
    const a = arrive(`${APP}/join`, '+15550001111');
    arrive(`${APP}/join`, '+15550002222');
    await centre.advance(1);
    const [room] = await centre.client.conferences.list();
    const participant = centre.client.conferences(room!.sid).participants(a.sid);
    await participant.update({ hold: true, holdUrl: `${APP}/hold`, holdMethod: 'POST' });
    await centre.advance(5);
    expect(requestsTo(centre, `${APP}/hold`).length).toBe(3);
    await participant.update({ hold: false });
    await centre.advance(6);
    expect(requestsTo(centre, `${APP}/hold`).length).toBe(3);
    const before = centre.requests.length;
    await participant.update({ hold: true });
    await centre.advance(6);
    expect(centre.requests.length).toBe(before);
    expect(legs()[0]!.held).toBe(true);
    // Documents stopped by an unhold are no failure.
    expect(notices(20500)).toEqual([]);
  });

  it('a caller hanging up during the wait documents stops them and ends the dial', async () => {
    centre = await startCentre({
      [`POST ${APP}/join`]: ROOM(`startConferenceOnEnter="false" waitUrl="${APP}/wait"`),
      [`POST ${APP}/wait`]: '<Response><Pause length="2"/><Pause length="2"/></Response>',
      [`POST ${APP}/done`]: '<Response/>',
    });
    const a = arrive(`${APP}/join`, '+15550001111');
    await centre.advance(1);
    expect(requestsTo(centre, `${APP}/wait`)).toEqual([expect.objectContaining({ FriendlyName: 'Room' })]);
    await a.party.farEnd.hangup();
    await centre.advance(10);
    expect(requestsTo(centre, `${APP}/wait`).length).toBe(1);
    expect(notices(20500)).toEqual([]);
    expect(requestsTo(centre, `${APP}/done`)).toEqual([expect.objectContaining({ CallStatus: 'completed' })]);
  });

  it('a waiting participant without waitUrl hears no documents; one joining a started room neither', async () => {
    centre = await startCentre({
      [`POST ${APP}/host`]: ROOM('startConferenceOnEnter="false"'),
      [`POST ${APP}/late`]: ROOM(`waitUrl="${APP}/wait"`),
      [`POST ${APP}/wait`]: '<Response><Pause length="2"/></Response>',
    });
    arrive(`${APP}/host`, '+15550001111');
    await centre.advance(3);
    expect(centre.requests.map((r) => r.url)).toEqual([`${APP}/host`]);
    arrive(`${APP}/late`, '+15550002222');
    await centre.advance(3);
    expect(requestsTo(centre, `${APP}/wait`)).toEqual([]);
  });

  it('a conference recording the driver cannot start, or cannot stop: 14103 naming the reason', async () => {
    centre = await startCentre({
      [`POST ${APP}/host`]: ROOM('startConferenceOnEnter="false" record="record-from-start"'),
      [`POST ${APP}/other`]: `<Response><Dial><Conference startConferenceOnEnter="false" record="record-from-start">Other</Conference></Dial></Response>`,
      [`POST ${APP}/mod`]: ROOM(''),
      [`POST ${APP}/mod2`]: `<Response><Dial><Conference>Other</Conference></Dial></Response>`,
    });
    const a = arrive(`${APP}/host`, '+15550001111');
    const b = arrive(`${APP}/other`, '+15550002222');
    await centre.advance(1);
    const [legA, legB] = legs() as unknown as Record<string, unknown>[];
    legA!.recordCall = () => Promise.reject(new Error('disk full'));
    legB!.recordCall = () => Promise.resolve({ stop: () => Promise.reject(new Error('file lost')) });
    arrive(`${APP}/mod`, '+15550003333');
    arrive(`${APP}/mod2`, '+15550004444');
    await centre.advance(2);
    await a.party.farEnd.hangup();
    await b.party.farEnd.hangup();
    await centre.advance(1);
    expect(notices(14103).map((n) => n.message)).toEqual([
      'Conference: the driver could not record: Error: disk full',
      'Conference: the driver could not stop recording RE00000000000000000000000000000002: Error: file lost',
    ]);
    expect(centre.engine.recordings.list().total).toBe(0);
  });

  it('a wait or hold document that cannot be fetched is a notice naming the room and the document', async () => {
    centre = await startCentre({
      [`POST ${APP}/host`]: ROOM(`startConferenceOnEnter="false" waitUrl="${APP}/missing-wait"`),
      [`POST ${APP}/mod`]: ROOM(''),
    });
    const a = arrive(`${APP}/host`, '+15550001111');
    await centre.advance(1);
    arrive(`${APP}/mod`, '+15550002222');
    await centre.advance(1);
    const [room] = await centre.client.conferences.list();
    await centre.client
      .conferences(room!.sid)
      .participants(a.sid)
      .update({ hold: true, holdUrl: `${APP}/missing-hold`, holdMethod: 'POST' });
    await centre.advance(1);
    const messages = centre.events.flatMap((e) => (e.type === 'notice' ? [String(e.message)] : []));
    expect(messages.some((m) => m.includes('Conference waitUrl of Room'))).toBe(true);
    expect(messages.some((m) => m.includes('Conference HoldUrl of Room'))).toBe(true);
  });

  it('a conference recording is one channel, in its audio too', async () => {
    centre = await startCentre({ [`POST ${APP}/join`]: ROOM('record="record-from-start"') });
    const a = arrive(`${APP}/join`, '+15550001111');
    await centre.advance(3);
    await a.party.farEnd.hangup();
    await centre.advance(1);
    const [recording] = centre.engine.recordings.list().recordings;
    expect(recording?.channels).toBe(1);
    const wav = await centre.engine.recordings.audio(recording!.sid);
    // The WAV header's channel count (little-endian, offset 22).
    expect(wav![22]).toBe(1);
  });

  it('a participant joining muted is muted on its leg from the start', async () => {
    centre = await startCentre({
      [`POST ${APP}/join`]: ROOM('muted="true"'),
      [`POST ${APP}/open`]: ROOM(''),
    });
    arrive(`${APP}/join`, '+15550001111');
    arrive(`${APP}/open`, '+15550002222');
    await centre.advance(1);
    expect(legs().map((leg) => leg.muted)).toEqual([true, false]);
  });
});
