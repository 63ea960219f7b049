import type { ServerView } from '../server-view.js';
import type { LiveMessage } from './live-message.js';

/** A message with its text, serialised once for every client. */
export interface Outgoing {
  msg: LiveMessage;
  text: string;
}

/**
 * Largest `servers` message, bytes. A fleet's batch or snapshot can be megabytes; split, a
 * client that falls behind stops after one piece (the rest waits in its backlog as ids).
 */
export const SERVERS_MESSAGE_BYTES = 256 * 1024;

/** `views` as `servers` messages of about `maxBytes` at most each; the first a `snapshot` when asked. */
export function serverMessages(
  views: readonly ServerView[],
  first: 'snapshot' | 'servers',
  maxBytes = SERVERS_MESSAGE_BYTES,
): Outgoing[] {
  const out: Outgoing[] = [];
  let chunk: ServerView[] = [];
  let texts: string[] = [];
  let bytes = 0;
  const emit = () => {
    const type = out.length === 0 ? first : 'servers';
    // The same text JSON.stringify({ type, servers }) gives, without serialising each view twice.
    out.push({ msg: { type, servers: chunk }, text: `{"type":"${type}","servers":[${texts.join(',')}]}` });
    [chunk, texts, bytes] = [[], [], 0];
  };
  for (const view of views) {
    const text = JSON.stringify(view);
    if (chunk.length > 0 && bytes + text.length > maxBytes) emit();
    chunk.push(view);
    texts.push(text);
    bytes += text.length + 1;
  }
  if (chunk.length > 0 || out.length === 0) emit();
  return out;
}
