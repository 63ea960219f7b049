/**
 * The transport family's registry: one member per transport, checked complete at compile time.
 * The rest of the monitor reaches a server's transport only through here (`memberOf`).
 */
import type { ProbeTarget } from '../../model/probe.js';
import type { ServerSpec, Transport } from '../../model/server.js';
import type { TransportMember } from '../transport.js';
import { sse } from './sse.js';
import { stdio } from './stdio.js';
import { streamableHttp } from './streamable-http.js';

export const transports = {
  stdio,
  'streamable-http': streamableHttp,
  sse,
} satisfies { [T in Transport]: TransportMember<T> };

export const TRANSPORTS = Object.keys(transports) as Transport[];

/**
 * The member of a spec's (or a probe target's) transport, typed for any spec.
 * safe because: `transports` is keyed by transport, so the member found takes exactly the
 * variant whose `transport` it was found by.
 */
export const memberOf = (of: ServerSpec | ProbeTarget): TransportMember<Transport> =>
  transports[of.transport];

/** The probe's view of a server: secrets resolved to their values. */
export const probeTargetOf = (spec: ServerSpec): ProbeTarget => memberOf(spec).probeTarget(spec);

/** The endpoint a person reads: the URL, or the command line. */
export const endpointOf = (spec: ServerSpec): string => memberOf(spec).endpoint(spec);
