import type { ServerInput, ServerInputRaw } from '../config/server-input.js';
import { overrideKeys } from '../config/server-input.js';
import { memberOf, transports } from '../mcp/transports/index.js';
import type { ServerOverrides, ServerRecord, ServerSpec } from '../model/server.js';

/** The spec of an input: its transport's fields, as that transport keeps them. */
export function specFromInput(input: ServerInput): ServerSpec {
  return transports[input.transport].specOf(input);
}

export function overridesFromInput(input: ServerInput): ServerOverrides {
  const out: ServerOverrides = {};
  // safe because: each key is copied onto the same key of the same shape (config/server-input.ts checks the keys match).
  const copy = out as Record<string, unknown>;
  for (const k of overrideKeys) if (input[k] !== undefined) copy[k] = input[k];
  return out;
}

/** The input that would recreate a record, secrets included: the base a PATCH is applied to. */
export function inputOf(record: ServerRecord): ServerInputRaw {
  const common = { name: record.name, tags: record.tags, enabled: record.enabled, ...record.overrides };
  const spec = record.spec;
  // safe because: the transport's own fields, with the common ones, are that transport's input.
  return {
    ...common,
    transport: spec.transport,
    ...memberOf(spec).inputOf(spec),
  } as ServerInputRaw;
}

/**
 * Applies a PATCH body to a record's input. `null` clears an optional field (an override goes
 * back to the global default); switching transport drops the old transport's fields.
 */
export function applyPatch(base: ServerInputRaw, patch: Record<string, unknown>): Record<string, unknown> {
  const switching = patch.transport !== undefined && patch.transport !== base.transport;
  const dropped = new Set<string>(switching ? transports[base.transport].inputFields : []);
  for (const [k, v] of Object.entries(patch)) if (v === null) dropped.add(k);
  const merged = Object.entries({ ...base, ...patch }).filter(([k, v]) => !dropped.has(k) && v !== null);
  return Object.fromEntries(merged);
}
