/**
 * `@rcml/core/callbacks`: the engine's per-call ordered notification delivery, for code that
 * must deliver notifications exactly as the engine does (the callback benchmark drives the
 * real transport through it). Most embedders never need it: the engine creates one queue per
 * call by itself.
 */
export { ControllerPool } from '../call/abort.js';
export { type CallbackContext, CallbackQueue, DEFAULT_RETRY_DELAYS_MS } from './callbackQueue.js';
