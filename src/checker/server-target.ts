import type { ServerSpec } from '../model/server.js';
import type { ProbeTarget } from '../model/probe.js';

/** The probe's view of a server: secrets resolved to their plain values. */
export function targetOf(spec: ServerSpec): ProbeTarget {
  if (spec.transport === 'stdio')
    return {
      transport: 'stdio',
      command: spec.command,
      args: spec.args,
      env: Object.fromEntries(Object.entries(spec.env).map(([k, v]) => [k, v.value])),
      cwd: spec.cwd,
    };
  return { transport: spec.transport, url: spec.url, headers: spec.headers };
}
