/**
 * Against a real Asterisk 22, only when `RCML_ARI_URL` is set (CI has no Asterisk, so these
 * are skipped there). Needs the dialplan of docs/asterisk.md with a context
 * `[stasis-test]` whose `s` extension runs `Stasis(<app>,inbound)`; the test originates
 * `Local/s@stasis-test/n` into the application as the caller, like the recorded traces.
 *   RCML_ARI_URL=http://127.0.0.1:8088 RCML_ARI_USER=rcml RCML_ARI_PASSWORD=… npx vitest run packages/driver-asterisk/test/live.test.ts
 */
import { request } from 'undici';
import { describe, expect, it } from 'vitest';
import { createAsteriskDriver, type InboundCall } from '../src/index.js';
import { recorder } from './helpers.js';

const url = process.env.RCML_ARI_URL;
const user = process.env.RCML_ARI_USER ?? 'rcml';
const password = process.env.RCML_ARI_PASSWORD ?? '';
const app = process.env.RCML_ARI_APP ?? 'rcml';
const open = () => new AbortController().signal;

describe.skipIf(url === undefined)('live Asterisk (RCML_ARI_URL)', () => {
  it('an inbound Local call is answered, played to, hears keys, records and hangs up', async () => {
    const driver = createAsteriskDriver({ ariUrl: url!, ariUser: user, ariPassword: password, ariApp: app });
    let arrived!: (call: InboundCall) => void;
    const inbound = new Promise<InboundCall>((resolve) => {
      arrived = resolve;
    });
    await driver.start((call) => arrived(call));
    try {
      const auth = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
      const origin = await request(
        `${url}/ari/channels?endpoint=Local/s@stasis-test/n&app=${app}&appArgs=caller&callerId=%2B15551230001`,
        { method: 'POST', headers: { authorization: auth } },
      );
      const caller = (await origin.body.json()) as { id: string };
      const call = await inbound;
      const rec = recorder();
      call.channel.listen(rec);
      expect(call.from).toBe('+15551230001');
      await call.channel.answer(open());
      expect(await call.channel.play({ url: 'sound:beep', loop: 2 }, open())).toEqual({ ok: true });
      expect(await call.channel.play({ url: 'sound:no-such-prompt', loop: 1 }, open())).toEqual({
        ok: false,
        reason: 'media-unavailable',
      });
      const keys = await request(`${url}/ari/channels/${caller.id}/dtmf?dtmf=5&duration=100`, {
        method: 'POST',
        headers: { authorization: auth },
      });
      await keys.body.dump();
      const session = await call.channel.record(
        {
          maxLength: 2,
          timeout: 0,
          finishOnKey: '',
          playBeep: false,
          trim: 'do-not-trim',
          recordingSid: 'RElive',
        },
        open(),
      );
      await call.channel.play({ url: 'sound:hello-world', loop: 1 }, open());
      expect((await session.stop()).url).toMatch(/RElive\.wav$/);
      expect(rec.events).toContain('dtmf:5');
      await call.channel.hangup();
    } finally {
      await driver.stop();
    }
  });
});
