/**
 * The resources beside Calls, dispatched by path: Recordings (recordings.ts), Queues and their
 * Members (queues.ts), Conferences and their Participants (conferences.ts). Each module
 * answers the paths it knows and returns false for the others (404).
 */
import { RcmlError } from '@rcml/core';
import { serveConferences } from './conferences.js';
import type { ResourceRequest } from './context.js';
import { serveQueues } from './queues.js';
import { serveRecordings } from './recordings.js';

const SERVERS: readonly ((request: ResourceRequest) => Promise<boolean>)[] = [
  serveRecordings,
  serveQueues,
  serveConferences,
];

/**
 * Subresources of a call that TwiML's API has and this engine does not, with what to do
 * instead: a 404 that names them rather than "no resource at this path".
 */
const CALL_SUBRESOURCES_NOT_IMPLEMENTED: Readonly<Record<string, string>> = {
  Streams:
    "start a forked stream with <Start><Stream> in the call's document (or update the call's Twiml with one), stop it with <Stop><Stream name>",
  Siprec: '',
  Transcriptions: '',
  Payments: '',
  UserDefinedMessages: '',
  UserDefinedMessageSubscriptions: '',
  Notifications: '',
  Events: '',
};

/** Serve a request for a resource beside Calls; 404 when no module knows the path. */
export async function serveResource(request: ResourceRequest): Promise<void> {
  for (const serve of SERVERS) if (await serve(request)) return;
  const { segments } = request.match;
  const sub = segments[0] === 'Calls' ? segments[2] : undefined;
  if (sub !== undefined && Object.hasOwn(CALL_SUBRESOURCES_NOT_IMPLEMENTED, sub)) {
    const instead = CALL_SUBRESOURCES_NOT_IMPLEMENTED[sub];
    throw new RcmlError(
      20404,
      `the ${sub} resource of a call is not implemented${instead === '' ? '' : `: ${instead}`} (docs/api.md lists the resources served)`,
    );
  }
  throw new RcmlError(20404, 'no resource at this path');
}

export type { ResourceRequest } from './context.js';
export { matchResource, type ResourceMatch } from './routes.js';
