/**
 * Engine-only B1 load for profiling, without baseline rounds in the same profile:
 *   node --cpu-prof --cpu-prof-dir=bench/profiles bench/dist/profile.js [small|realistic|unique] [b1a|b1b] [seconds]
 * then open the `.cpuprofile` of the larger file in Chrome DevTools (the smaller one is the
 * application server's).
 */
import { startAppServer } from './appServer.js';
import { callParams, createHarness } from './harness.js';

const [document = 'realistic', events = 'b1a', seconds = '10'] = process.argv.slice(2);
const server = await startAppServer();
const harness = createHarness({
  origin: server.origin,
  connections: 50,
  limits: { maxCallsPerSecond: 100_000, maxConcurrentCalls: 100_000 },
});
const params = callParams(server.origin, document, events === 'b1b');
const stopAt = performance.now() + Number(seconds) * 1000;
const start = performance.now();
let completed = 0;
let inFlight = 0;
await new Promise<void>((resolve) => {
  harness.onCompleted = () => {
    completed++;
    inFlight--;
    if (performance.now() < stopAt) {
      inFlight++;
      harness.engine.create(params);
    } else if (inFlight === 0) resolve();
  };
  for (let i = 0; i < 50; i++) {
    inFlight++;
    harness.engine.create(params);
  }
});
const rate = (completed / (performance.now() - start)) * 1000;
process.stderr.write(`${document} ${events}: ${Math.round(rate)} calls/s, ${harness.failures()} failures\n`);
await harness.close();
await server.close();
