/** Test fixture: a plain join request to a room, for seating participants in the registry. */
import type { JoinRequest } from '../../src/conferences/conferences.js';

/** A join of `callSid` to `accountSid`'s room "Room": no status callbacks, controls that do nothing. */
export function plainJoin(callSid: string, accountSid = 'AC1'): JoinRequest {
  return {
    accountSid,
    name: 'Room',
    callSid,
    muted: false,
    startConferenceOnEnter: true,
    endConferenceOnExit: false,
    maxParticipants: 250,
    coach: null,
    record: false,
    statusCallback: null,
    statusCallbackMethod: 'POST',
    statusCallbackEvent: [],
    control: {
      mute: async () => {},
      hold: async () => {},
      kick: () => {},
      started: () => {},
      record: () => {},
    },
  };
}
