/**
 * Parse benchmark: validated parse (`parseDocument`) throughput as a ratio to the raw
 * fast-xml-parser with the same options, alternating rounds in one run. Documents: small
 * (~150 B), realistic (~1.2 KB, 8 verbs with a nested Gather and Dial), large (~16 KB, 99
 * verbs) and the invalid fixtures. A ratio of 1 means validation is free; the aim is >= 0.85.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseDocument, XML_PARSER_OPTIONS } from '@rcml/core';
import { XMLParser } from 'fast-xml-parser';
import { summarize } from './stats.js';

/** Validated / raw throughput over the alternating rounds of one document set. */
export interface ParseRatio {
  readonly ratio: { readonly median: number; readonly min: number; readonly max: number };
  readonly rounds: number;
}

/** Per-document ratios (validated / raw throughput). */
export interface ParseBenchResult {
  readonly small: ParseRatio;
  readonly realistic: ParseRatio;
  readonly large: ParseRatio;
  readonly invalid: ParseRatio;
  /** Milliseconds to refuse each hostile document (median of several refusals). */
  readonly hostileMs: HostileTimes;
}

/** How long the parser takes to refuse hostile documents (issue: "well under a second each"). */
export interface HostileTimes {
  readonly billionLaughs: number;
  readonly tenMegabyteBody: number;
  readonly deepNesting: number;
}

const BILLION_LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`).join('')}]>
<Response><Say>&lol9;</Say></Response>`;

/** Median time (ms) of `runs` refusals of `text`; throws if the document is not refused. */
function refusalMs(text: string, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    const result = parseDocument(text);
    times.push(performance.now() - start);
    if (result.ok) throw new Error('a hostile document was accepted');
  }
  times.sort((a, b) => a - b);
  return Math.round(times[times.length >> 1]! * 1000) / 1000;
}

function hostileTimes(runs: number): HostileTimes {
  return {
    billionLaughs: refusalMs(BILLION_LAUGHS, runs),
    tenMegabyteBody: refusalMs(`<Response>${'<Say>filler text</Say>'.repeat(500_000)}</Response>`, runs),
    deepNesting: refusalMs(`<Response>${'<p>'.repeat(10_000)}`, runs),
  };
}

export const SMALL_DOCUMENT = `<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Say voice="woman">Thanks for calling. Goodbye!</Say>
  <Pause length="1"/>
  <Hangup/>
</Response>`;

export const REALISTIC_DOCUMENT = `<?xml version="1.0" encoding="UTF-8"?>
<Response>
  <Say voice="woman" language="en-GB">Welcome to Example Corp. Your call may be recorded for quality and training.</Say>
  <Gather action="/ivr/menu" method="POST" numDigits="1" timeout="7" finishOnKey="#" input="dtmf">
    <Say>For sales press 1. For support press 2. For billing press 3. To hear this again press 9.</Say>
    <Play loop="1">https://media.example.com/audio/menu-prompt.mp3</Play>
    <Pause length="2"/>
  </Gather>
  <Say loop="2">We did not receive any input. Connecting you to an operator now.</Say>
  <Dial action="/ivr/dial-done" timeout="20" callerId="+15550001111" record="record-from-answer" hangupOnStar="true">
    <Number statusCallback="/ivr/leg" statusCallbackEvent="ringing answered completed">+1 (555) 123-4567</Number>
    <Client>operator-alice</Client>
    <Sip>sip:operator-bob@pbx.example.com</Sip>
  </Dial>
  <Record maxLength="120" playBeep="true" finishOnKey="#" action="/ivr/recorded" timeout="5"/>
  <Sms to="+15557654321" from="+15550001111">Thanks for calling Example Corp. Reply HELP for help.</Sms>
  <Redirect method="GET">/ivr/goodbye?reason=done&amp;lang=en</Redirect>
  <Hangup/>
</Response>`;

