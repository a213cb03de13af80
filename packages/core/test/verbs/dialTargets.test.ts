/** The targets `<Dial>` hands the driver for its nouns (spec 4.6). */
import { describe, expect, it } from 'vitest';
import { inbound, runWorld } from '../engine/harness.js';

async function targetsOf(nouns: string): Promise<unknown> {
  const run = await runWorld(inbound(`<Response><Dial timeout="1">${nouns}</Dial></Response>`, {}));
  return run.timeline.find((e) => e.op === 'dial')?.targets;
}

describe('<Dial> targets', () => {
  it('a number loses its dots, dashes, spaces and brackets, and only those', async () => {
    expect(await targetsOf('<Number> +1.555 (000)-3333 </Number><Number>+15550004444w1</Number>')).toEqual([
      { type: 'number', to: '+15550003333' },
      { type: 'number', to: '+15550004444w1' },
    ]);
  });

  it('a client loses a leading client: prefix, and only a leading one', async () => {
    expect(
      await targetsOf('<Client>client:alice</Client><Client> bob </Client><Client>xclient:carol</Client>'),
    ).toEqual([
      { type: 'client', to: 'alice' },
      { type: 'client', to: 'bob' },
      { type: 'client', to: 'xclient:carol' },
    ]);
  });

  it('a SIP URI is passed as written, trimmed', async () => {
    expect(await targetsOf('<Sip> sip:bob@example.com;transport=tcp </Sip>')).toEqual([
      { type: 'sip', to: 'sip:bob@example.com;transport=tcp' },
    ]);
  });
});
