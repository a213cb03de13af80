/**
 * How the log describes a <Gather>: the speech settings only when it listens for speech
 * (a keys-only menu, TwilioDevEd's IVR for one, showed a meaningless speechTimeout).
 */
import { describe, expect, it } from 'vitest';
import { describeOperation } from '../src/timeline/format.js';

describe('describeOperation gather', () => {
  it('leaves speechTimeout out of a keys-only Gather', () => {
    const line = describeOperation('gather', {
      input: 'dtmf',
      numDigits: 1,
      timeout: 5,
      finishOnKey: '#',
      speechTimeout: 5,
    });
    expect(line).toBe('waits for keys (numDigits=1 timeout=5s finishOnKey="#")');
  });

  it('shows speechTimeout when the Gather listens for speech', () => {
    expect(describeOperation('gather', { input: 'speech', timeout: 5, speechTimeout: 'auto' })).toBe(
      'listens for speech (timeout=5s speechTimeout=auto)',
    );
    expect(
      describeOperation('gather', { input: 'dtmf speech', timeout: 5, finishOnKey: '#', speechTimeout: 2 }),
    ).toBe('waits for keys or speech (numDigits=any timeout=5s finishOnKey="#" speechTimeout=2)');
  });
});