/** 9 copies of the realistic body with longer prompts: ~16 KB, 99 verbs. */
export const LARGE_DOCUMENT = (() => {
  const body = REALISTIC_DOCUMENT.slice(
    REALISTIC_DOCUMENT.indexOf('<Response>') + 10,
    REALISTIC_DOCUMENT.indexOf('</Response>'),
  );
  const longer = body
    .replace(
      'Welcome to Example Corp.',
      'Welcome to Example Corp, where every call matters and every caller is heard, whatever the hour of the day or night.',
    )
    .replace(
      'To hear this again press 9.',
      'For opening hours press 4. For our address and directions press 5. To repeat these options press 9. To leave a message press 0.',
    )
    .replace(
      'We did not receive any input.',
      'We did not receive any input. If you are calling about an order, please have your order number ready; it is printed at the top of your confirmation email and on the packing slip in the box.',
    )
    .replace(
      'Your call may be recorded for quality and training.',
      'Your call may be recorded for quality and training. Our lines are open from eight in the morning until eight in the evening, Monday to Saturday, and calls cost the same as any local call.',
    )
    .replace(
      'Thanks for calling Example Corp.',
      'Thanks for calling Example Corp. We send one message per call and never share your number with anyone. Reply STOP to opt out.',
    );
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Response>${longer.repeat(9)}</Response>`;
})();

function invalidFixtures(): string[] {
  const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'documents', 'invalid');
  try {
    return readdirSync(root)
      .filter((f) => f.endsWith('.xml'))
      .sort()
      .map((f) => readFileSync(join(root, f), 'utf8'));
  } catch {
    return [];
  }
}

/** CPU milliseconds used by this process so far (user + system). */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Documents parsed per CPU second by `parse` over `docs`, timed over at least `minMs`. CPU time
 * rather than wall time, so other load on a shared machine does not skew a round.
 */
function rate(docs: readonly string[], parse: (text: string) => unknown, minMs: number): number {
  let count = 0;
  const start = cpuMs();
  let elapsed = 0;
  do {
    for (let i = 0; i < 64; i++) {
      for (const doc of docs) parse(doc);
      count += docs.length;
    }
    elapsed = cpuMs() - start;
  } while (elapsed < minMs);
  return (count / elapsed) * 1000;
}

function ratios(docs: readonly string[], rounds: number, minMs: number): ParseRatio {
  const raw = new XMLParser(XML_PARSER_OPTIONS);
  const validated = (text: string): unknown => parseDocument(text);
  const baseline = (text: string): unknown => {
    try {
      return raw.parse(text);
    } catch (error) {
      return error; // the lenient raw parser throws on some broken documents
    }
  };
  // Warm both paths up before measuring.
  rate(docs, validated, minMs);
  rate(docs, baseline, minMs);
  const out: number[] = [];
  for (let i = 0; i < rounds; i++) {
    let v: number;
    let b: number;
    if (i % 2 === 0) {
      v = rate(docs, validated, minMs);
      b = rate(docs, baseline, minMs);
    } else {
      b = rate(docs, baseline, minMs);
      v = rate(docs, validated, minMs);
    }
    out.push(v / b);
  }
  const { median, min, max } = summarize(out);
  return { ratio: { median, min, max }, rounds };
}

/** Run the parse benchmark; `quick` uses fewer, shorter rounds. */
export async function runParseBench(options: { quick: boolean }): Promise<ParseBenchResult> {
  const rounds = options.quick ? 7 : 15;
  const minMs = options.quick ? 150 : 250;
  const invalid = invalidFixtures();
  return {
    small: ratios([SMALL_DOCUMENT], rounds, minMs),
    realistic: ratios([REALISTIC_DOCUMENT], rounds, minMs),
    large: ratios([LARGE_DOCUMENT], rounds, minMs),
    invalid: ratios(invalid.length > 0 ? invalid : ['<Response><Dial></Gather>'], rounds, minMs),
    hostileMs: hostileTimes(options.quick ? 5 : 21),
  };
}
