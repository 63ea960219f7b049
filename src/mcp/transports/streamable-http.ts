/** A server reached over Streamable HTTP (either protocol era): proxied by the gateway at the HTTP level. */
import type { TransportMember } from '../transport.js';
import { httpMember } from './http-common.js';

export const streamableHttp = {
  ...httpMember('streamable-http'),
  gateway: { kind: 'http-proxy', target: (spec) => ({ url: spec.url, headers: spec.headers }) },
} satisfies TransportMember<'streamable-http'>;
