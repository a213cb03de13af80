/**
 * @rcml/example-app: a small voice application, the kind a user writes: a menu with
 * Gather (1: leave a message with Record, 2: talk to an agent with Dial, anything else:
 * Redirect back to the menu) and status callback endpoints.
 */
export { createExampleApp, type ExampleApp, type ReceivedRequest } from './createExampleApp.js';
export { runEmbeddedCall } from './embed.js';
export { type InspectedCall, runInspectedCall } from './inspect.js';
export { AGENT_NUMBER, choice, dialed, MENU_PROMPT, menu, recorded } from './voiceApp.js';
