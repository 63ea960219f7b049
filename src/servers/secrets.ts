import { REDACTED } from '../shared/scrubber.js';
import type { ServerSpec, EnvValue } from '../model/server.js';

/** What the API shows instead of a secret. Sending it back in a PATCH keeps the stored value. */
export { REDACTED };

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

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * A PATCHed input keeps the stored secret wherever the client sent the redaction marker back
 * (what it read from the API), before the input is validated.
 */
export function keepRedactedSecrets(
  input: Record<string, unknown>,
  previous: ServerSpec,
): Record<string, unknown> {
  if (previous.transport === 'stdio' && isRecord(input.env)) {
    const env = Object.entries(input.env).map(([k, v]) => {
      const old = previous.env[k];
      const marker = v === REDACTED || (isRecord(v) && v.value === REDACTED);
      return [k, marker && old ? { value: old.value, secret: old.secret } : v];
    });
    return { ...input, env: Object.fromEntries(env) };
  }
  if (previous.transport !== 'stdio' && isRecord(input.headers)) {
    const headers = Object.entries(input.headers).map(([k, v]) => {
      const old = previous.headers[k];
      return [k, v === REDACTED && old !== undefined ? old : v];
    });
    return { ...input, headers: Object.fromEntries(headers) };
  }
  return input;
}

/**
 * Every secret value of a spec, for the scrubber: secret env values, and header values whole and
 * by their long words (`Bearer <token>`: an upstream may echo the token alone).
 */
export function secretValues(spec: ServerSpec): string[] {
  if (spec.transport === 'stdio')
    return Object.values(spec.env)
      .filter((v) => v.secret)
      .map((v) => v.value);
  return Object.values(spec.headers).flatMap((v) => [v, ...v.split(/\s+/).filter((w) => w.length >= 8)]);
}

/** The spec with `fn` applied to every secret value (header values, secret env values): how the store seals and opens them. */
export function mapSecretValues(spec: ServerSpec, fn: (value: string) => string): ServerSpec {
  if (spec.transport === 'stdio') {
    const env = Object.entries(spec.env).map(([k, v]) => [k, v.secret ? { ...v, value: fn(v.value) } : v]);
    return { ...spec, env: Object.fromEntries(env) as Record<string, EnvValue> };
  }
  return { ...spec, headers: Object.fromEntries(Object.entries(spec.headers).map(([k, v]) => [k, fn(v)])) };
}
