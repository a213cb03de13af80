/**
 * The media driver conformance suite of `@rcml/driver`, run against the Asterisk driver on the
 * fake Asterisk (no real Asterisk in CI).
 */
import { describeDriverConformance } from '@rcml/driver/conformance';
import { createModelHarness } from './fake/modelHarness.js';

describeDriverConformance('asterisk (fake ARI)', createModelHarness);
