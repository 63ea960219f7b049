import type { ServerInput, ServerInputRaw } from '../config/server-input.js';
import type { ServerOverrides } from '../model/server.js';
import { overrideKeys } from '../config/server-input.js';
import { toEnvValues } from './secrets.js';
import type { ServerRecord, ServerSpec } from '../model/server.js';

export function specFromInput(input: ServerInput): ServerSpec {
  if (input.transport === 'stdio')
    return {
      transport: 'stdio',
      command: input.command,
      args: input.args,
      env: toEnvValues(input.env),
      ...(input.cwd ? { cwd: input.cwd } : {}),
    };
  return {
    transport: input.transport,
    url: input.url,
    headers: input.headers,
    ...(input.prometheus_url ? { prometheusUrl: input.prometheus_url } : {}),
  };
}

export function overridesFromInput(input: ServerInput): ServerOverrides {
  const out: ServerOverrides = {};
  for (const k of overrideKeys) if (input[k] !== undefined) out[k] = input[k];
  return out;
}

/** The input that would recreate a record, secrets included: the base a PATCH is applied to. */
export function inputOf(record: ServerRecord): ServerInputRaw {
  const common = { name: record.name, tags: record.tags, enabled: record.enabled, ...record.overrides };
  const spec = record.spec;
  if (spec.transport === 'stdio')
    return {
      ...common,
      transport: 'stdio',
      command: spec.command,
      args: spec.args,
      env: Object.fromEntries(
        Object.entries(spec.env).map(([k, v]) => [k, { value: v.value, secret: v.secret }]),
      ),
      ...(spec.cwd ? { cwd: spec.cwd } : {}),
    };
  return {
    ...common,
    transport: spec.transport,
    url: spec.url,
    headers: spec.headers,
    ...(spec.prometheusUrl ? { prometheus_url: spec.prometheusUrl } : {}),
  };
}

const transportFields = {
  stdio: ['command', 'args', 'env', 'cwd'],
  http: ['url', 'headers', 'prometheus_url'],
} as const;

/**
 * Applies a PATCH body to a record's input. `null` clears an optional field (an override goes
 * back to the global default); switching transport drops the old transport's fields.
 */
export function applyPatch(base: ServerInputRaw, patch: Record<string, unknown>): Record<string, unknown> {
  const switching = patch.transport !== undefined && patch.transport !== base.transport;
  const dropped = new Set<string>(
    switching ? transportFields[base.transport === 'stdio' ? 'stdio' : 'http'] : [],
  );
  for (const [k, v] of Object.entries(patch)) if (v === null) dropped.add(k);
  const merged = Object.entries({ ...base, ...patch }).filter(([k, v]) => !dropped.has(k) && v !== null);
  return Object.fromEntries(merged);
}
