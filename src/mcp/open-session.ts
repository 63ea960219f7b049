/**
 * Entry point of the checker's connection layer: one long-lived, self-healing session per
 * MCP server. See `session/` for the HTTP and stdio implementations.
 */
import { DEFAULT_PROBE_OPTIONS, type ProbeOptions } from './probe-options.js';
import { type ProbeTarget, type ServerSession, type SessionHooks } from '../model/probe.js';
import { HttpSession } from './session/http-session.js';
import { StdioSession } from './session/stdio-session.js';

/**
 * Opens (lazily, on the first check) a session with the server described by `target`.
 * `check()` never throws; stdio sessions own and supervise their child process until `close()`.
 */
export function openSession(
  target: ProbeTarget,
  hooks?: SessionHooks,
  options: ProbeOptions = DEFAULT_PROBE_OPTIONS,
): ServerSession {
  if (target.transport === 'stdio') return new StdioSession(target, hooks, options);
  return new HttpSession(target, hooks, options);
}
