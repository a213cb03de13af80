/**
 * `<Play digits>` through `POST /channels/{id}/dtmf`. ARI answers 204 before the first digit
 * goes out (and, on a channel that is playing, only sends the digits after the playback), so
 * the driver first waits for the channel's media to end, then paces itself on the clock:
 * each digit takes `duration + between` ms; `w` waits 0.5 s and `W` 1 s.
 */
import type { AriChannel } from './ariChannel.js';
import { wait } from './context.js';

/** Split `12w3W#` into digit runs and waits: `['12', 500, '3', 1000, '#']`. */
export function splitDigits(digits: string): (string | number)[] {
  const parts: (string | number)[] = [];
  let run = '';
  for (const char of digits) {
    if (char === 'w' || char === 'W') {
      if (run !== '') parts.push(run);
      run = '';
      parts.push(char === 'w' ? 500 : 1000);
    } else if (/^[0-9*#A-D]$/.test(char)) {
      run += char;
    }
  }
  if (run !== '') parts.push(run);
  return parts;
}

export async function sendDtmf(channel: AriChannel, digits: string, signal: AbortSignal): Promise<void> {
  const { durationMs, betweenMs } = channel.ctx.options.dtmf;
  await channel.mediaIdle();
  for (const part of splitDigits(digits)) {
    if (signal.aborted || channel.gone) return;
    if (typeof part === 'number') {
      await wait(channel.ctx, part, signal);
      continue;
    }
    const sent = await channel.ari('POST', channel.path('/dtmf'), {
      dtmf: part,
      before: 0,
      between: betweenMs,
      duration: durationMs,
    });
    if (sent === null) return;
    await wait(channel.ctx, part.length * (durationMs + betweenMs), signal);
  }
}
