/**
 * The official `twilio` client's `machineDetection`, `sendDigits` and `record` options through
 * the Calls API over the real engine (spec 1.2, 9.3, 9.4): honoured (not listed as parameters
 * not implemented), with `answered_by` on the call resource, and refused naming the parameter
 * when invalid.
 */
import type {
  CallRecordRequest,
  Channel,
  DigitsRequest,
  Engine,
  HttpRequest,
  OriginateRequest,
} from '@rcml/core';
import twilio from 'twilio';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WARNINGS_HEADER } from '../src/index.js';
import { startEngineApi, waitingChannel } from './engineApi.js';
import { ACCOUNT, call, callsPath, FORM, form, TOKEN } from './helpers.js';
import { loopbackHttpClient } from './twilioHttpClient.js';

interface Seen {
  originate: OriginateRequest[];
  digits: DigitsRequest[];
  recordings: CallRecordRequest[];
  requests: HttpRequest[];
}

/** A far end that answers at once as a machine (reported in the mode asked for). */
function machineChannel(request: OriginateRequest, seen: Seen): Channel {
  return waitingChannel({
    listen(handler) {
      queueMicrotask(() => {
        handler.answered();
        if (request.detection === 'Enable') handler.detected('machine_start');
      });
    },
    sendDigits: async (r) => {
      seen.digits.push(r);
    },
    recordCall: async (r) => {
      seen.recordings.push(r);
      return { stop: async () => ({ url: `http://recordings.test/${r.recordingSid}` }) };
    },
  });
}

const settle = async () => {
  for (let i = 0; i < 8; i++) await new Promise<void>((resolve) => setImmediate(resolve));
};

let engine: Engine;
let url: string;
let close: () => Promise<void>;
let seen: Seen;

beforeEach(async () => {
  seen = { originate: [], digits: [], recordings: [], requests: [] };
  ({ engine, url, close } = await startEngineApi({
    capabilities: { ssml: false, speech: false, voicemailDetection: true },
    originate: (request) => {
      seen.originate.push(request);
      return machineChannel(request, seen);
    },
    onRequest: (request) => seen.requests.push(request),
  }));
});
afterEach(async () => {
  await engine.shutdown({ deadlineMs: 0 });
  await close();
});

describe('answer options through the Calls API', () => {
  it("honours the official client's machineDetection, sendDigits and record options", async () => {
    const client = twilio(ACCOUNT, TOKEN, { httpClient: loopbackHttpClient(url) as never });
    const created = await client.calls.create({
      to: '+15550001111',
      from: '+15550002222',
      url: 'http://app.test/voice',
      machineDetection: 'Enable',
      machineDetectionTimeout: 10,
      sendDigits: '1w2',
      record: true,
      recordingChannels: 'dual',
      recordingStatusCallback: 'http://app.test/rec',
    });
    await settle();
    expect(seen.originate[0]).toMatchObject({ detection: 'Enable', detectionTimeout: 10 });
    expect(seen.digits).toEqual([{ digits: '1w2' }]);
    expect(seen.recordings).toEqual([{ recordingSid: expect.stringMatching(/^RE/), dual: true }]);
    const fetchUrl = seen.requests.find((r) => r.kind === 'fetch');
    expect(fetchUrl?.params).toMatchObject({ AnsweredBy: 'machine_start' });
    expect(fetchUrl?.params.VoicemailDetector).toBeUndefined();
    const fetched = await client.calls(created.sid).fetch();
    expect(fetched.answeredBy).toBe('machine_start');
  });

  it('lists none of them as not implemented, and refuses an invalid one naming it', async () => {
    const created = await call(url, 'POST', `${callsPath()}.json`, {
      type: FORM,
      body: form({
        To: '+15550001111',
        From: '+15550002222',
        Url: 'http://app.test/voice',
        MachineDetection: 'DetectMessageEnd',
        MachineDetectionTimeout: '5',
        SendDigits: '9',
        Record: 'true',
        RecordingChannels: 'mono',
        RecordingStatusCallback: 'http://app.test/rec',
        RecordingStatusCallbackMethod: 'GET',
      }),
    });
    expect(created.status).toBe(201);
    expect(created.headers[WARNINGS_HEADER.toLowerCase()]).toBeUndefined();
    const refused = await call(url, 'POST', `${callsPath()}.json`, {
      type: FORM,
      body: form({
        To: '+15550001111',
        From: '+15550002222',
        Url: 'http://app.test/voice',
        SendDigits: '12x',
      }),
    });
    expect(refused.status).toBe(400);
    expect(refused.json()).toMatchObject({ code: 20001, message: expect.stringMatching(/^SendDigits: /) });
  });
});
