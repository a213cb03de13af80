import { numberOption, parseOptions, UsageError } from '../args.js';
import type { Command } from '../io.js';
import { runPhone } from '../phone/runPhone.js';

const HELP = `usage: rcml call <url> [options]

An interactive terminal phone: calls the application at <url> (as an inbound call on the
simulated driver, real clock). What it says appears as it is spoken; <Play> shows a
progress bar. Keys: 0-9 * # A-D send DTMF, s speaks for 2 s (for <Record>), h hangs up.

  --method GET|POST         how to fetch <url> (default POST)
  --from NUMBER             your number (default +15550001000)
  --to NUMBER               the number you dial (default +15550002000)
  --say-char-seconds S      speaking time per character (default 0.05)
  --play-seconds S          length of every <Play> (default 2)
  --answer-after S          a <Dial>led party answers after S seconds (default 2)
  --hangup-after S          ... and hangs up after S seconds (default 10)
`;

/** `rcml call <url>`: exits 0 when the call ended. */
export const command: Command = {
  summary: 'an interactive terminal phone: place a call to an application',
  async run(args, io) {
    let parsed: Parameters<typeof runPhone>[0] | undefined;
    try {
      const { values, positionals } = parseOptions(
        args,
        {
          method: { type: 'string' },
          from: { type: 'string' },
          to: { type: 'string' },
          'say-char-seconds': { type: 'string' },
          'play-seconds': { type: 'string' },
          'answer-after': { type: 'string' },
          'hangup-after': { type: 'string' },
          help: { type: 'boolean', short: 'h' },
        },
        true,
      );
      if (values.help === true) {
        io.stdout.write(HELP);
        return 0;
      }
      const [url, ...extra] = positionals;
      if (url === undefined) throw new UsageError('the application URL is missing');
      if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
      let parsedUrl: URL;
      try {
        parsedUrl = new URL(url);
      } catch {
        throw new UsageError(`"${url}" is not an absolute URL`);
      }
      if (parsedUrl.protocol !== 'http:' && parsedUrl.protocol !== 'https:') {
        throw new UsageError(`"${url}" must be an http or https URL`);
      }
      const method = (typeof values.method === 'string' ? values.method : 'POST').toUpperCase();
      if (method !== 'GET' && method !== 'POST')
        throw new UsageError(`--method must be GET or POST, got "${method}"`);
      const text = (name: string, fallback: string) =>
        typeof values[name] === 'string' ? (values[name] as string) : fallback;
      const num = (name: string, fallback: number, min: number, max: number) =>
        numberOption(
          name,
          typeof values[name] === 'string' ? (values[name] as string) : undefined,
          fallback,
          min,
          max,
        );
      parsed = {
        url,
        method,
        from: text('from', '+15550001000'),
        to: text('to', '+15550002000'),
        sayCharSeconds: num('say-char-seconds', 0.05, 0, 1),
        playSeconds: num('play-seconds', 2, 0, 600),
        legAnswerAfter: num('answer-after', 2, 0, 600),
        legHangupAfter: num('hangup-after', 10, 0, 14400),
        terminal: { input: process.stdin, output: process.stdout },
      };
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.stderr.write(`rcml call: ${error.message}\n\n${HELP}`);
      return 2;
    }
    const status = await runPhone(parsed);
    io.stdout.write(`Call ended: ${status}\n`);
    return 0;
  },
};
