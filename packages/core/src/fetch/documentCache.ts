/**
 * A small LRU of classified bodies. Many calls fetch the same document; parsed documents are
 * immutable, so calls share one copy instead of parsing (and holding) their own.
 */
import { type ContentDecision, classifyContent, type ParseOptions } from '../document/index.js';

/** Bodies over this size are not cached (their key would cost as much as the parse). */
const MAX_CACHED_BODY = 16 * 1024;

export class DocumentCache {
  private readonly entries = new Map<string, ContentDecision>();

  constructor(private readonly capacity: number) {}

  classify(contentType: string | null, body: string, options: ParseOptions): ContentDecision {
    if (this.capacity <= 0 || body.length > MAX_CACHED_BODY)
      return classifyContent(contentType, body, options);
    const key = `${contentType ?? ''}\n${body}`;
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Refresh: a Map iterates in insertion order, so the first key is the least recent.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const decision = classifyContent(contentType, body, options);
    this.entries.set(key, decision);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    return decision;
  }
}
