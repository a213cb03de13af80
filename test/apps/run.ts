/**
 * Run one of the test applications by hand:
 *
 *   TWILIO_AUTH_TOKEN=secret npx tsx test/apps/run.ts ivr 3000
 *   rcml call http://127.0.0.1:3000/voice --auth-token secret
 *
 * Apps: ivr, screening, speech, click-to-call (which also needs TWILIO_ACCOUNT_SID and
 * RCML_API_URL, the URL `rcml serve` printed). Every request is printed as it is answered.
 */
import { createClickToCallApp } from './clickToCall.js';
import { runApp } from './harness.js';
import { createIvrApp } from './ivr.js';
import { AGENT_NUMBER, createScreeningApp } from './screening.js';
import { createSpeechApp } from './speech.js';

const [name = '', portText = '3000'] = process.argv.slice(2);
const token = process.env.TWILIO_AUTH_TOKEN ?? '';
if (token === '') {
  process.stderr.write('set TWILIO_AUTH_TOKEN (the same token you give rcml call/serve)\n');
  process.exit(2);
}
const apps = {
  ivr: () => createIvrApp(token),
  screening: () => createScreeningApp(token),
  speech: () => createSpeechApp(token),
  'click-to-call': () =>
    createClickToCallApp({
      accountSid: process.env.TWILIO_ACCOUNT_SID ?? '',
      authToken: token,
      twilioNumber: '+15550002000',
      salesNumber: AGENT_NUMBER,
      ...(process.env.RCML_API_URL ? { apiBaseUrl: process.env.RCML_API_URL } : {}),
    }),
};
const make = apps[name as keyof typeof apps];
if (make === undefined) {
  process.stderr.write(`usage: run.ts ${Object.keys(apps).join('|')} [port]\n`);
  process.exit(2);
}
const running = await runApp(make(), Number(portText));
process.stdout.write(`${name} listening on ${running.url}\n`);
let printed = 0;
setInterval(() => {
  for (const r of running.seen.slice(printed)) {
    const params = Object.entries(r.params)
      .filter(([k]) =>
        ['CallStatus', 'Digits', 'SpeechResult', 'DialCallStatus', 'Caller', 'From'].includes(k),
      )
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    process.stdout.write(`${r.method} ${r.path} ${params} → ${r.status}${r.signed ? '' : ' (unsigned)'}\n`);
  }
  printed = running.seen.length;
}, 200);
