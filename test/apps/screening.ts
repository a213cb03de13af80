/**
 * Call screening, TwiML's documented pattern: the caller is put through to an agent whose
 * phone first plays a whisper (`<Number url="/screen">`) asking to accept; the agent accepts
 * with 1, declines with any other key or by not answering the prompt.
 *
 *   POST /voice          <Say> hold on, <Dial action="/after-dial"><Number url="/screen">agent</Number></Dial>
 *   POST /screen         (agent leg) <Gather numDigits=1 action="/screen-result"> "call from …", then <Hangup/>
 *   POST /screen-result  (agent leg) 1: an empty <Response/> (accepted: bridged); else <Hangup/> (declined)
 *   POST /after-dial     `DialCallStatus`: completed → goodbye; otherwise "nobody is available"
 *   POST /status         status callbacks
 */
import express from 'express';
import twilio from 'twilio';

const { VoiceResponse } = twilio.twiml;

/** The agent's number, dialled with the whisper document. */
export const AGENT_NUMBER = '+15550100200';

/** Call screening as an Express app whose webhooks validate signatures with `authToken`. */
export function createScreeningApp(authToken: string): express.Express {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  const webhook = twilio.webhook(authToken);

  app.post('/voice', webhook, (_req, res) => {
    const twiml = new VoiceResponse();
    twiml.say('Please hold while we connect you to an agent.');
    const dial = twiml.dial({ action: '/after-dial', timeout: 20 });
    dial.number({ url: '/screen' }, AGENT_NUMBER);
    res.send(twiml.toString());
  });

  app.post('/screen', webhook, (req, res) => {
    const twiml = new VoiceResponse();
    const gather = twiml.gather({ numDigits: 1, action: '/screen-result', timeout: 5 });
    const from = String(req.body.From ?? 'an unknown number')
      .split('')
      .join(' ');
    gather.say(`You have a call from ${from}. Press 1 to accept, any other key to decline.`);
    twiml.hangup();
    res.send(twiml.toString());
  });

  app.post('/screen-result', webhook, (req, res) => {
    const twiml = new VoiceResponse();
    if (req.body.Digits !== '1') twiml.hangup();
    res.send(twiml.toString());
  });

  app.post('/after-dial', webhook, (req, res) => {
    const twiml = new VoiceResponse();
    if (req.body.DialCallStatus === 'completed') {
      twiml.say('Thank you for calling. Goodbye.');
    } else {
      twiml.say('Sorry, nobody is available to take your call. Please try again later.');
    }
    twiml.hangup();
    res.send(twiml.toString());
  });

  app.post('/status', webhook, (_req, res) => {
    res.sendStatus(204);
  });

  return app;
}
