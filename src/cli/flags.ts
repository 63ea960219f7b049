import type { Command } from 'commander';
import { envName, isSwitch } from '../config/load.js';
import { settingKeys, settingsShape, type SettingKey } from '../config/schema.js';

const flagOf = (key: string): string => `--${key.replaceAll('_', '-')}`;

/** Every setting can be given as a flag named after its key: `--health-check-interval 10`. */
export function addSettingFlags(cmd: Command): Command {
  cmd.option('-c, --config <file>', 'YAML config file (also MCP_HEALTH_CONFIG)');
  // A switch (`--insecure-no-auth`) needs no value; `--insecure-no-auth false` still turns it off.
  for (const key of settingKeys) {
    const parsed = settingsShape[key].safeParse(undefined);
    const fallback =
      parsed.success && parsed.data !== undefined
        ? `default: ${typeof parsed.data === 'object' ? JSON.stringify(parsed.data) : String(parsed.data)}`
        : 'no default';
    cmd.option(
      `${flagOf(key)} ${isSwitch(key) ? '[value]' : '<value>'}`,
      `${key.replaceAll('_', ' ')} (${fallback}; also ${envName(key)})`,
    );
  }
  return cmd;
}

export function settingFlags(opts: Record<string, unknown>): Partial<Record<SettingKey, unknown>> {
  const out: Partial<Record<SettingKey, unknown>> = {};
  for (const key of settingKeys) {
    const camel = key.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
    if (opts[camel] !== undefined) out[key] = opts[camel];
  }
  return out;
}
