/** The Calls API answer options at their edges: spacing, case, defaults and the refusal texts. */
import { RcmlError } from '@rcml/core';
import { describe, expect, it } from 'vitest';
import { validateAnswerOptions } from '../../src/engine/validateAnswerOptions.js';

const refusal = (fn: () => unknown): { code: number; field: string | undefined; message: string } => {
  try {
    fn();
  } catch (error) {
    if (error instanceof RcmlError) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error('not refused');
};

describe('answer options: spacing, case and defaults', () => {
  it('values are trimmed, and blank values are absent', () => {
    expect(
      validateAnswerOptions(
        {
          MachineDetection: ' enable ',
          MachineDetectionTimeout: ' 10 ',
          SendDigits: ' 1w2 ',
          Record: ' TRUE ',
          RecordingChannels: ' DUAL ',
          RecordingStatusCallback: ' https://app.test/r ',
          RecordingStatusCallbackMethod: ' Post ',
        },
        false,
      ),
    ).toEqual({
      machineDetection: 'Enable',
      machineDetectionTimeout: 10,
      sendDigits: '1w2',
      record: { channels: 'dual', statusCallback: 'https://app.test/r', statusCallbackMethod: 'POST' },
    });
    expect(
      validateAnswerOptions(
        {
          MachineDetection: ' ',
          MachineDetectionTimeout: '',
          SendDigits: '  ',
          Record: ' ',
          RecordingChannels: ' ',
          RecordingStatusCallback: '',
          RecordingStatusCallbackMethod: ' ',
        },
        true,
      ),
    ).toEqual({ machineDetection: null, machineDetectionTimeout: 30, sendDigits: null, record: null });
  });

  it('Record=true alone records mono, without callback, with POST', () => {
    expect(validateAnswerOptions({ Record: 'true' }, false).record).toEqual({
      channels: 'mono',
      statusCallback: null,
      statusCallbackMethod: 'POST',
    });
  });

  it('Record=false (any case) records nothing, but its recording parameters are still checked', () => {
    expect(
      validateAnswerOptions(
        { Record: 'False', RecordingChannels: 'dual', RecordingStatusCallback: 'https://app.test/r' },
        false,
      ).record,
    ).toBeNull();
    expect(
      refusal(() => validateAnswerOptions({ Record: 'false', RecordingChannels: 'stereo' }, false)).field,
    ).toBe('RecordingChannels');
    expect(refusal(() => validateAnswerOptions({ RecordingStatusCallback: '/relative' }, false)).field).toBe(
      'RecordingStatusCallback',
    );
    expect(refusal(() => validateAnswerOptions({ RecordingStatusCallbackMethod: 'PUT' }, false)).field).toBe(
      'RecordingStatusCallbackMethod',
    );
  });

  it('MachineDetection with DetectVoicemail off, and no MachineDetection with it on, are accepted', () => {
    expect(validateAnswerOptions({ MachineDetection: 'DETECTMESSAGEEND' }, false).machineDetection).toBe(
      'DetectMessageEnd',
    );
    expect(validateAnswerOptions({}, true).machineDetection).toBeNull();
  });

  it('SendDigits must be only keys and waits, from its first to its last character', () => {
    expect(validateAnswerOptions({ SendDigits: '0123456789*#w' }, false).sendDigits).toBe('0123456789*#w');
    for (const bad of ['a1', '1a', '1-2']) {
      expect(refusal(() => validateAnswerOptions({ SendDigits: bad }, false)).field).toBe('SendDigits');
    }
  });

  it('MachineDetectionTimeout must be digits only, from 3 to 59', () => {
    expect(validateAnswerOptions({ MachineDetectionTimeout: '03' }, false).machineDetectionTimeout).toBe(3);
    for (const bad of ['x5', '5x', '-5', '1e1']) {
      expect(refusal(() => validateAnswerOptions({ MachineDetectionTimeout: bad }, false)).field).toBe(
        'MachineDetectionTimeout',
      );
    }
  });
});

describe('answer options: the refusal texts a client reads', () => {
  it.each([
    [{ MachineDetection: 'Maybe' }, 'MachineDetection: "Maybe" is not Enable or DetectMessageEnd'],
    [{ MachineDetectionTimeout: '4.5' }, 'MachineDetectionTimeout: "4.5" is not a whole number of seconds'],
    [{ MachineDetectionTimeout: '60' }, 'MachineDetectionTimeout: 60 is outside 3 to 59'],
    [{ SendDigits: '12x' }, 'SendDigits: "12x" may hold only the keys 0-9, *, # and w (a 0.5 s wait)'],
    [{ Record: 'yes' }, 'Record: "yes" is not true or false'],
    [{ RecordingChannels: 'both' }, 'RecordingChannels: "both" is not mono or dual'],
    [
      { RecordingStatusCallback: 'ftp://x/y' },
      'RecordingStatusCallback: "ftp://x/y" is not an absolute http or https URL',
    ],
    [{ RecordingStatusCallbackMethod: 'PUT' }, 'RecordingStatusCallbackMethod: "PUT" is not GET or POST'],
  ])('%j: %s', (params, message) => {
    expect(refusal(() => validateAnswerOptions(params, false))).toEqual({
      code: 20001,
      field: message.slice(0, message.indexOf(':')),
      message,
    });
  });

  it('MachineDetection with DetectVoicemail', () => {
    expect(refusal(() => validateAnswerOptions({ MachineDetection: 'Enable' }, true)).message).toBe(
      'MachineDetection: not together with DetectVoicemail (choose one detection)',
    );
  });
});
