#!/usr/bin/env node
/**
 * Run the example application on its own (`node examples/dist/main.js [port]`), to point
 * `rcml call` or a Calls API `Url` at it.
 */
import { createExampleApp } from './createExampleApp.js';

const app = await createExampleApp({ port: Number(process.argv[2] ?? 0) });
process.stdout.write(`example voice app listening: ${app.url}/voice\n`);
const stop = () => void app.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
