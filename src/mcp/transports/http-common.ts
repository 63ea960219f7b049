/** What the two HTTP transports share: a URL, headers (all secret), a Prometheus endpoint. */
import { z } from 'zod';
import { REDACTED } from '../../shared/scrubber.js';
import type { ServerSession, SessionHooks } from '../../model/probe.js';
import type { ProbeOptions } from '../probe-options.js';
import { HttpSession } from '../session/http-session.js';
import type { SpecOf, TargetOf } from '../transport.js';

type HttpSpec = SpecOf<'streamable-http' | 'sse'>;

/** RFC 9110 §5.1: a field name is a token. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/**
 * RFC 9110 §5.5: visible characters with inner spaces and tabs; no CR, LF, NUL or other controls,
 * no leading or trailing whitespace. US-ASCII only: RFC 9110 keeps Latin-1 (obs-text) as opaque
 * bytes that clients and servers decode differently (a UTF-8 "é" arrives as "Ã©").
 */
// eslint-disable-next-line no-control-regex -- HTAB is allowed inside a field value
const FIELD_VALUE = /^(?:[\x21-\x7e](?:[\x20\x09\x21-\x7e]*[\x21-\x7e])?)?$/;
/** Set by the transport itself; a configured value would break the exchange. */
const MANAGED = new Set([
  'host',
  'content-length',
  'transfer-encoding',
  'connection',
  'keep-alive',
  'upgrade',
  'te',
  'trailer',
  'proxy-connection',
  'mcp-session-id',
  'mcp-protocol-version',
]);

/** Header names and values as RFC 9110 has them; a bad one is refused naming the header. */
const headers = z.record(z.string(), z.string()).superRefine((h, ctx) => {
  for (const [name, value] of Object.entries(h)) {
    const path = [name];
    if (!TOKEN.test(name))
      ctx.addIssue({
        code: 'custom',
        path,
        message: `"${name.slice(0, 60)}" is not a valid header name (RFC 9110: letters, digits and !#$%&'*+-.^_\`|~, no spaces)`,
      });
    else if (MANAGED.has(name.toLowerCase()))
      ctx.addIssue({
        code: 'custom',
        path,
        message: `${name} is set by the transport and cannot be configured`,
      });
    else if (!FIELD_VALUE.test(value))
      ctx.addIssue({
        code: 'custom',
        path,
        message:
          'the value must be visible US-ASCII characters (inner spaces and tabs allowed), with no CR, LF, NUL or other control characters and no leading or trailing spaces',
      });
  }
});

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const httpInputShape = {
  url: httpUrl,
  headers: headers.default({}),
  /** The server's own Prometheus endpoint, for its CPU and memory (`process_cpu_seconds_total`, `process_resident_memory_bytes`). */
  prometheus_url: httpUrl.optional(),
};
type Input = z.output<z.ZodObject<typeof httpInputShape>>;

export const httpInputFields = ['url', 'headers', 'prometheus_url'] as const;

/** The HTTP part of a spec from validated input fields. */
export function httpSpecFields(fields: Record<string, unknown>): Omit<HttpSpec, 'transport'> {
  // safe because: the fields were validated with httpInputShape.
  const i = fields as Input;
  return { url: i.url, headers: i.headers, ...(i.prometheus_url ? { prometheusUrl: i.prometheus_url } : {}) };
}

export const httpInputOf = (spec: HttpSpec): Record<string, unknown> => ({
  url: spec.url,
  headers: spec.headers,
  ...(spec.prometheusUrl ? { prometheus_url: spec.prometheusUrl } : {}),
});

export function keepRedactedHeaders(
  fields: Record<string, unknown>,
  previous: HttpSpec,
): Record<string, unknown> {
  const given = fields.headers;
  if (typeof given !== 'object' || given === null || Array.isArray(given)) return fields;
  const headers = Object.entries(given as Record<string, unknown>).map(([k, v]): [string, unknown] => {
    const old = previous.headers[k];
    return [k, v === REDACTED && old !== undefined ? old : v];
  });
  return { ...fields, headers: Object.fromEntries(headers) };
}

/** Header values whole and by their long words (`Bearer <token>`: an upstream may echo the token alone). */
export const headerSecrets = (spec: HttpSpec): string[] =>
  Object.values(spec.headers).flatMap((v) => [v, ...v.split(/\s+/).filter((w) => w.length >= 8)]);

export const mapHeaderSecrets = <S extends HttpSpec>(spec: S, fn: (value: string) => string): S => ({
  ...spec,
  headers: Object.fromEntries(Object.entries(spec.headers).map(([k, v]) => [k, fn(v)])),
});

export const httpView = (spec: HttpSpec): Record<string, unknown> => ({
  url: spec.url,
  headers: Object.fromEntries(Object.keys(spec.headers).map((k) => [k, REDACTED])),
  prometheus_url: spec.prometheusUrl ?? null,
});

export const prometheusSource = (spec: HttpSpec) =>
  spec.prometheusUrl ? { kind: 'prometheus' as const, url: spec.prometheusUrl } : undefined;

/** What both HTTP members are made of: the same fields, secrets, view, probe target and session. */
export function httpMember<T extends 'streamable-http' | 'sse'>(transport: T) {
  return {
    transport,
    inputShape: httpInputShape,
    inputFields: httpInputFields,
    runsCommand: false,
    specOf: (fields: Record<string, unknown>) => ({ transport, ...httpSpecFields(fields) }) as SpecOf<T>,
    inputOf: httpInputOf,
    keepRedacted: keepRedactedHeaders,
    secretValues: headerSecrets,
    mapSecrets: mapHeaderSecrets,
    view: httpView,
    endpoint: (spec: HttpSpec) => spec.url,
    probeTarget: (spec: HttpSpec) => ({ transport, url: spec.url, headers: spec.headers }) as TargetOf<T>,
    openSession: (
      target: TargetOf<T>,
      hooks: SessionHooks | undefined,
      options: ProbeOptions,
    ): ServerSession => new HttpSession(target, hooks, options),
    processSource: prometheusSource,
  };
}
