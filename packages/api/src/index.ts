/**
 * @rcml/api: the Calls REST API (create, list, fetch, modify calls) as a `node:http` request
 * handler and a ready server, speaking the HTTP that existing TwiML REST clients speak.
 */

export { readWav, wavToMp3 } from './audio.js';
export type { AccountLookup } from './auth.js';
export { type AuthLimiter, type AuthLimitOptions, createAuthLimiter } from './authLimit.js';
export { type CallsApiOptions, createCallsApiHandler, WARNINGS_HEADER } from './createCallsApiHandler.js';
export { type CallsApiServer, createCallsApiServer, type ListenOptions } from './createCallsApiServer.js';
export { createFolderRecordingStore } from './recordingStore.js';
export type { ErrorBody, Format } from './render.js';
export type { CallListResource, CallResource } from './representation.js';
export { API_VERSIONS, type ApiVersion } from './routes.js';
export { checkRequestUrls, isUrlParam, type UrlCheck } from './urlPolicy.js';
