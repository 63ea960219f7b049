import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';
import { configSchema, settingKeys, settingsShape, type Config, type SettingKey } from './schema.js';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface ConfigSources {
  /** Path of a YAML file; also taken from MCP_HEALTH_CONFIG. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Settings given as CLI flags, already keyed by setting name (strings are coerced like env values). */
  flags?: Partial<Record<SettingKey, unknown>>;
}

export const envName = (key: string): string => `MCP_HEALTH_${key.toUpperCase()}`;

const isNumeric = (key: SettingKey): boolean => settingsShape[key].safeParse(1).success;
export const isSwitch = (key: SettingKey): boolean => settingsShape[key].safeParse(true).success;
const switchWords: Record<string, boolean> = {
  true: true,
  yes: true,
  '1': true,
  false: false,
  no: false,
  '0': false,
};

/**
 * Env and flag values arrive as strings; numbers are read as numbers, true/false/yes/no/1/0 as
 * switches, anything else is left for the schema to judge.
 */
function coerce(key: SettingKey, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (isSwitch(key)) return switchWords[trimmed.toLowerCase()] ?? value;
  if (!isNumeric(key)) return value;
  return trimmed !== '' && Number.isFinite(Number(trimmed)) ? Number(trimmed) : value;
}

function readFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ConfigError([`config file ${path}: ${(err as Error).message}`]);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new ConfigError([`config file ${path}: not valid YAML: ${(err as Error).message}`]);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new ConfigError([`config file ${path}: must be a mapping of keys to values`]);
  return doc as Record<string, unknown>;
}

export function formatIssues(
  issues: z.core.$ZodIssue[],
  origin: (key: string) => string | undefined,
): string[] {
  return issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys')
      return issue.keys.map((k) => `${[...issue.path, k].join('.')}: unknown key`);
    const path = issue.path.map(String).join('.') || '(root)';
    const from = origin(String(issue.path[0] ?? ''));
    return [`${path}${from ? ` (from ${from})` : ''}: ${issue.message}`];
  });
}

/** File, then environment (`MCP_HEALTH_<KEY>`), then CLI flags; later sources win. */
export function loadConfig(sources: ConfigSources = {}): Config {
  const env = sources.env ?? process.env;
  const file = sources.file ?? env.MCP_HEALTH_CONFIG;
  const merged: Record<string, unknown> = file ? readFile(file) : {};
  const origins = new Map<string, string>();
  if (file) for (const k of Object.keys(merged)) origins.set(k, file);
  for (const key of settingKeys) {
    const value = env[envName(key)];
    if (value !== undefined && value !== '') {
      merged[key] = coerce(key, value);
      origins.set(key, envName(key));
    }
  }
  for (const [key, value] of Object.entries(sources.flags ?? {}) as [SettingKey, unknown][]) {
    if (value === undefined) continue;
    merged[key] = coerce(key, value);
    origins.set(key, `--${key.replaceAll('_', '-')}`);
  }
  const result = configSchema.safeParse(merged);
  if (!result.success) throw new ConfigError(formatIssues(result.error.issues, (k) => origins.get(k)));
  return result.data;
}
