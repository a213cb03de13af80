/**
 * @rcml/driver-asterisk: a media driver for Asterisk 22 over ARI (REST + one event WebSocket
 * per Stasis application). See `docs/asterisk.md` for configuring Asterisk.
 */
export { ASTERISK_FLAGS, parseAsteriskArgs } from './args.js';
export type { AttemptOutcome } from './causes.js';
export { ANONYMOUS, type AsteriskDriver, createAsteriskDriver, type InboundCall } from './driver.js';
export { type AudioConverter, createSoxConverter } from './media/converter.js';
export {
  createUndiciMediaFetcher,
  type FetchedMedia,
  type MediaCache,
  type MediaFetcher,
  type UndiciMediaFetcherOptions,
} from './media/mediaCache.js';
export { createFileRecordingStore, type RecordingStore } from './media/recordingStore.js';
export { createEspeakTts, type EspeakOptions, type TtsPort } from './media/tts.js';
export type { AsteriskDriverOptions, EndpointTemplates, TalkDetectOptions } from './options.js';
