/** Test set-up for the scenario validator: a minimal valid scenario and the message it gives. */
import { isRcmlError } from '@rcml/core';
import { validateScenario } from '@rcml/replay';
import { expect } from 'vitest';

/** The smallest valid scenario: an inbound call to one application. */
export const base = {
  name: 'x',
  inbound: { From: '+1', To: '+2', Url: 'http://app.test/voice' },
};

/** The message validation gives for a scenario (an `RcmlError`), or null when it passes. */
export function problem(json: unknown): string | null {
  try {
    validateScenario(json, 'case.json');
    return null;
  } catch (error) {
    expect(isRcmlError(error)).toBe(true);
    return (error as Error).message;
  }
}
