/**
 * Entry point of the checker's connection layer: one long-lived, self-healing session per
 * MCP server, made by its transport's member (`transports/`; implementations in `session/`).
 */
import { DEFAULT_PROBE_OPTIONS, type ProbeOptions } from './probe-options.js';
import { type ProbeTarget, type ServerSession, type SessionHooks } from '../model/probe.js';
import { memberOf } from './transports/index.js';

/**
 * Opens (lazily, on the first check) a session with the server described by `target`.
 * `check()` never throws; stdio sessions own and supervise their child process until `close()`.
 */
export function openSession(
  target: ProbeTarget,
  hooks?: SessionHooks,
  options: ProbeOptions = DEFAULT_PROBE_OPTIONS,
): ServerSession {
  return memberOf(target).openSession(target, hooks, options);
}
