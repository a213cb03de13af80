/** @rcml/replay: run replay scenarios and compare timelines. */
export type * from './scenario.js';
export type * from './timeline.js';
