import { createEngine, type GatherVerb, parseDocument, RcmlError, serializeDocument } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { detectionResult } from '../../src/call/answerActions.js';
import { validateAnswerOptions } from '../../src/engine/validateAnswerOptions.js';
import { formatConfidence } from '../../src/verbs/gather.js';

const refusal = (fn: () => unknown): RcmlError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof RcmlError) return error;
    throw error;
  }
  throw new Error('not refused');
};

describe('Calls API answer options (spec 1.2, 9.3, 9.4)', () => {
  it('defaults: no detection, timeout 30, no digits, no recording', () => {
    expect(validateAnswerOptions({}, false)).toEqual({
      machineDetection: null,
      machineDetectionTimeout: 30,
      sendDigits: null,
      record: null,
    });
  });

  it('reads MachineDetection (any case), its timeout, SendDigits and Record with its parameters', () => {
    expect(
      validateAnswerOptions(
        {
          MachineDetection: 'detectMessageEnd',
          MachineDetectionTimeout: '3',
          SendDigits: '12w#*',
          Record: 'True',
          RecordingChannels: 'dual',
          RecordingStatusCallback: 'https://app.test/rec',
          RecordingStatusCallbackMethod: 'get',
        },
        false,
      ),
    ).toEqual({
      machineDetection: 'DetectMessageEnd',
      machineDetectionTimeout: 3,
      sendDigits: '12w#*',
      record: { channels: 'dual', statusCallback: 'https://app.test/rec', statusCallbackMethod: 'GET' },
    });
    expect(
      validateAnswerOptions({ MachineDetection: 'Enable', MachineDetectionTimeout: '59' }, false),
    ).toMatchObject({
      machineDetection: 'Enable',
      machineDetectionTimeout: 59,
    });
  });

  it.each([
    [{ MachineDetection: 'DetectVoicemail' }, 'MachineDetection'],
    [{ MachineDetectionTimeout: '2' }, 'MachineDetectionTimeout'],
    [{ MachineDetectionTimeout: '60' }, 'MachineDetectionTimeout'],
    [{ MachineDetectionTimeout: '4.5' }, 'MachineDetectionTimeout'],
    [{ SendDigits: '12W' }, 'SendDigits'],
    [{ SendDigits: '1 2' }, 'SendDigits'],
    [{ Record: 'yes' }, 'Record'],
    [{ Record: 'true', RecordingChannels: 'both' }, 'RecordingChannels'],
    [{ Record: 'true', RecordingStatusCallback: 'ftp://x/y' }, 'RecordingStatusCallback'],
    [{ Record: 'true', RecordingStatusCallbackMethod: 'PUT' }, 'RecordingStatusCallbackMethod'],
  ])('refuses %j naming %s', (params, field) => {
    const error = refusal(() => validateAnswerOptions(params, false));
    expect(error.code).toBe(20001);
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it('refuses MachineDetection together with DetectVoicemail, naming MachineDetection', () => {
    expect(refusal(() => validateAnswerOptions({ MachineDetection: 'Enable' }, true)).field).toBe(
      'MachineDetection',
    );
  });

  it('engine.create refuses an invalid SendDigits before creating anything', () => {
    const engine = createEngine({
      driver: {
        capabilities: { ssml: false, speech: false, voicemailDetection: false },
        originate: () => {
          throw new Error('no call');
        },
      },
      http: { send: () => Promise.reject(new Error('no http')) },
    });
    const error = refusal(() =>
      engine.create({ To: '+1555', From: '+1666', Url: 'http://app.test/v', SendDigits: 'abc' }),
    );
    expect(error.field).toBe('SendDigits');
    expect(engine.list().total).toBe(0);
  });
});

describe('detection results in the values of each mode', () => {
  it.each([
    ['voicemail', 'machine_end_beep', 'machine'],
    ['voicemail', 'fax', 'machine'],
    ['voicemail', 'human', 'human'],
    ['Enable', 'machine', 'machine_start'],
    ['Enable', 'machine_end_silence', 'machine_start'],
    ['Enable', 'fax', 'fax'],
    ['DetectMessageEnd', 'machine_end_silence', 'machine_end_silence'],
    ['DetectMessageEnd', 'machine', 'machine_end_other'],
    ['DetectMessageEnd', 'machine_start', 'machine_end_other'],
    ['DetectMessageEnd', 'unknown', 'unknown'],
  ] as const)('%s: %s is reported as %s', (mode, by, expected) => {
    expect(detectionResult(mode, by)).toBe(expected);
  });
});

describe('Confidence is written as the shortest decimal (spec 4.4)', () => {
  it.each([
    [0.9, '0.9'],
    [0.75, '0.75'],
    [1, '1'],
    [0, '0'],
    [0.1 + 0.2, '0.3'],
    [1e-9, '0'],
    [0.123456789, '0.123457'],
    [1.5, '1'],
    [Number.NaN, '0'],
  ])('%s -> %s', (value, text) => {
    expect(formatConfidence(value)).toBe(text);
  });
});

describe('speech attributes of <Gather> (spec 4.4 Speech)', () => {
  const gatherOf = (xml: string) => {
    const result = parseDocument(xml);
    if (!result.ok) throw new Error(result.error.message);
    return { verb: result.document.verbs[0] as GatherVerb, warnings: result.warnings };
  };

  it('reads language, hints, speechTimeout and partialResultCallback(Method), and serializes them back', () => {
    const xml =
      '<Response><Gather input="speech dtmf" language="es-MX" hints=" sales , support,,billing " speechTimeout="auto" partialResultCallback="/p" partialResultCallbackMethod="get"/></Response>';
    const { verb, warnings } = gatherOf(xml);
    expect(warnings).toEqual([]);
    expect(verb).toMatchObject({
      input: 'dtmf speech',
      language: 'es-MX',
      hints: ['sales', 'support', 'billing'],
      speechTimeout: 'auto',
      partialResultCallback: '/p',
      partialResultCallbackMethod: 'GET',
    });
    const again = parseDocument(serializeDocument({ verbs: [verb] } as never));
    expect(again.ok && again.document.verbs[0]).toMatchObject({
      hints: ['sales', 'support', 'billing'],
      speechTimeout: 'auto',
    });
    expect(gatherOf('<Response><Gather speechTimeout="3"/></Response>').verb.speechTimeout).toBe(3);
  });

  it('leaves them out when absent, and warns 13301 for a bad speechTimeout', () => {
    const plain = gatherOf('<Response><Gather/></Response>').verb;
    for (const key of [
      'language',
      'hints',
      'speechTimeout',
      'partialResultCallback',
      'partialResultCallbackMethod',
    ]) {
      expect(key in plain).toBe(false);
    }
    const bad = gatherOf('<Response><Gather speechTimeout="0"/></Response>');
    expect(bad.verb.speechTimeout).toBeUndefined();
    expect(bad.warnings.map((w) => w.code)).toEqual([13301]);
    expect(bad.warnings[0]?.message).toContain('speechTimeout');
  });
});
