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

describe('text inside the media-stream verbs', () => {
  const url = 'wss://media.test/s';
  function refused(xml: string) {
    const result = parseDocument(xml);
    if (result.ok) throw new Error('parsed without error');
    return result.error;
  }

  it('fails the document (12200) whether plain, a reference or CDATA, in <Start> and in <Stream>', () => {
    for (const text of ['hi', '&#65;', '<![CDATA[hi]]>']) {
      expect(refused(`<Response><Start>${text}<Stream url="${url}"/></Start></Response>`)).toMatchObject({
        code: 12200,
        message: '<Start> at Response/Start[1] may not hold text',
      });
      expect(
        refused(`<Response><Start><Stream url="${url}">${text}</Stream></Start></Response>`),
      ).toMatchObject({
        code: 12200,
        message: '<Stream> at Response/Start[1]/Stream[1] may not hold text',
      });
    }
  });

  it('is ignored when blank, plain, a reference or CDATA', () => {
    const { document, warnings } = parsed(
      `<Response><Start> &#32;<![CDATA[ \n ]]><Stream url="${url}"><![CDATA[ ]]></Stream>\n</Start></Response>`,
    );
    expect(warnings).toEqual([]);
    expect(document.verbs[0]).toMatchObject({ kind: 'Start', stream: { url } });
  });
});
