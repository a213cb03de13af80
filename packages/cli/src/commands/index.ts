import type { Command } from '../io.js';

/** Every command, loaded on demand so `rcml validate` does not load the HTTP server. */
export const commands: Record<string, { readonly summary: string; load(): Promise<Command> }> = {
  // Each entry: name: { summary, load: async () => (await import('./name.js')).command },
};
