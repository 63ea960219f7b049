/** A server reached over Streamable HTTP (either protocol era). */
import { HttpSession } from '../session/http-session.js';
import type { TransportMember } from '../transport.js';
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

export const streamableHttp = {
  transport: 'streamable-http',
  inputShape: httpInputShape,
  inputFields: httpInputFields,
  runsCommand: false,
  specOf: (fields) => ({ transport: 'streamable-http', ...httpSpecFields(fields) }),
  inputOf: httpInputOf,
  keepRedacted: keepRedactedHeaders,
  secretValues: headerSecrets,
  mapSecrets: mapHeaderSecrets,
  view: httpView,
  endpoint: (spec) => spec.url,
  probeTarget: (spec) => ({ transport: 'streamable-http', url: spec.url, headers: spec.headers }),
  openSession: (target, hooks, options) => new HttpSession(target, hooks, options),
  processSource: prometheusSource,
  gateway: { kind: 'http-proxy', target: (spec) => ({ url: spec.url, headers: spec.headers }) },
} satisfies TransportMember<'streamable-http'>;
