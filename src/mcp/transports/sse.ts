/** A server reached over the legacy HTTP+SSE transport (protocol 2024-11-05 and its successors until replaced). */
import { HttpSession } from '../session/http-session.js';
import { SseUpstream } from '../upstream/sse-upstream.js';
import type { SpecOf, TransportMember, UpstreamContext } from '../transport.js';
import {
  headerSecrets,
  httpInputFields,
  httpInputOf,
  httpInputShape,
  httpSpecFields,
  httpView,
  keepRedactedHeaders,
  mapHeaderSecrets,
  prometheusSource,
} from './http-common.js';

const upstream = (spec: SpecOf<'sse'>, ctx: UpstreamContext) =>
  new SseUpstream(
    new URL(spec.url),
    spec.headers,
    ctx.authorization,
    { via: ctx.via, limit: ctx.limit },
    ctx.log,
  );

export const sse = {
  transport: 'sse',
  inputShape: httpInputShape,
  inputFields: httpInputFields,
  runsCommand: false,
  specOf: (fields) => ({ transport: 'sse', ...httpSpecFields(fields) }),
  inputOf: httpInputOf,
  keepRedacted: keepRedactedHeaders,
  secretValues: headerSecrets,
  mapSecrets: mapHeaderSecrets,
  view: httpView,
  endpoint: (spec) => spec.url,
  probeTarget: (spec) => ({ transport: 'sse', url: spec.url, headers: spec.headers }),
  openSession: (target, hooks, options) => new HttpSession(target, hooks, options),
  processSource: prometheusSource,
  gateway: {
    kind: 'sdk',
    processPerSession: false,
    session: (spec, ctx) => upstream(spec, ctx),
    exchange: { shared: false, make: upstream },
  },
} satisfies TransportMember<'sse'>;
