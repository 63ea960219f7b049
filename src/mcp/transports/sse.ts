/** A server reached over the legacy HTTP+SSE transport: the gateway speaks to it through the SDK's SSE transport. */
import { SseUpstream } from '../upstream/sse-upstream.js';
import type { SpecOf, TransportMember, UpstreamContext } from '../transport.js';
import { httpMember } from './http-common.js';

const upstream = (spec: SpecOf<'sse'>, ctx: UpstreamContext) =>
  new SseUpstream(
    new URL(spec.url),
    spec.headers,
    ctx.authorization,
    { via: ctx.via, limit: ctx.limit },
    ctx.log,
  );

export const sse = {
  ...httpMember('sse'),
  gateway: {
    kind: 'sdk',
    processPerSession: false,
    session: (spec, ctx) => upstream(spec, ctx),
    exchange: { shared: false, make: upstream },
  },
} satisfies TransportMember<'sse'>;
