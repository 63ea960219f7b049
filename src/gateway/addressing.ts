import { pausedUntil, type ServerRecord } from '../model/server.js';

/** Why the gateway refuses a server's traffic now (disabled, or paused until a time); undefined when it takes it. */
export function pausedReason(server: ServerRecord): string | undefined {
  if (!server.enabled) return `server "${server.id}" is disabled`;
  const until = pausedUntil(server, Date.now());
  if (until === null) return undefined;
  const why = server.disabledReason === null ? '' : ` (${server.disabledReason})`;
  return `server "${server.id}" is disabled until ${new Date(until).toISOString()}${why}`;
}

/** A server id from the path: percent-decoded, or as given when it is not valid percent-encoding. */
export function safeDecode(rawId: string): string {
  try {
    return decodeURIComponent(rawId);
  } catch {
    return rawId;
  }
}
