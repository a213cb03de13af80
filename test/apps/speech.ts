/**
 * A speech menu: the caller says what they want (`<Gather input="speech">`) and the app
 * branches on `SpeechResult`.
 *
 *   POST /voice          <Gather input="speech" action="/speech-result" speechTimeout="auto" hints=…>
 *                        "say sales, support or goodbye"; no answer: <Redirect>/voice
 *   POST /speech-result  `SpeechResult` containing sales → /sales, support → /support,
 *                        goodbye → <Say>Goodbye + <Hangup/>, else "sorry" and back to /voice
 *   POST /sales          <Say> + <Hangup/>
 *   POST /support        <Say> + <Hangup/>
 *   POST /status         status callbacks
 */
import express from 'express';
import twilio from 'twilio';

const { VoiceResponse } = twilio.twiml;

/** The speech menu as an Express app whose webhooks validate signatures with `authToken`. */
export function createSpeechApp(authToken: string): express.Express {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  const webhook = twilio.webhook(authToken);

  app.post('/voice', webhook, (_req, res) => {
    const twiml = new VoiceResponse();
    const gather = twiml.gather({
      input: ['speech'],
      action: '/speech-result',
      method: 'POST',
      language: 'en-US',
      speechTimeout: 'auto',
      hints: 'sales, support, goodbye',
      timeout: 5,
    });
    gather.say('How can we help? Say sales, support, or goodbye.');
    twiml.redirect('/voice');
    res.send(twiml.toString());
  });

  app.post('/speech-result', webhook, (req, res) => {
    const twiml = new VoiceResponse();
    const said = String(req.body.SpeechResult ?? '').toLowerCase();
    if (said.includes('sales')) twiml.redirect('/sales');
    else if (said.includes('support')) twiml.redirect('/support');
    else if (said.includes('goodbye')) {
      twiml.say('Goodbye.');
      twiml.hangup();
    } else {
      twiml.say(`Sorry, I heard "${said}". Let's try again.`);
      twiml.redirect('/voice');
    }
    res.send(twiml.toString());
  });

  app.post('/sales', webhook, (_req, res) => {
    const twiml = new VoiceResponse();
    twiml.say('Sales it is. Someone will call you back. Goodbye.');
    twiml.hangup();
    res.send(twiml.toString());
  });

  app.post('/support', webhook, (_req, res) => {
    const twiml = new VoiceResponse();
    twiml.say('Support is open around the clock. Please visit our help pages. Goodbye.');
    twiml.hangup();
    res.send(twiml.toString());
  });

  app.post('/status', webhook, (_req, res) => {
    res.sendStatus(204);
  });

  return app;
}
