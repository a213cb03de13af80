/**
 * An IVR menu, written the way TwiML applications are: Express 5, `twilio`'s VoiceResponse,
 * `res.send(twiml.toString())` (Express answers `text/html`), and every webhook behind
 * `twilio.webhook()` with signature validation on.
 *
 *   POST /voice    greets the caller (by `Caller`), <Gather numDigits=1> to /menu, else loops
 *   POST /menu     1 → /sales, 2 → /hours, anything else: "not an option" and back to /voice
 *   POST /sales    <Say> + <Hangup/>
 *   POST /hours    <Say> the hours, <Gather> 1 to repeat them, else <Say>Goodbye + <Hangup/>
 *   POST /status   status callbacks (`CallStatus`)
 */
import express from 'express';
import twilio from 'twilio';

const { VoiceResponse } = twilio.twiml;

/** Callers the menu greets by name. */
const KNOWN_CALLERS: Record<string, string> = { '+15550001000': 'Ada' };

/** The IVR menu as an Express app whose webhooks validate signatures with `authToken`. */
export function createIvrApp(authToken: string): express.Express {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  const webhook = twilio.webhook(authToken);

  app.post('/voice', webhook, (req, res) => {
    const twiml = new VoiceResponse();
    const name = KNOWN_CALLERS[req.body.Caller];
    const gather = twiml.gather({ numDigits: 1, action: '/menu', method: 'POST', timeout: 5 });
    gather.say(
      { voice: 'alice' },
      `${name ? `Welcome back, ${name}.` : 'Welcome.'} For sales, press 1. For our opening hours, press 2.`,
    );
    twiml.say("We didn't receive any input.");
    twiml.redirect({ method: 'POST' }, '/voice');
    res.send(twiml.toString());
  });

  app.post('/menu', webhook, (req, res) => {
    const twiml = new VoiceResponse();
    switch (req.body.Digits) {
      case '1':
        twiml.redirect('/sales');
        break;
      case '2':
        twiml.redirect('/hours');
        break;
      default:
        twiml.say('Sorry, that is not an option.');
        twiml.redirect('/voice');
    }
    res.send(twiml.toString());
  });

  app.post('/sales', webhook, (_req, res) => {
    const twiml = new VoiceResponse();
    twiml.say('Our sales team will call you back within the hour. Goodbye.');
    twiml.hangup();
    res.send(twiml.toString());
  });

  app.post('/hours', webhook, (req, res) => {
    const twiml = new VoiceResponse();
    if (req.body.Digits === undefined) {
      const gather = twiml.gather({ numDigits: 1, action: '/hours', timeout: 3 });
      gather.say('We are open from nine to five, Monday to Friday. Press 1 to hear this again.');
    } else if (req.body.Digits === '1') {
      twiml.redirect('/hours');
      res.send(twiml.toString());
      return;
    }
    twiml.say('Goodbye.');
    twiml.hangup();
    res.send(twiml.toString());
  });

  app.post('/status', webhook, (_req, res) => {
    res.sendStatus(204);
  });

  return app;
}
