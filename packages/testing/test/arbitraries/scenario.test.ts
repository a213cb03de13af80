import { validateScenario } from '@rcml/replay';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { APP_BASE } from '../../src/arbitraries/common.js';
import { menuApplication } from '../../src/arbitraries/menuApp.js';
import { scenario } from '../../src/arbitraries/scenario.js';

const urlAttributes = /(?:action|recordingStatusCallback)="([^"]*)"|<Redirect[^>]*>([^<]*)<\/Redirect>/g;

describe('scenario()', () => {
  it('generates scenarios that the replay format accepts, without expect', () => {
    fc.assert(
      fc.property(scenario(), (s) => {
        expect(validateScenario(JSON.parse(JSON.stringify(s)), 'generated.json')).toBeDefined();
        expect(s.expect).toBeUndefined();
        expect((s.call === undefined) !== (s.inbound === undefined)).toBe(true);
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('bounds every call: the far end hangs up, or the outbound attempt ends by itself', () => {
    fc.assert(
      fc.property(scenario(), (s) => {
        const party = s.party ?? [];
        const times = party.map((a) => a.at);
        expect(times).toEqual([...times].sort((a, b) => a - b));
        const ends = party.some((a) => ['hangup', 'busy', 'fail'].includes(a.do));
        const neverAnswered = s.call !== undefined && !party.some((a) => a.do === 'answer');
        expect(ends || neverAnswered).toBe(true);
        expect(Math.max(0, ...times)).toBeLessThanOrEqual(90);
      }),
      { seed: 12, numRuns: 300 },
    );
  });

  it('makes both inbound and outbound calls, with and without fallback and callbacks', () => {
    const sample = fc.sample(scenario(), { seed: 13, numRuns: 300 });
    expect(sample.some((s) => s.inbound !== undefined)).toBe(true);
    expect(sample.some((s) => s.call !== undefined)).toBe(true);
    expect(sample.some((s) => (s.call ?? s.inbound)?.FallbackUrl !== undefined)).toBe(true);
    expect(sample.some((s) => (s.call ?? s.inbound)?.StatusCallback !== undefined)).toBe(true);
    expect(sample.some((s) => (s.modify ?? []).length > 0)).toBe(true);
    expect(sample.some((s) => s.dialed !== undefined)).toBe(true);
  });

  it('honours direction', () => {
    for (const s of fc.sample(scenario({ direction: 'inbound' }), { seed: 14, numRuns: 50 })) {
      expect(s.inbound).toBeDefined();
    }
  });
});

describe('menuApplication()', () => {
  it('links pages only to pages of the same application', () => {
    fc.assert(
      fc.property(menuApplication(), (app) => {
        const pages = new Set(Object.keys(app).map((p) => `${APP_BASE}/${p}`));
        for (const [page, xml] of Object.entries(app)) {
          for (const match of xml.matchAll(urlAttributes)) {
            const ref = match[1] ?? match[2] ?? '';
            const resolved = new URL(ref, `${APP_BASE}/${page}`).href;
            if (!resolved.endsWith('/recording-status')) expect(pages.has(resolved)).toBe(true);
          }
        }
      }),
      { seed: 15, numRuns: 200 },
    );
  });

  it('has a call-screening page (spec 4.6 whisper: Gather, then decline or accept) that dials lead to', () => {
    const apps = fc.sample(menuApplication(), { seed: 16, numRuns: 200 });
    for (const app of apps) {
      expect(app.screen).toMatch(/^<Response>.*<Gather[ >].*<\/Response>$/);
      expect(app.screened).toMatch(/^<Response/);
    }
    const screened = apps.filter((app) =>
      Object.values(app).some((xml) => /<(Number|Client|Sip)[^>]* url="[^"]*screen"/.test(xml)),
    );
    expect(screened.length).toBeGreaterThan(0);
  });
});
