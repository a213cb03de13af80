import type { Command } from '../io.js';

interface Entry {
  readonly summary: string;
  load(): Promise<Command>;
}

/** Every command, loaded on demand so `rcml validate` does not load the HTTP server. */
export const commands: Record<string, Entry> = {
  validate: {
    summary: 'check RCML documents: verdict, errors and warnings with code, path, line',
    load: async () => (await import('./validate.js')).command,
  },
  replay: {
    summary: 'run replay scenarios (files or folders) and compare timelines',
    load: async () => (await import('./replay.js')).command,
  },
  serve: {
    summary: 'run the Calls REST API server with the engine',
    load: async () => (await import('./serve.js')).command,
  },
  call: {
    summary: 'an interactive terminal phone: place a call to an application',
    load: async () => (await import('./call.js')).command,
  },
  demo: {
    summary: 'run the bundled example application through a call and print its timeline',
    load: async () => (await import('./demo.js')).command,
  },
  machine: {
    summary: 'print the call machine as a Mermaid state diagram',
    load: async () => (await import('./machine.js')).command,
  },
  fuzz: {
    summary: 'generate calls and check the engine invariants (property-based)',
    load: async () => (await import('./fuzz.js')).command,
  },
};
