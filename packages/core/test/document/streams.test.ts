/** The media-stream verbs as parseDocument reads them (spec 9.6): tracks, and their warnings. */
import { parseDocument, type StreamTrack } from '@rcml/core';
import { describe, expect, it } from 'vitest';

function parsed(xml: string) {
  const result = parseDocument(xml);
  if (!result.ok) throw new Error(`${result.error.code} ${result.error.message}`);
  return result;
}

describe('the track of a <Stream>', () => {
  it.each(['inbound_track', 'outbound_track', 'both_tracks'] as StreamTrack[])(
    '<Start> keeps %s without a warning',
    (track) => {
      const { document, warnings } = parsed(
        `<Response><Start><Stream url="wss://media.test/s" track="${track}"/></Start></Response>`,
      );
      expect(document.verbs[0]).toMatchObject({ kind: 'Start', stream: { track } });
      expect(warnings).toEqual([]);
    },
  );

  it('<Connect> keeps inbound_track without a warning', () => {
    const { document, warnings } = parsed(
      '<Response><Connect><Stream url="wss://media.test/s" track="inbound_track"/></Connect></Response>',
    );
    expect(document.verbs[0]).toMatchObject({ kind: 'Connect', stream: { track: 'inbound_track' } });
    expect(warnings).toEqual([]);
  });

  it.each(['outbound_track', 'both_tracks'])(
    '<Connect> warns that %s is not available and uses inbound_track',
    (track) => {
      const { document, warnings } = parsed(
        `<Response>\n<Connect>\n<Stream url="wss://media.test/s" track="${track}"/></Connect></Response>`,
      );
      expect(document.verbs[0]).toMatchObject({ kind: 'Connect', stream: { track: 'inbound_track' } });
      expect(warnings).toEqual([
        {
          code: 13151,
          message: `<Stream> track: "${track}" is not available in <Connect> (bidirectional streams carry inbound_track); using inbound_track`,
          path: 'Response/Connect[1]/Stream[1]',
          line: 3,
          attribute: 'track',
        },
      ]);
    },
  );

  it('an unknown track warns naming the three tracks and falls back to inbound_track', () => {
    const { document, warnings } = parsed(
      '<Response><Start><Stream url="wss://media.test/s" track="left_track"/></Start></Response>',
    );
    expect(document.verbs[0]).toMatchObject({ kind: 'Start', stream: { track: 'inbound_track' } });
    expect(warnings).toMatchObject([
      {
        code: 13151,
        attribute: 'track',
        message:
          '<Stream> track: "left_track" is not one of inbound_track, outbound_track, both_tracks; using inbound_track',
      },
    ]);
  });
});

describe('<Stop>', () => {
  it('keeps only the name of its <Stream>', () => {
    const { document, warnings } = parsed('<Response><Stop><Stream name="bot"/></Stop></Response>');
    expect(document.verbs).toEqual([
      { kind: 'Stop', name: 'bot', position: { path: 'Response/Stop[1]', line: 1 } },
    ]);
    expect(warnings).toEqual([]);
  });
});
