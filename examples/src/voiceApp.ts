/**
 * The documents of the example voice application: what a small business line answers.
 * Plain functions from request parameters to RCML, so the routing stays separate from HTTP.
 */

/** The agent's number that option 2 dials. */
export const AGENT_NUMBER = '+15550100200';

/** What the menu says (the demo and its tests look for it). */
export const MENU_PROMPT =
  'Welcome to the R C M L demo line. Press 1 to leave a message. Press 2 to talk to an agent.';

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

const say = (text: string) => `<Say voice="woman">${escapeXml(text)}</Say>`;
const respond = (...verbs: string[]) =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Response>${verbs.join('')}</Response>`;

/** `/voice`: the menu. No key within the timeout: the menu starts again. */
export function menu(): string {
  return respond(
    `<Gather action="/menu" numDigits="1" timeout="4">${say(MENU_PROMPT)}</Gather>`,
    say('We did not receive any input.'),
    '<Redirect>/voice</Redirect>',
  );
}

/** `/menu`: the choice. 1 records a message, 2 dials the agent, anything else: back to the menu. */
export function choice(params: Readonly<Record<string, string>>): string {
  switch (params.Digits) {
    case '1':
      return respond(
        say('Please leave a message after the beep. Press the pound key when you are done.'),
        '<Record action="/recorded" finishOnKey="#" maxLength="60" timeout="5" ' +
          'recordingStatusCallback="/recording-status"/>',
        say('We did not hear anything.'),
        '<Redirect>/voice</Redirect>',
      );
    case '2':
      return respond(
        say('Connecting you to an agent.'),
        `<Dial action="/dialed" timeout="20"><Number statusCallback="/status">${AGENT_NUMBER}</Number></Dial>`,
      );
    default:
      return respond(
        say(`Sorry, ${params.Digits ?? 'that'} is not an option.`),
        '<Redirect>/voice</Redirect>',
      );
  }
}

/** `/recorded`: the Record action. */
export function recorded(params: Readonly<Record<string, string>>): string {
  const seconds = params.RecordingDuration ?? '0';
  return respond(say(`Thank you. Your message of ${seconds} seconds was recorded. Goodbye.`), '<Hangup/>');
}

/** `/dialed`: the Dial action. */
export function dialed(params: Readonly<Record<string, string>>): string {
  const status = params.DialCallStatus ?? 'unknown';
  if (status === 'completed') return respond(say('Thank you for calling. Goodbye.'), '<Hangup/>');
  return respond(say('The agent is not available.'), '<Redirect>/voice</Redirect>');
}
