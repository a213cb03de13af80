/**
 * A Mermaid sequence diagram of a call from its log: the caller, the engine and the web
 * application as participants; media, keys, document requests and callbacks as messages.
 */
import type { LogEntry } from './callLog.js';
import { clip, describeOperation, shortUrl } from './format.js';

/** Mermaid treats `;` and `#` specially in message text; write them as entity codes. */
function text(value: string): string {
  const codes: Record<string, string> = { '#': '#35;', ';': '#59;', '"': '#quot;' };
  return clip(value, 70).replace(/[#;"]/g, (c) => codes[c] ?? c);
}

export interface DiagramOptions {
  /** The main call; statuses of other calls (dial legs) become notes about them. */
  readonly callSid?: string;
  readonly caller?: string;
  readonly app?: string;
}

/** Render the diagram (Mermaid source, ending with a newline). */
export function toMermaid(entries: readonly LogEntry[], options: DiagramOptions = {}): string {
  const lines = [
    'sequenceDiagram',
    `  participant C as Caller${options.caller === undefined ? '' : ` ${text(options.caller)}`}`,
    '  participant E as RCML engine',
    '  participant A as Web app',
  ];
  // A URL's colons do not belong in a participant's alias; a note can hold it.
  if (options.app !== undefined) lines.push(`  Note over A: ${text(options.app)}`);
  for (const entry of entries) {
    switch (entry.kind) {
      case 'status':
        if (options.callSid === undefined || entry.callSid === options.callSid) {
          lines.push(`  Note over E: status ${text(entry.status)}`);
        } else lines.push(`  Note over E: leg ${text(entry.callSid.slice(-4))} ${text(entry.status)}`);
        break;
      case 'request': {
        const arrow = entry.requestKind === 'fetch' ? '->>' : '-)';
        const what = entry.params.Digits !== undefined ? ` Digits=${entry.params.Digits}` : '';
        lines.push(`  E${arrow}A: ${text(`${entry.method} ${shortUrl(entry.url)}${what}`)}`);
        break;
      }
      case 'response':
        if (entry.requestKind === 'fetch') {
          lines.push(
            `  A-->>E: ${text(entry.status === null ? `failed: ${entry.error ?? ''}` : `${entry.status} ${entry.contentType ?? ''}`)}`,
          );
        }
        break;
      case 'media':
        // The caller's diagram: a dialled leg's whisper operations are not the caller's.
        if (entry.legSid !== undefined) break;
        lines.push(`  E->>C: ${text(`${entry.op} ${describeOperation(entry.op, entry.detail)}`.trim())}`);
        break;
      case 'key':
        lines.push(`  C->>E: ${text(`key ${entry.digit}`)}`);
        break;
      case 'party':
      case 'phone':
        lines.push(`  Note over C: ${text(entry.text)}`);
        break;
      case 'stream':
        lines.push(`  Note over E: ${text(`stream ${entry.text}`)}`);
        break;
      case 'notice':
        lines.push(`  Note over E: ${text(`notice ${entry.code} ${entry.message}`)}`);
        break;
      case 'event':
        break;
    }
  }
  return `${lines.join('\n')}\n`;
}
