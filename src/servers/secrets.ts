import type { ServerSpec, EnvValue } from './server-types.js';

/** What the API shows instead of a secret. Sending it back in a PATCH keeps the stored value. */
export const REDACTED = '••••••';

const secretLooking = /(token|secret|passw|api[-_]?key|auth|credential|private)/i;

/** Env values given as plain strings become secret when their name looks like one. */
export function toEnvValues(
  env: Record<string, string | { value: string; secret: boolean }>,
): Record<string, EnvValue> {
  const out: Record<string, EnvValue> = {};
  for (const [k, v] of Object.entries(env))
    out[k] =
      typeof v === 'string'
        ? { value: v, secret: secretLooking.test(k) }
        : { value: v.value, secret: v.secret };
  return out;
}

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(headers).map((k) => [k, REDACTED]));
}

export function redactEnv(env: Record<string, EnvValue>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.secret ? REDACTED : v.value]));
}

/** A new spec keeps the stored secret wherever the client sent the redaction marker back. */
export function keepRedactedSecrets(next: ServerSpec, previous: ServerSpec): ServerSpec {
  if (next.transport === 'stdio' && previous.transport === 'stdio') {
    const env = { ...next.env };
    for (const [k, v] of Object.entries(env)) {
      const old = previous.env[k];
      if (v.value === REDACTED && old) env[k] = old;
    }
    return { ...next, env };
  }
  if (next.transport !== 'stdio' && previous.transport !== 'stdio') {
    const headers = { ...next.headers };
    for (const [k, v] of Object.entries(headers)) {
      const old = previous.headers[k];
      if (v === REDACTED && old !== undefined) headers[k] = old;
    }
    return { ...next, headers };
  }
  return next;
}

/** Every secret value of a spec, so that a log line or an error text can be scrubbed of them. */
export function secretValues(spec: ServerSpec): string[] {
  const values =
    spec.transport === 'stdio'
      ? Object.values(spec.env)
          .filter((v) => v.secret)
          .map((v) => v.value)
      : Object.values(spec.headers).flatMap((v) => [v, ...v.split(/\s+/)]);
  return values.filter((v) => v.length >= 4);
}

export function scrub(text: string, secrets: string[]): string {
  let out = text;
  for (const s of secrets) out = out.split(s).join(REDACTED);
  return out;
}

/** The spec with `fn` applied to every secret value (header values, secret env values): how the store seals and opens them. */
export function mapSecretValues(spec: ServerSpec, fn: (value: string) => string): ServerSpec {
  if (spec.transport === 'stdio') {
    const env = Object.entries(spec.env).map(([k, v]) => [k, v.secret ? { ...v, value: fn(v.value) } : v]);
    return { ...spec, env: Object.fromEntries(env) as Record<string, EnvValue> };
  }
  return { ...spec, headers: Object.fromEntries(Object.entries(spec.headers).map(([k, v]) => [k, fn(v)])) };
}
