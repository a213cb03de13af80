import { createSimulatedHarness, describeDriverConformance } from '@rcml/driver/conformance';

describeDriverConformance('simulated', async () => createSimulatedHarness());
