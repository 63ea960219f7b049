/**
 * Recognises a request that already passed through this monitor: a server whose URL points back
 * at the monitor's own gateway (`/mcp/<id>`), directly or through other proxies, would otherwise
 * have each request forwarded to itself until the sockets run out.
 *
 * Every request the monitor sends to a server (checks and gateway forwarding) carries
 * `Via: 1.1 mcp-health-<instance id> (server <id>)`, appended to any Via it already had; the
 * gateway refuses a request whose Via already names this instance. Via rather than a header of
 * our own: it is HTTP's header for exactly this (RFC 9110 §7.6.3, "avoiding request loops"), and
 * proxies between the monitor and a server keep and extend it, so a loop through them (or through
 * another mcp-health) is still seen. The instance id is random per monitor, so two monitors never
 * take each other's requests for their own.
 */
import { randomBytes } from 'node:crypto';

export interface Loop {
  /** The server whose request came back (from the Via comment), when it says. */
  serverId: string | undefined;
}

/** Server ids are slugs; anything else is left out of the comment. */
const commentSafe = (serverId: string): string => serverId.replace(/[^\w.-]/g, '');

/** An incoming Via (one or several header lines) followed by `entry`. */
export function appendVia(incoming: string | string[] | undefined, entry: string): string {
  const before = [incoming ?? []].flat().filter((v) => v.trim() !== '');
  return [...before, entry].join(', ');
}

/** `headers` with `entry` appended to any Via among them (its name in any case). */
export function withVia(headers: Record<string, string>, entry: string): Record<string, string> {
  const out: Record<string, string> = {};
  let before: string | undefined;
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'via') before = value;
    else out[name] = value;
  }
  out.via = appendVia(before, entry);
  return out;
}

export class LoopGuard {
  /** This monitor's name in Via headers. */
  readonly pseudonym: string;
  private readonly seen: RegExp;

  constructor(instanceId = randomBytes(8).toString('hex')) {
    this.pseudonym = `mcp-health-${instanceId.replace(/[^\w-]/g, '')}`;
    this.seen = new RegExp(`(?:^|[\\s,])${this.pseudonym}(?=[\\s,]|$)(?:\\s+\\(server ([\\w.-]*)\\))?`);
  }

  /** The Via entry of a request sent to a server on its behalf. */
  entryFor(serverId: string): string {
    return `1.1 ${this.pseudonym} (server ${commentSafe(serverId)})`;
  }

  /** The loop, when a request's Via already names this monitor. */
  loopOf(via: string | string[] | undefined): Loop | undefined {
    if (via === undefined) return undefined;
    const match = this.seen.exec([via].flat().join(', '));
    if (match === null) return undefined;
    const serverId = match[1];
    return { serverId: serverId === undefined || serverId === '' ? undefined : serverId };
  }

  /** What the gateway answers a request that came back (HTTP 508). */
  static message(loop: Loop, requestedServerId: string): string {
    const whose = loop.serverId === undefined ? "a server's URL" : `server ${loop.serverId}'s URL`;
    return `this request already passed through this monitor: ${whose} points back at the monitor's own gateway (/mcp/${requestedServerId})`;
  }
}
