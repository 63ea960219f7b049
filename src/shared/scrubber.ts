/**
 * The one place secrets are taken out of text on its way out of the monitor (logs, API answers,
 * live messages, stored error samples, webhooks, emails). It knows every secret there is —
 * servers' header values and secret env values, channels' credentials, the api_token — each set
 * by its owner, and replaces each occurrence (also JSON-escaped or URL-encoded) with the marker.
 *
 * Text is scrubbed where it comes in from outside (an upstream's error, a stderr line, a request
 * event), so what is stored and every view of it are clean; the logger scrubs each line as a
 * last net. A scan looks each position's first two characters up in an index, so its cost does
 * not grow with the number of secrets.
 */

import { mapStrings } from './text.js';

/** What replaces a secret; also what the API shows instead of one. */
export const REDACTED = '••••••';
/** Shorter values would take ordinary words out of every text; they are not treated as secrets. */
export const MIN_SECRET_CHARS = 6;

const keyAt = (text: string, i: number): number =>
  ((text.charCodeAt(i) & 0x7fff) << 15) | (text.charCodeAt(i + 1) & 0x7fff);

/** A secret as it may appear in text: itself, JSON-escaped, URL-encoded. */
function spellings(secret: string): string[] {
  const forms = new Set([secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]);
  return [...forms];
}

export class Scrubber {
  private readonly owners = new Map<string, readonly string[]>();
  /** First two characters → the spellings starting with them, longest first. */
  private index = new Map<number, string[]>();

  /** Replaces the secrets an owner (`server:<id>`, `channel:<id>`, `config`) has. */
  set(owner: string, secrets: readonly string[]): void {
    const kept = secrets.filter((s) => s.length >= MIN_SECRET_CHARS);
    if (kept.length === 0) this.owners.delete(owner);
    else this.owners.set(owner, kept);
    this.rebuild();
  }

  delete(owner: string): void {
    if (this.owners.delete(owner)) this.rebuild();
  }

  /** `text` with every known secret replaced by the marker. */
  scrub(text: string): string {
    if (this.index.size === 0 || text.length < MIN_SECRET_CHARS) return text;
    let out = '';
    let last = 0;
    for (let i = 0; i + 1 < text.length;) {
      const hit = this.index.get(keyAt(text, i))?.find((s) => text.startsWith(s, i));
      if (hit === undefined) {
        i += 1;
        continue;
      }
      out += text.slice(last, i) + REDACTED;
      i += hit.length;
      last = i;
    }
    return last === 0 ? text : out + text.slice(last);
  }

  /** A JSON-like value with every string in it (keys too) scrubbed. */
  scrubValue(value: unknown): unknown {
    return this.index.size === 0 ? value : mapStrings(value, (text) => this.scrub(text));
  }

  private rebuild(): void {
    const index = new Map<number, string[]>();
    for (const secrets of this.owners.values())
      for (const secret of secrets)
        for (const form of spellings(secret)) {
          const key = keyAt(form, 0);
          const list = index.get(key) ?? [];
          if (!list.includes(form)) list.push(form);
          index.set(key, list);
        }
    for (const list of index.values()) list.sort((a, b) => b.length - a.length);
    this.index = index;
  }
}
