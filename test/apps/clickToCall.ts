/**
 * Click-to-call, after TwiML's tutorial: a web form posts the visitor's number, the app
 * places a call to it through the official `twilio` REST client, and when the visitor answers
 * the call says a line and dials the sales team.
 *
 *   POST /call                   (from the web page) `phoneNumber` → client.calls.create({ to, from, url,
 *                                statusCallback, machineDetection })
 *   POST /outbound/:salesNumber  (webhook) `AnsweredBy` a machine: a short voicemail message and <Hangup/>;
 *                                otherwise <Say> + <Dial>salesNumber</Dial>
 *   POST /status                 (webhook) `CallStatus` of each call, kept for GET /calls
 *   GET  /calls                  the last status of every call placed (JSON)
 *   POST /calls/:sid/announce    (from the agent's page) `message` → client.calls(sid).update({ twiml }):
 *                                the live call says it and hangs up
 *   POST /calls/:sid/hangup      → client.calls(sid).update({ status: 'completed' })
 *
 * The one setting a TwiML application needs to talk to `rcml serve` instead of the hosted
 * API is where its REST client sends requests: `client.api.baseUrl` (see docs/twiml.md).
 */
import express from 'express';
import twilio from 'twilio';

const { VoiceResponse } = twilio.twiml;

export interface ClickToCallConfig {
  readonly accountSid: string;
  readonly authToken: string;
  /** The number calls are placed from. */
  readonly twilioNumber: string;
  /** The sales team's number, dialled once the visitor answers. */
  readonly salesNumber: string;
  /** Where the REST client sends its requests (e.g. `rcml serve`'s URL); the hosted API when absent. */
  readonly apiBaseUrl?: string;
}

/** The click-to-call app: its REST client uses `config`'s account; its webhooks validate with its token. */
export function createClickToCallApp(config: ClickToCallConfig): express.Express {
  const client = twilio(config.accountSid, config.authToken);
  if (config.apiBaseUrl) client.api.baseUrl = config.apiBaseUrl;

  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json());
  const webhook = twilio.webhook(config.authToken);
  const calls: Record<string, string> = {};

  app.post('/call', async (req, res) => {
    const origin = `${req.protocol}://${req.get('host')}`;
    try {
      const call = await client.calls.create({
        to: req.body.phoneNumber,
        from: config.twilioNumber,
        url: `${origin}/outbound/${encodeURIComponent(config.salesNumber)}`,
        statusCallback: `${origin}/status`,
        statusCallbackEvent: ['initiated', 'ringing', 'answered', 'completed'],
        statusCallbackMethod: 'POST',
        machineDetection: 'Enable',
      });
      calls[call.sid] = call.status;
      res.send({ message: 'Thank you! We will be calling you shortly.', sid: call.sid });
    } catch (error) {
      res.status(500).send({ message: String((error as Error).message) });
    }
  });

  app.post('/outbound/:salesNumber', webhook, (req, res) => {
    const twiml = new VoiceResponse();
    if (String(req.body.AnsweredBy ?? '').startsWith('machine')) {
      twiml.say('Sorry we missed you. Our sales team will try again later.');
      twiml.hangup();
      res.send(twiml.toString());
      return;
    }
    twiml.say(
      { voice: 'alice' },
      'Thanks for contacting our sales department. Our next available representative will take your call.',
    );
    twiml.dial(String(req.params.salesNumber));
    res.send(twiml.toString());
  });

  app.post('/status', webhook, (req, res) => {
    const { CallSid, CallStatus } = req.body;
    if (CallStatus === 'completed' || calls[CallSid] !== 'completed') calls[CallSid] = CallStatus;
    res.sendStatus(204);
  });

  app.get('/calls', (_req, res) => {
    res.send(calls);
  });

  app.post('/calls/:sid/announce', async (req, res) => {
    const twiml = new VoiceResponse();
    twiml.say(String(req.body.message ?? 'Goodbye.'));
    twiml.hangup();
    try {
      const call = await client.calls(req.params.sid).update({ twiml: twiml.toString() });
      res.send({ status: call.status });
    } catch (error) {
      res.status(500).send({ message: String((error as Error).message) });
    }
  });

  app.post('/calls/:sid/hangup', async (req, res) => {
    try {
      const call = await client.calls(req.params.sid).update({ status: 'completed' });
      res.send({ status: call.status });
    } catch (error) {
      res.status(500).send({ message: String((error as Error).message) });
    }
  });

  return app;
}
