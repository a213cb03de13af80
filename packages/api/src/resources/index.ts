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

/** Serve a request for a resource beside Calls; 404 when no module knows the path. */
export async function serveResource(request: ResourceRequest): Promise<void> {
  for (const serve of SERVERS) if (await serve(request)) return;
  throw new RcmlError(20404, 'no resource at this path');
}

export type { ResourceRequest } from './context.js';
export { matchResource, type ResourceMatch } from './routes.js';
